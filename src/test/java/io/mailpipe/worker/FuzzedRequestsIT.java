package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.testing.ContractSchemas;
import io.mailpipe.testing.HostileValues;
import io.mailpipe.testing.MimeHeaderScan;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.TestWorkers;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request fuzzing of issue 8 through Kafka and SMTP for real: hostile records (header injection in every field
 * that becomes a header, raw and hidden in encoded words, with a seeded random choice of field, character and
 * position; invalid UTF-8; a huge value; deeply nested JSON; wrong types) published as raw bytes on one partition,
 * followed by two requests that must be sent (one with odd but harmless characters). Each hostile record gets
 * exactly one REJECTED outcome with a specific reason and one dead letter with its original bytes; the SMTP server
 * receives only the two good messages, with no injected header; the partition keeps moving.
 */
class FuzzedRequestsIT {

    private static final long SEED = 8L; // issue 8; any seed must pass
    static MailSandbox smtp;
    static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        smtp = MailSandbox.start();
        pipeline = RunningPipeline.start("fuzzed", List.of(
                TestWorkers.account("main", smtp.smtpPort(), "Shop <shop@shop.example>", true, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {pipeline, smtp}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** key (= id) -> record value; every one must be rejected. */
    static Map<String, byte[]> hostile() {
        Map<String, byte[]> records = new LinkedHashMap<>();
        Random random = new Random(SEED);
        List<String> fields = List.of("subject", "from", "replyTo", "to", "header-name", "header-value", "filename",
                "campaign", "contentType");
        for (int i = 0; i < 8; i++) {
            String field = fields.get(random.nextInt(fields.size()));
            List<String> tokens = random.nextBoolean() ? HostileValues.RAW_INJECTIONS : HostileValues.ENCODED_INJECTIONS;
            String token = tokens.get(random.nextInt(tokens.size()));
            if (field.equals("filename") || field.equals("contentType") || field.equals("campaign")
                    || field.equals("header-name")) {
                token = HostileValues.RAW_INJECTIONS.get(random.nextInt(HostileValues.RAW_INJECTIONS.size()));
            }
            String id = "fuzz-" + i + "-" + field;
            records.put(id, utf8(request(id, field, token)));
        }
        // the display-name injection found by the fuzzing: an encoded word that decodes to CRLF + Bcc
        String encodedCrlf = "=?UTF-8?B?" + HostileValues.base64("Ann\r\nBcc: evil@attacker.example") + "?= <ann@example.org>";
        records.put("fuzz-encoded-from", utf8(valid("fuzz-encoded-from", ",\"from\":\"" + json(encodedCrlf) + "\"")));
        byte[] invalidUtf8 = utf8(valid("fuzz-utf8", ""));
        int at = new String(invalidUtf8, StandardCharsets.UTF_8).indexOf("\"Hi") + 1;
        invalidUtf8[at] = (byte) 0xC3; // 0xC3 followed by 'i' is not UTF-8
        records.put("fuzz-utf8", invalidUtf8);
        records.put("fuzz-nested", utf8("[".repeat(50_000)));
        records.put("fuzz-huge-subject", utf8(valid("fuzz-huge-subject", "").replace("\"subject\":\"Hi\"",
                "\"subject\":\"" + "a".repeat(5_000) + "\"")));
        records.put("fuzz-wrong-types", utf8("{\"id\":\"fuzz-wrong-types\",\"to\":42,\"subject\":[\"Hi\"],\"text\":{}}"));
        records.put("fuzz-deep-vars", utf8("{\"id\":\"fuzz-deep-vars\",\"to\":\"a@example.org\",\"template\":{\"id\":\"w\",\"vars\":{\"v\":"
                + "[".repeat(20) + "1" + "]".repeat(20) + "}}}"));
        return records;
    }

    @Test
    void hostileRecordsAreRejectedOnceAndNothingInjectedReachesTheServer() throws Exception {
        Map<String, byte[]> hostile = hostile();
        for (Map.Entry<String, byte[]> r : hostile.entrySet()) {
            pipeline.kafka.send(pipeline.topics.requests(), r.getKey(), r.getValue());
        }
        String odd = String.join("", HostileValues.ODD).replace("\uD800", "").replace("\\", "");
        pipeline.send("fuzz-odd-but-fine", valid("fuzz-odd-but-fine", ",\"headers\":{\"X-Odd\":\"" + json(odd) + "\"}")
                .replace("\"subject\":\"Hi\"", "\"subject\":\"" + json(odd) + "\""));
        pipeline.send("fuzz-after", valid("fuzz-after", ""));

        await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.outcomesFor("fuzz-after").size() == 1
                && pipeline.deadLetters.records().size() >= hostile.size());

        assertThat(pipeline.outcomesFor("fuzz-after")).singleElement()
                .satisfies(e -> assertThat(e.status()).as("the partition keeps moving").isEqualTo(Status.SENT));
        assertThat(pipeline.outcomesFor("fuzz-odd-but-fine")).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(Status.SENT));
        List<String> reasons = new ArrayList<>();
        for (Map.Entry<String, byte[]> r : hostile.entrySet()) {
            String key = r.getKey();
            List<OutcomeEvent> events = pipeline.outcomesFor(key);
            assertThat(events).as("outcomes of " + key).hasSize(1);
            OutcomeEvent event = events.get(0);
            assertThat(event.status()).as("status of " + key).isEqualTo(Status.REJECTED);
            assertThat(event.reasonCode()).as("reason code of " + key + ": " + event.reason()).isNotEqualTo("internal_error");
            reasons.add(key + "=" + event.reasonCode());
            List<ConsumerRecord<byte[], byte[]>> letters = pipeline.deadLetters.records().stream()
                    .filter(l -> key.equals(new String(l.key(), StandardCharsets.UTF_8))).toList();
            assertThat(letters).as("dead letters of " + key).hasSize(1);
            assertThat(letters.get(0).value()).as("original bytes of " + key).isEqualTo(r.getValue());
        }
        System.out.println("FuzzedRequestsIT reasons: " + reasons);
        ContractSchemas.assertValidOutcomes(pipeline.outcomes.records());

        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.receivedCount() >= 2);
        List<MimeMessage> received = smtp.received();
        assertThat(received).extracting(m -> m.getHeader("X-Mailpipe-Id", null))
                .containsExactlyInAnyOrder("fuzz-odd-but-fine", "fuzz-after");
        for (MimeMessage m : received) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            List<String> custom = m.getHeader("X-Odd") == null ? List.of() : List.of("X-Odd");
            assertThat(MimeHeaderScan.problems(raw.toByteArray(), custom, MimeHeaderScan.SERVER_HEADERS))
                    .as("headers the server received for " + m.getHeader("X-Mailpipe-Id", null)).isEmpty();
            assertThat(m.getHeader("Bcc")).isNull();
            assertThat(m.getHeader("X-Injected")).isNull();
        }
        assertThat(Collections.frequency(received.stream().map(m -> {
            try {
                return m.getHeader("X-Mailpipe-Id", null);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList(), "fuzz-after")).isEqualTo(1);
    }

    private static String request(String id, String field, String token) {
        String value = "Ann" + token;
        return switch (field) {
            case "subject" -> valid(id, "").replace("\"subject\":\"Hi\"", "\"subject\":\"" + json("Hi " + token) + "\"");
            case "from", "replyTo" -> valid(id, ",\"" + field + "\":\"" + json(token + " <ann@example.org>") + "\"");
            case "to" -> valid(id, "").replace("\"to\":[\"a@example.org\"]", "\"to\":[\"" + json(value + " <b@example.org>") + "\"]");
            case "header-name" -> valid(id, ",\"headers\":{\"" + json("X-Ref" + token) + "\":\"1\"}");
            case "header-value" -> valid(id, ",\"headers\":{\"X-Ref\":\"" + json(value) + "\"}");
            case "filename", "contentType" -> valid(id, ",\"attachments\":[{\"filename\":\""
                    + json(field.equals("filename") ? "a" + token + ".pdf" : "a.pdf") + "\",\"contentType\":\""
                    + json(field.equals("contentType") ? "application/pdf" + token : "application/pdf")
                    + "\",\"content\":\"JVBERi0x\"}]");
            default -> valid(id, ",\"" + field + "\":\"" + json(value) + "\"");
        };
    }

    private static String valid(String id, String extra) {
        return "{\"id\":\"" + id + "\",\"to\":[\"a@example.org\"],\"subject\":\"Hi\",\"text\":\"Hello\"" + extra + "}";
    }

    /** {@code s} as the inside of a JSON string. */
    private static String json(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
