package io.mailpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.compose.ComposedMessage;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.compose.TemplateRenderer;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.RetrySettings;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.request.RequestReader;
import io.mailpipe.retry.RetryPolicy;
import io.mailpipe.suppression.SuppressionList;
import io.mailpipe.testing.HostileValues;
import io.mailpipe.testing.MimeHeaderScan;
import io.mailpipe.testing.MutableClock;
import jakarta.mail.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Fuzzing of the path a request record takes before SMTP (issue 8): the real {@link RequestReader}, account
 * selection over the real quota router, the real {@link MessageComposer} with a templates folder, the SMTP step
 * played as "accepted", and {@code conclude} into the records to publish. Inputs are the valid examples of
 * {@code examples/requests.jsonl} plus a few richer seeds, mutated: hostile characters in every field that ends up
 * in a header (raw CR, LF, lone CR, NUL, NEL, U+2028, U+2029, and the same hidden in RFC 2047 encoded words), wrong
 * JSON types, missing and unknown fields, huge values, deep nesting, many recipients, byte flips, truncation and
 * invalid UTF-8.
 *
 * <p>Properties: nothing throws; every record gets exactly one outcome with a specific reason (never
 * INTERNAL_ERROR); a rejected record is dead-lettered with its original bytes; a raw line break or control
 * character in a header-bound field is HEADER_INJECTION; and a message that is composed has, in the bytes it is sent
 * as, no header line nobody asked for and no header holding a control character, raw or encoded
 * ({@link MimeHeaderScan}).
 */
class RequestFuzzTest {

    static final KafkaSettings.Topics TOPICS = new KafkaSettings.Topics(null, null, null, null);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String PDF = "JVBERi0xLjQgbWFkZSB1cA==";
    private static final String PNG = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
    /** Headers Angus' SMTPTransport leaves out of DATA. */
    private static final String[] NOT_IN_DATA = {"Bcc", "Content-Length"};

    static final List<String> RAW_INJECTIONS = HostileValues.RAW_INJECTIONS;
    static final List<String> ENCODED_INJECTIONS = HostileValues.ENCODED_INJECTIONS;
    static final List<String> ODD = HostileValues.ODD;

    private static Path templates;
    private static MessageComposer composer;
    private static List<ObjectNode> plainSeeds;
    private static ObjectNode templateSeed;
    private static final Slowest slowest = new Slowest();
    private static final java.util.concurrent.atomic.AtomicLong TOTAL_NANOS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    @BeforeContainer
    static void setUp() throws IOException {
        templates = Files.createTempDirectory("mailpipe-fuzz-templates");
        Path welcome = Files.createDirectories(templates.resolve("welcome"));
        Files.writeString(welcome.resolve("subject.mustache"), "Welcome {{name}}");
        Files.writeString(welcome.resolve("text.mustache"), "Hello {{name}},\nyour code is {{code}}.\n");
        Files.writeString(welcome.resolve("html.mustache"), "<p>Hello {{name}}</p>");
        composer = new MessageComposer(new MutableClock(DeliveryHarness.T0), new TemplateRenderer(templates), Map.of());
        plainSeeds = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("examples/requests.jsonl"))) {
            // the demo file ends with deliberately broken requests: only the valid ones are seeds
            if (!line.isBlank() && isValid(line)) {
                plainSeeds.add((ObjectNode) JSON.readTree(line));
            }
        }
        plainSeeds.add((ObjectNode) JSON.readTree("""
                {"id": "rich-1", "from": "Shop <news@shop.example>", "replyTo": "Support <support@shop.example>",
                 "to": ["Ann <ann@example.org>", "bob@example.net"], "cc": "Carol <carol@example.com>",
                 "bcc": ["audit@shop.example"], "subject": "Your order", "text": "Hello", "html": "<p>Hi <img src=cid:logo@shop></p>",
                 "headers": {"X-Order-Ref": "4711", "Precedence": "bulk"},
                 "attachments": [{"filename": "invoice.pdf", "contentType": "application/pdf", "content": "%s"},
                                 {"filename": "logo.png", "contentType": "image/png", "content": "%s", "contentId": "logo@shop"}],
                 "campaign": "november-news", "listUnsubscribe": {"url": "https://shop.example/u/1", "mailto": "leave@shop.example"},
                 "notAfter": "2031-01-01T00:00:00Z"}
                """.formatted(PDF, PNG)));
        plainSeeds.add((ObjectNode) JSON.readTree("""
                {"id": "partner-1", "pool": "partners", "from": "Partner <partner@partner.example>", "to": "lead@example.org",
                 "subject": "From the partner", "text": "Hi"}
                """));
        templateSeed = (ObjectNode) JSON.readTree("""
                {"id": "tpl-1", "to": "Ann <ann@example.org>", "template": {"id": "welcome", "vars": {"name": "Ann", "code": "X1"}}}
                """);
    }

    private static boolean isValid(String line) {
        try {
            new RequestReader(1_000_000).read(line.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (io.mailpipe.request.InvalidRequestException e) {
            return false;
        }
    }

    @AfterContainer
    static void tearDown() throws IOException {
        System.out.println("RequestFuzzTest: " + RUNS + " records in " + TOTAL_NANOS.get() / 1_000_000
                + " ms of processing; slowest record " + slowest);
        if (templates != null) {
            try (var files = Files.walk(templates)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---------------------------------------------------------------- properties

    @Example
    void everySeedIsSentWithCleanHeaders() {
        List<ObjectNode> all = new ArrayList<>(plainSeeds);
        all.add(templateSeed);
        for (ObjectNode seed : all) {
            Decision d = run(new Input("seed " + seed.get("id"), bytes(seed), null));
            assertThat(d.reason).as(seed.get("id").asText()).isIn(ReasonCode.ACCEPTED);
        }
    }

    /** One hostile value in one header-bound field of a valid request. */
    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void hostileCharactersNeverReachAHeader(@ForAll("hostileRequests") Input input) {
        Decision d = run(input);
        if (input.expected != null) {
            assertThat(d.reason).as(input.description).isIn(input.expected.toArray());
        }
    }

    /** Valid requests with one to three structural mutations, some then damaged at byte level. */
    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void mutatedRequestsGetOneSpecificOutcome(@ForAll("mutatedRequests") Input input) {
        run(input);
    }

    /** Arbitrary JSON and arbitrary bytes. */
    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void randomRecordsGetOneSpecificOutcome(@ForAll("randomRecords") Input input) {
        run(input);
    }

    // ---------------------------------------------------------------- the path of a record

    /** What happened to one record. */
    record Decision(ReasonCode reason, boolean composed) {
    }

    /** A record value and how it was made (printed when a property fails). */
    record Input(String description, byte[] value, Set<ReasonCode> expected) {
        @Override
        public String toString() {
            return description + " (" + value.length + " bytes)";
        }
    }

    private static final RequestReader READER = new RequestReader(1_000_000);
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final RetryPolicy RETRY = new RetryPolicy(new RetrySettings(3, Duration.ofSeconds(30), 2.0,
            Duration.ofMinutes(10), Duration.ofHours(24)));
    /** shop-main takes 3 recipients per message (longer lists are split); relay lets the request choose From. */
    private static final List<Account> ACCOUNTS = List.of(account("shop-main", "Shop <news@shop.example>", false, List.of()),
            account("relay", "relay@partner.example", true, List.of("partners")),
            account("shop-yandex", "shop@yandex.example", false, List.of()));

    private static Account account(String name, String from, boolean override, List<String> pools) {
        return new Account(name, "smtp." + name + ".example", 465, Security.SSL, name, "secret", from, override,
                Limits.NONE, 3, 5_000_000L, Duration.ofSeconds(30)).withPools(pools);
    }

    /**
     * Runs one record through a fresh service (its own ledger and quota, so the same id may come again): prepare,
     * check every composed message's bytes, play "accepted" for each part, conclude. Asserts the common properties.
     */
    static Decision run(Input input) {
        long started = System.nanoTime();
        MutableClock clock = new MutableClock(DeliveryHarness.T0);
        DeliveryService service = new DeliveryService(READER, composer, SESSION, ACCOUNTS,
                DeliveryHarness.router(ACCOUNTS, clock), RETRY, new RequestLedger(), clock, Duration.ZERO, SuppressionList.NONE,
                new io.mailpipe.account.PushbackJudge(3));
        InboundRecord in = new InboundRecord(TOPICS.requests(), 0, 42, null, input.value, List.of());

        Delivery d = service.start(in);
        service.prepare(d); // must not throw: the worker would dead-letter the record as INTERNAL_ERROR
        boolean composed = d.readyToSend();
        assertThat(composed || d.result != null).as("a decision for " + input).isTrue();
        if (composed) {
            for (ComposedMessage part : d.composedParts) {
                List<String> problems = MimeHeaderScan.problems(wireBytes(part),
                        new ArrayList<>(d.request.headers().keySet()), Set.of());
                assertThat(problems).as("headers of the message composed for " + input).isEmpty();
            }
            while (service.nextPart(d)) {
                service.sent(d, DeliveryHarness.QUEUED);
            }
        }
        List<ProducerRecord<byte[], byte[]>> records = DeliveryHarness.RECORDS.records(service.conclude(d));
        RequestLedger.Claim claim = d.claim();
        if (claim != null) {
            claim.published(d.isTerminal());
            claim.close();
        }

        List<ProducerRecord<byte[], byte[]>> outcomes = on(TOPICS.outcomes(), records);
        assertThat(outcomes).as("outcomes of " + input).hasSize(1);
        OutcomeEvent outcome;
        try {
            outcome = OutcomeJson.read(outcomes.get(0).value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ReasonCode reason = ReasonCode.valueOf(outcome.reasonCode().toUpperCase(java.util.Locale.ROOT));
        assertThat(reason).as("reason of " + input + ": " + outcome.reason()).isNotEqualTo(ReasonCode.INTERNAL_ERROR);
        assertThat(d.isTerminal()).as("terminal outcome for " + input).isTrue();
        if (reason.status() == Status.REJECTED || reason.status() == Status.EXPIRED) {
            List<ProducerRecord<byte[], byte[]>> dlq = on(TOPICS.dlq(), records);
            assertThat(dlq).as("dead letter of " + input).hasSize(1);
            assertThat(dlq.get(0).value()).as("dead letter keeps the original bytes").isEqualTo(input.value);
        } else {
            assertThat(reason.status()).as(input.toString()).isEqualTo(Status.SENT);
        }
        slowest.offer(input.description, (System.nanoTime() - started) / 1_000_000);
        TOTAL_NANOS.addAndGet(System.nanoTime() - started);
        RUNS.incrementAndGet();
        return new Decision(reason, composed);
    }

    private static byte[] wireBytes(ComposedMessage composed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            composed.message().writeTo(out, NOT_IN_DATA);
        } catch (IOException | jakarta.mail.MessagingException e) {
            throw new AssertionError("a composed message cannot be written", e);
        }
        return out.toByteArray();
    }

    private static List<ProducerRecord<byte[], byte[]>> on(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    // ---------------------------------------------------------------- generators

    /** Header-bound fields, how a hostile value is built for them, and the reasons allowed for a raw injection. */
    enum Field {
        SUBJECT("subject", Kind.TEXT),
        FROM("from", Kind.ADDRESS),
        REPLY_TO("replyTo", Kind.ADDRESS),
        TO("to", Kind.ADDRESS),
        TO_ENTRY("to[]", Kind.ADDRESS),
        CC("cc", Kind.ADDRESS),
        BCC("bcc[]", Kind.ADDRESS),
        HEADER_VALUE("headers.X-Order-Ref", Kind.TEXT),
        HEADER_NAME("headers.*", Kind.TEXT),
        LIST_UNSUBSCRIBE_HEADER("headers.List-Unsubscribe", Kind.TEXT),
        FILENAME("attachments[0].filename", Kind.TEXT),
        CONTENT_TYPE("attachments[0].contentType", Kind.TEXT),
        CONTENT_ID("attachments[0].contentId", Kind.TEXT),
        UNSUBSCRIBE_URL("listUnsubscribe.url", Kind.TEXT),
        UNSUBSCRIBE_MAILTO("listUnsubscribe.mailto", Kind.ADDRESS),
        CAMPAIGN("campaign", Kind.TEXT),
        ACCOUNT("account", Kind.TEXT),
        POOL("pool", Kind.TEXT),
        ID("id", Kind.TEXT),
        TEMPLATE_VAR("template.vars.name", Kind.TEXT),
        TEMPLATE_ID("template.id", Kind.TEXT);

        final String path;
        final Kind kind;

        Field(String path, Kind kind) {
            this.path = path;
            this.kind = kind;
        }

        /** What a raw line break or control character here must give. */
        Set<ReasonCode> rawInjectionReasons() {
            return switch (this) {
                // a value of white space only is blank first, then missing
                case ID -> Set.of(ReasonCode.INVALID_FIELD, ReasonCode.MISSING_FIELD);
                case TEMPLATE_ID -> Set.of(ReasonCode.HEADER_INJECTION, ReasonCode.MISSING_FIELD);
                // the subject template strips white space around the rendered line; what is left is sent, clean
                case TEMPLATE_VAR -> Set.of(ReasonCode.HEADER_INJECTION, ReasonCode.ACCEPTED);
                default -> Set.of(ReasonCode.HEADER_INJECTION);
            };
        }
    }

    enum Kind { TEXT, ADDRESS }

    private static final List<String> BENIGN_TEXT = List.of("Your order", "4711", "invoice.pdf", "application/pdf",
            "logo@shop", "https://shop.example/u/1", "november-news", "shop-main", "welcome", "Ann", "");

    @Provide
    Arbitrary<Input> hostileRequests() {
        Arbitrary<Field> fields = Arbitraries.of(Field.class);
        Arbitrary<String> tokens = Arbitraries.oneOf(Arbitraries.of(RAW_INJECTIONS), Arbitraries.of(ENCODED_INJECTIONS),
                Arbitraries.of(ODD));
        Arbitrary<Integer> seeds = Arbitraries.integers().between(0, 1000);
        Arbitrary<Integer> shapes = Arbitraries.integers().between(0, 5);
        return Combinators.combine(fields, tokens, seeds, shapes, Arbitraries.of(BENIGN_TEXT))
                .as((field, token, seed, shape, benign) -> hostile(field, token, seed, shape, benign));
    }

    private static Input hostile(Field field, String token, int seed, int shape, String benign) {
        ObjectNode request = (field == Field.TEMPLATE_VAR || field == Field.TEMPLATE_ID ? templateSeed
                : plainSeeds.get(seed % plainSeeds.size())).deepCopy();
        if (field.path.startsWith("attachments") || field.path.startsWith("listUnsubscribe")) {
            request = plainSeeds.get(plainSeeds.size() - 2).deepCopy(); // the rich seed has both
        }
        if (field == Field.ACCOUNT || field == Field.POOL) {
            request.remove(List.of("account", "pool"));
        }
        String value = field.kind == Kind.ADDRESS ? address(token, shape) : text(benign, token, shape);
        String description = field.path + " = " + escaped(value);
        switch (field) {
            case HEADER_NAME -> headers(request).put("X-Ref" + (shape % 2 == 0 ? token : token + "-1"), "1");
            case HEADER_VALUE -> headers(request).put("X-Order-Ref", value);
            case LIST_UNSUBSCRIBE_HEADER -> {
                request.remove("listUnsubscribe");
                headers(request).put("List-Unsubscribe", "<mailto:leave@shop.example?subject=" + value + ">");
            }
            case TO_ENTRY -> request.set("to", NODES.arrayNode().add("ann@example.org").add(value));
            case BCC -> request.set("bcc", NODES.arrayNode().add(value));
            case FILENAME, CONTENT_TYPE, CONTENT_ID -> ((ObjectNode) request.get("attachments").get(1))
                    .put(field.path.substring(field.path.indexOf('.') + 1), value);
            case UNSUBSCRIBE_URL -> ((ObjectNode) request.get("listUnsubscribe")).put("url", value);
            case UNSUBSCRIBE_MAILTO -> ((ObjectNode) request.get("listUnsubscribe")).put("mailto", value);
            case TEMPLATE_VAR -> ((ObjectNode) request.get("template").get("vars")).put("name", value);
            case TEMPLATE_ID -> ((ObjectNode) request.get("template")).put("id", value);
            default -> request.put(field.path, value);
        }
        boolean raw = RAW_INJECTIONS.contains(token);
        return new Input("hostile " + description, bytes(request), raw ? field.rawInjectionReasons() : null);
    }

    private static ObjectNode headers(ObjectNode request) {
        JsonNode headers = request.get("headers");
        if (headers instanceof ObjectNode object) {
            return object;
        }
        return request.putObject("headers");
    }

    /** A mailbox with {@code token} in its display name, quoted name, local part, domain or after it. */
    private static String address(String token, int shape) {
        return switch (shape) {
            case 0 -> "Ann" + token + " <ann@example.org>";
            case 1 -> "\"Ann" + token + "\" <ann@example.org>";
            case 2 -> "ann" + token + "@example.org";
            case 3 -> token + " <ann@example.org>";
            case 4 -> "ann@example.org" + token;
            default -> "Ann <ann@exa" + token + "mple.org>";
        };
    }

    private static String text(String benign, String token, int shape) {
        int at = benign.isEmpty() ? 0 : shape % (benign.length() + 1);
        return switch (shape % 3) {
            case 0 -> token + benign;
            case 1 -> benign + token;
            default -> benign.substring(0, at) + token + benign.substring(at);
        };
    }

    @Provide
    Arbitrary<Input> mutatedRequests() {
        Arbitrary<Integer> seeds = Arbitraries.integers().between(0, 1000);
        Arbitrary<List<Mutation>> mutations = Arbitraries.of(Mutation.class).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Long> randomness = Arbitraries.longs();
        Arbitrary<Integer> byteLevel = Arbitraries.integers().between(0, 9);
        return Combinators.combine(seeds, mutations, randomness, byteLevel).as(RequestFuzzTest::mutated);
    }

    private static Input mutated(int seed, List<Mutation> mutations, long randomness, int byteLevel) {
        java.util.Random random = new java.util.Random(randomness);
        List<ObjectNode> all = new ArrayList<>(plainSeeds);
        all.add(templateSeed);
        ObjectNode request = all.get(seed % all.size()).deepCopy();
        StringBuilder description = new StringBuilder("seed " + request.get("id"));
        for (Mutation m : mutations) {
            description.append("; ").append(m.apply.apply(request, random));
        }
        byte[] value = bytes(request);
        if (byteLevel >= 7) { // 30 %: damaged on the way
            ByteDamage damage = ByteDamage.values()[random.nextInt(ByteDamage.values().length)];
            value = damage.apply(value, random);
            description.append("; bytes: ").append(damage);
        }
        return new Input(description.toString(), value, null);
    }

    /** Changes of a request's JSON tree; each returns what it did. */
    enum Mutation {
        WRONG_TYPE((r, random) -> {
            String field = anyField(r, random);
            JsonNode wrong = List.<JsonNode>of(NODES.numberNode(random.nextInt()), NODES.booleanNode(true), NODES.nullNode(),
                    NODES.arrayNode().add(1).add("x"), NODES.objectNode().put("a", 1), NODES.numberNode(1e308),
                    NODES.textNode("")).get(random.nextInt(7));
            r.set(field, wrong);
            return field + " := " + wrong;
        }),
        REMOVE((r, random) -> {
            String field = anyField(r, random);
            r.remove(field);
            return "removed " + field;
        }),
        UNKNOWN((r, random) -> {
            String name = List.of("subjet", "Subject", "bcc ", "x", "__proto__", "to\u0000", "").get(random.nextInt(7));
            r.put(name, "x");
            return "unknown field " + escaped(name);
        }),
        HUGE((r, random) -> {
            String field = List.of("subject", "text", "html", "id", "campaign").get(random.nextInt(5));
            int length = List.of(999, 1000, 5_000, 200_000).get(random.nextInt(4));
            String unit = List.of("a", "a ", "é", "\uD83D\uDE00", "=?UTF-8?Q?a?= ").get(random.nextInt(5));
            r.put(field, unit.repeat(Math.max(1, length / unit.length())));
            return "huge " + field + " (" + length + " x " + escaped(unit) + ")";
        }),
        HUGE_HEADER((r, random) -> {
            int length = List.of(990, 2_000, 100_000).get(random.nextInt(3));
            String unit = random.nextBoolean() ? "b" : "b ";
            headers(r).put(random.nextBoolean() ? "X-Long" : "X-" + "N".repeat(length), unit.repeat(length / unit.length()));
            return "huge custom header (" + length + ")";
        }),
        DEEP((r, random) -> {
            int depth = List.of(9, 10, 11, 200, 990).get(random.nextInt(5));
            JsonNode nested = NODES.textNode("x");
            for (int i = 0; i < depth; i++) {
                nested = random.nextBoolean() ? NODES.arrayNode().add(nested) : NODES.objectNode().set("n", nested);
            }
            // an earlier mutation may have removed or replaced the template or its vars
            if (r.get("template") instanceof ObjectNode template && template.get("vars") instanceof ObjectNode vars) {
                vars.set("deep", nested);
            } else {
                r.set(random.nextBoolean() ? "headers" : "attachments", nested);
            }
            return "nested " + depth + " deep";
        }),
        RECIPIENTS((r, random) -> {
            int n = List.of(0, 1, 4, 7, 60).get(random.nextInt(5));
            ArrayNode to = NODES.arrayNode();
            for (int i = 0; i < n; i++) {
                to.add(random.nextInt(20) == 0 ? "not an address" : "r" + i + "@example.org");
            }
            r.set(List.of("to", "cc", "bcc").get(random.nextInt(3)), to);
            return n + " recipients";
        }),
        DUPLICATE_RECIPIENTS((r, random) -> {
            r.set("to", NODES.arrayNode().add("Ann <ann@example.org>").add("ANN@example.org"));
            r.set("cc", NODES.arrayNode().add("ann@EXAMPLE.org"));
            return "duplicate recipients";
        }),
        NOT_AFTER((r, random) -> {
            String v = List.of("2000-01-01T00:00:00Z", "2030-01-10T10:00:00Z", "tomorrow", "2030-01-31T19:00:00+01:00",
                    "+999999999-12-31T23:59:59Z", "").get(random.nextInt(6));
            r.put("notAfter", v);
            return "notAfter " + v;
        }),
        ATTACHMENT((r, random) -> {
            ObjectNode a = NODES.objectNode();
            a.put("filename", List.of("a.exe", "x.pdf", " ", "..", "a/b\\c.pdf", "\u00e9t\u00e9.txt", "n".repeat(500),
                    "\"quoted\".txt", "a;b=c.txt").get(random.nextInt(9)));
            a.put("contentType", List.of("application/pdf", "multipart/mixed", "message/rfc822", "text/plain; charset=\"x\"",
                    "image/png; name=evil.exe", "a/b; c", "nonsense", "text/html; x*=UTF-8''%0D%0A").get(random.nextInt(8)));
            a.put("content", List.of(PDF, "not base64!", "", "AA", "A", "aGVs\r\nbG8=", "-_-_").get(random.nextInt(7)));
            if (random.nextInt(3) == 0) {
                a.put("contentId", List.of("logo@shop", "<logo@shop>", "<>", "a b", "x".repeat(300)).get(random.nextInt(5)));
            }
            r.set("attachments", NODES.arrayNode().add(a));
            return "attachment " + a;
        }),
        PINNING((r, random) -> {
            r.remove(List.of("account", "pool"));
            String which = random.nextBoolean() ? "account" : "pool";
            String v = List.of("shop-main", "relay", "partners", "nope", " ", "SHOP-MAIN").get(random.nextInt(6));
            r.put(which, v);
            return which + " " + v;
        }),
        TEMPLATE((r, random) -> {
            ObjectNode t = NODES.objectNode();
            t.put("id", List.of("welcome", "../etc", "missing", "wel come", "").get(random.nextInt(5)));
            ObjectNode vars = t.putObject("vars");
            if (random.nextBoolean()) {
                vars.put("name", "Ann");
            }
            if (random.nextBoolean()) {
                vars.put("code", 12);
            }
            if (random.nextBoolean()) {
                vars.put("name", "{{code}}");
            }
            r.set("template", t);
            if (random.nextBoolean()) {
                r.remove(List.of("subject", "text", "html"));
            }
            return "template " + t;
        }),
        SENDER((r, random) -> {
            String v = List.of("news@shop.example", "Other <other@elsewhere.example>", "Ann <ann@[127.0.0.1]>",
                    "Иван <ivan@пример.рф>", "δοκιμή@παράδειγμα.δοκιμή", "a@b", "\"\" <x@y.example>",
                    "group: a@b.example;").get(random.nextInt(8));
            r.put(random.nextBoolean() ? "from" : "replyTo", v);
            return "sender " + v;
        });

        final BiFunction<ObjectNode, java.util.Random, String> apply;

        Mutation(BiFunction<ObjectNode, java.util.Random, String> apply) {
            this.apply = apply;
        }
    }

    private static String anyField(ObjectNode r, java.util.Random random) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = r.fieldNames();
        it.forEachRemaining(names::add);
        return names.isEmpty() ? "id" : names.get(random.nextInt(names.size()));
    }

    /** Damage to the serialised bytes. */
    enum ByteDamage {
        FLIP, TRUNCATE, INVALID_UTF8, BOM, DUPLICATE_KEY, TRAILING, NESTING_BOMB;

        byte[] apply(byte[] value, java.util.Random random) {
            return switch (this) {
                case FLIP -> {
                    byte[] copy = value.clone();
                    for (int i = 0; i < 1 + random.nextInt(4); i++) {
                        copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    yield copy;
                }
                case TRUNCATE -> Arrays.copyOf(value, random.nextInt(value.length));
                case INVALID_UTF8 -> {
                    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
                            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
                    byte[] b = bad[random.nextInt(bad.length)];
                    String s = new String(value, StandardCharsets.UTF_8);
                    int at = s.indexOf("\"subject\"") > 0 ? s.indexOf("\"subject\"") + 11 : 1;
                    at = Math.min(at, value.length);
                    byte[] out = new byte[value.length + b.length];
                    System.arraycopy(value, 0, out, 0, at);
                    System.arraycopy(b, 0, out, at, b.length);
                    System.arraycopy(value, at, out, at + b.length, value.length - at);
                    yield out;
                }
                case BOM -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, value);
                case DUPLICATE_KEY -> new String(value, StandardCharsets.UTF_8)
                        .replaceFirst("\\{", "{\"id\":\"dup\",").getBytes(StandardCharsets.UTF_8);
                case TRAILING -> concat(value, " {}".getBytes(StandardCharsets.UTF_8));
                case NESTING_BOMB -> ("[".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
            };
        }
    }

    @Provide
    Arbitrary<Input> randomRecords() {
        Arbitrary<Input> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .map(b -> new Input("random bytes", b, null));
        Arbitrary<Input> strings = Arbitraries.strings().all().ofMaxLength(200)
                .map(s -> new Input("random text " + escaped(s), s.getBytes(StandardCharsets.UTF_8), null));
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("id", "to", "cc", "bcc", "subject", "text", "html", "from",
                "replyTo", "headers", "attachments", "template", "listUnsubscribe", "campaign", "account", "pool", "notAfter"),
                Arbitraries.strings().ofMaxLength(5));
        Arbitrary<JsonNode> leaves = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30).map(NODES::textNode),
                Arbitraries.of("ann@example.org", "Ann <ann@example.org>", "X-Ref", "welcome", PDF).map(NODES::textNode),
                Arbitraries.integers().map(NODES::numberNode),
                Arbitraries.of(NODES.booleanNode(true), NODES.nullNode(), NODES.arrayNode(), NODES.objectNode()));
        Arbitrary<Input> objects = Combinators.combine(keys.list().ofMaxSize(10), leaves.list().ofSize(10))
                .as((names, values) -> {
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < names.size(); i++) {
                        o.set(names.get(i), values.get(i));
                    }
                    return new Input("random object " + o, bytes(o), null);
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, bytes), net.jqwik.api.Tuple.of(1, strings),
                net.jqwik.api.Tuple.of(3, objects));
    }

    // ---------------------------------------------------------------- helpers

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String escaped(String s) {
        return HostileValues.escaped(s);
    }

    /** The slowest record seen (description and milliseconds), for the report. */
    static final class Slowest {
        private String description = "none";
        private long millis = -1;

        synchronized void offer(String what, long ms) {
            if (ms > millis) {
                millis = ms;
                description = what;
            }
        }

        @Override
        public synchronized String toString() {
            return millis + " ms: " + description;
        }
    }
}
