package io.mailpipe.request;

import static io.mailpipe.request.RequestFixtures.PERSONAL;
import static io.mailpipe.request.RequestFixtures.SECRET;
import static io.mailpipe.request.RequestFixtures.bytes;
import static io.mailpipe.request.RequestFixtures.change;
import static io.mailpipe.request.RequestFixtures.full;
import static io.mailpipe.request.RequestFixtures.minimal;
import static io.mailpipe.request.RequestFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.request.RequestFixtures.BadChars;
import io.mailpipe.request.RequestFixtures.HeaderBound;
import io.mailpipe.request.RequestFixtures.Invalid;
import io.mailpipe.request.RequestFixtures.Named;
import io.mailpipe.request.RequestFixtures.Valid;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestReaderTest {

    private static final long MAX_BYTES = 32L * 1024 * 1024;

    private final RequestReader reader = new RequestReader(MAX_BYTES);

    @Test
    void readsEveryFieldOfAFullRequest() throws Exception {
        MailRequest request = reader.read(utf8(RequestFixtures.FULL));

        assertThat(request.id()).isEqualTo("order-4711-shipped");
        assertThat(request.from()).isEqualTo("Shop <news@shop.example>");
        assertThat(request.replyTo()).isEqualTo("support@shop.example");
        assertThat(request.to()).containsExactly(
                "Магазин <shop@example.ru>", "\"Doe, Jane\" <jane.doe@example.org>", "bob@example.net");
        assertThat(request.cc()).containsExactly("Carol <carol@example.com>");
        assertThat(request.bcc()).containsExactly("audit@shop.example");
        assertThat(request.subject()).isEqualTo("Your order 4711 has shipped");
        assertThat(request.text()).isEqualTo("Hello,\nyour order has shipped.\n");
        assertThat(request.html()).isEqualTo("<p>Hello,<br>\nyour order has shipped.</p>");
        assertThat(request.headers()).containsExactly(
                entry("X-Order-Ref", "4711"),
                entry("List-Unsubscribe", "<mailto:leave@shop.example>"),
                entry("Precedence", "bulk"));
        assertThat(request.attachments()).containsExactly(
                new Attachment("invoice-4711.pdf", "application/pdf",
                        "%PDF-1.4 made up".getBytes(StandardCharsets.US_ASCII)),
                new Attachment("notes.txt", "application/octet-stream", "hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(request.account()).isEqualTo("shop-main");
        assertThat(request.campaign()).isEqualTo("shipping-2030");
        assertThat(request.notAfter()).isEqualTo(Instant.parse("2030-01-31T18:00:00Z"));
    }

    @Test
    void leavesAbsentOptionalFieldsEmptyOrNull() throws Exception {
        MailRequest request = reader.read(bytes(minimal()));

        assertThat(request.to()).containsExactly("ann@example.org");
        assertThat(request.cc()).isEmpty();
        assertThat(request.bcc()).isEmpty();
        assertThat(request.headers()).isEmpty();
        assertThat(request.attachments()).isEmpty();
        assertThat(request).extracting(MailRequest::from, MailRequest::replyTo, MailRequest::html,
                MailRequest::account, MailRequest::campaign, MailRequest::notAfter).containsOnlyNulls();
    }

    @Test
    void acceptsASingleStringForEveryRecipientField() throws Exception {
        ObjectNode json = change(minimal(), r -> r.put("cc", "Carol <carol@example.com>")
                .put("bcc", "audit@shop.example"));

        MailRequest request = reader.read(bytes(json));

        assertThat(request.to()).containsExactly("ann@example.org");
        assertThat(request.cc()).containsExactly("Carol <carol@example.com>");
        assertThat(request.bcc()).containsExactly("audit@shop.example");
    }

    @Test
    void treatsABlankBodyAsAbsent() throws Exception {
        ObjectNode json = change(minimal(), r -> r.put("text", " \n").put("html", "<p>Hi</p>"));

        assertThat(reader.read(bytes(json)).text()).isNull();
    }

    @Test
    void readsNotAfterWithAnOffsetAsTheSameInstant() throws Exception {
        ObjectNode json = change(minimal(), r -> r.put("notAfter", "2030-01-31T19:00:00+01:00"));

        assertThat(reader.read(bytes(json)).notAfter()).isEqualTo(Instant.parse("2030-01-31T18:00:00Z"));
    }

    @Test
    void skipsAUtf8ByteOrderMark() throws Exception {
        byte[] json = bytes(minimal());
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);

        assertThat(reader.read(withBom).id()).isEqualTo("r-1");
    }

    @Test
    void readsAnAttachmentLargerThanJacksonsDefaultStringLimit() throws Exception {
        byte[] file = new byte[16 * 1024 * 1024]; // base64: 22.4 million chars, Jackson's default limit is 20 million
        file[file.length - 1] = 7;
        ObjectNode json = change(minimal(), r -> r.putArray("attachments").addObject()
                .put("filename", "big.bin").put("content", Base64.getEncoder().encodeToString(file)));

        Attachment attachment = reader.read(bytes(json)).attachments().get(0);

        assertThat(attachment.size()).isEqualTo(file.length);
        assertThat(attachment.content()[file.length - 1]).isEqualTo((byte) 7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.mailpipe.request.RequestFixtures#validExamples")
    void readsEveryValidExample(Valid example) throws Exception {
        assertThat(reader.read(bytes(example.request())).id()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.mailpipe.request.RequestFixtures#invalidExamples")
    void rejectsWithReasonAndField(Invalid example) {
        InvalidRequestException e = rejection(bytes(example.request()));

        assertThat(e.reasonCode()).isEqualTo(example.reason());
        assertThat(e.field()).isEqualTo(example.field());
        assertThat(e.getMessage()).startsWith(example.field() + ": ");
        assertNoPersonalData(e);
    }

    static Stream<Arguments> headerInjections() {
        return RequestFixtures.headerBoundFields().stream().flatMap(field -> RequestFixtures.lineBreaksAndControls()
                .stream().map(bad -> arguments(field, bad)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("headerInjections")
    void rejectsLineBreaksAndControlsInHeaderBoundValues(Named<HeaderBound> field, BadChars bad) {
        ObjectNode json = full();
        String path = field.value().inject(json, bad);

        InvalidRequestException e = rejection(bytes(json));

        assertThat(e.reasonCode()).isEqualTo(ReasonCode.HEADER_INJECTION);
        assertThat(e.field()).isEqualTo(path);
        assertThat(e.getMessage()).contains(bad.escaped().substring(0, 6)).doesNotContain(bad.value());
        assertNoPersonalData(e);
    }

    @Test
    void allowsLineBreaksInBodies() throws Exception {
        ObjectNode json = change(minimal(), r -> r.put("text", "a\r\nb\u2028c\u0000").put("html", "<p>\n</p>"));

        assertThat(reader.read(bytes(json)).text()).isEqualTo("a\r\nb\u2028c\u0000");
    }

    static Stream<Arguments> malformedValues() {
        return Stream.of(
                arguments("null", null),
                arguments("no bytes", new byte[0]),
                arguments("blank", utf8("  \n")),
                arguments("an array", utf8("[{\"id\": \"r-1\"}]")),
                arguments("JSON null", utf8("null")),
                arguments("a string", utf8("\"hello\"")),
                arguments("cut off", utf8("{\"id\": \"r-1\", \"to\": [")),
                arguments("trailing garbage", utf8("{\"id\": \"r-1\"} x")),
                arguments("two objects", utf8("{\"id\": \"r-1\"}{\"id\": \"r-2\"}")),
                arguments("duplicate field", utf8("{\"to\": \"a@example.org\", \"to\": \"b@example.org\"}")),
                arguments("single quotes", utf8("{'id': 'r-1'}")),
                arguments("comment", utf8("{\"id\": \"r-1\" /* note */}")),
                arguments("bare token", utf8("{\"id\": secret}")),
                arguments("invalid UTF-8", new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xFF, '"', '}'}),
                arguments("UTF-16", RequestFixtures.MINIMAL.getBytes(StandardCharsets.UTF_16LE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedValues")
    void rejectsWhatIsNotOneUtf8JsonObject(String name, byte[] value) {
        InvalidRequestException e = rejection(value);

        assertThat(e.reasonCode()).isEqualTo(ReasonCode.MALFORMED_JSON);
        assertThat(e.field()).isEqualTo(InvalidRequestException.WHOLE_REQUEST);
        assertThat(e.getMessage()).doesNotContainIgnoringCase(SECRET);
    }

    @Test
    void saysWhereTheJsonBreaksWithoutQuotingIt() {
        InvalidRequestException e = rejection(utf8("{\"id\": \"r-1\",\n \"to\": secret@example.org}"));

        assertThat(e.getMessage()).contains("line 2, column").doesNotContain(SECRET);
        assertThat(e.getCause()).isNull();
    }

    @Test
    void rejectsARequestLargerThanTheLimitBeforeParsingIt() throws Exception {
        byte[] value = bytes(full());

        InvalidRequestException e = rejection(new RequestReader(value.length - 1), value);

        assertThat(e.reasonCode()).isEqualTo(ReasonCode.MESSAGE_TOO_LARGE);
        assertThat(e.field()).isEqualTo(InvalidRequestException.WHOLE_REQUEST);
        assertThat(e.getMessage()).contains(String.valueOf(value.length), String.valueOf(value.length - 1));
        assertThat(new RequestReader(value.length).read(value).id()).isEqualTo("order-4711-shipped");
    }

    @Test
    void reportsTheFirstProblemInContractOrder() {
        ObjectNode json = change(full(), r -> {
            r.put("from", "not an address");
            r.remove("to");
        });

        assertThat(rejection(bytes(json)).reasonCode()).isEqualTo(ReasonCode.INVALID_ADDRESS);
    }

    @Test
    void refusesANonPositiveLimitWithAHint() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RequestReader(0))
                .withMessageContaining("maxRequestBytes").withMessageContaining("32 MiB");
    }

    private InvalidRequestException rejection(byte[] value) {
        return rejection(reader, value);
    }

    private static InvalidRequestException rejection(RequestReader reader, byte[] value) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> reader.read(value));
        assertThat(e).as("rejected").isNotNull();
        return e;
    }

    private static void assertNoPersonalData(InvalidRequestException e) {
        assertThat(e.getMessage()).doesNotContainIgnoringCase(SECRET).doesNotContain(PERSONAL);
        assertThat(e.toString()).doesNotContainIgnoringCase(SECRET);
    }
}
