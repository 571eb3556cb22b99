package io.mailpipe.request;

import static io.mailpipe.outcome.ReasonCode.FORBIDDEN_HEADER;
import static io.mailpipe.outcome.ReasonCode.HEADER_INJECTION;
import static io.mailpipe.outcome.ReasonCode.INVALID_ADDRESS;
import static io.mailpipe.outcome.ReasonCode.INVALID_ATTACHMENT;
import static io.mailpipe.outcome.ReasonCode.INVALID_FIELD;
import static io.mailpipe.outcome.ReasonCode.MISSING_FIELD;
import static io.mailpipe.outcome.ReasonCode.NO_BODY;
import static io.mailpipe.outcome.ReasonCode.NO_RECIPIENTS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.outcome.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Made-up requests shared by {@link RequestReaderTest} and {@link MailRequestSchemaTest}: every
 * valid example must pass both the reader and the schema; every invalid one fails the reader with
 * its reason and field, and the schema too where {@code schemaRejects} says JSON Schema can tell.
 */
final class RequestFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    /** "%PDF-1.4 made up" in base64. */
    static final String PDF_BASE64 = "JVBERi0xLjQgbWFkZSB1cA==";

    /** A request with every field of the contract. */
    static final String FULL = """
            {
              "id": "order-4711-shipped",
              "from": "Shop <news@shop.example>",
              "replyTo": "support@shop.example",
              "to": ["Магазин <shop@example.ru>", "\\"Doe, Jane\\" <jane.doe@example.org>", "bob@example.net"],
              "cc": "Carol <carol@example.com>",
              "bcc": ["audit@shop.example"],
              "subject": "Your order 4711 has shipped",
              "text": "Hello,\\nyour order has shipped.\\n",
              "html": "<p>Hello,<br>\\nyour order has shipped.</p>",
              "headers": {"X-Order-Ref": "4711", "List-Unsubscribe": "<mailto:leave@shop.example>", "Precedence": "bulk"},
              "attachments": [
                {"filename": "invoice-4711.pdf", "contentType": "application/pdf", "content": "JVBERi0xLjQgbWFkZSB1cA=="},
                {"filename": "notes.txt", "content": "aGVs\\r\\nbG8="}
              ],
              "account": "shop-main",
              "campaign": "shipping-2030",
              "notAfter": "2030-01-31T18:00:00Z"
            }
            """;

    /** Values of {@link #FULL} that are personal data: no exception message may contain them. */
    static final List<String> PERSONAL = List.of("news@shop.example", "support@shop.example", "shop@example.ru",
            "Магазин", "jane.doe@example.org", "Doe, Jane", "bob@example.net", "carol@example.com", "audit@shop.example",
            "Your order 4711", "your order has shipped", "invoice-4711.pdf");

    /** Marker put into every offending value of the invalid cases; it must never reach a message either. */
    static final String SECRET = "secret";

    private RequestFixtures() {
    }

    /** A fresh, changeable copy of {@link #FULL}. */
    static ObjectNode full() {
        return parse(FULL);
    }

    /** A request with only the required fields and a plain-text body. */
    static final String MINIMAL = """
            {"id": "r-1", "to": "ann@example.org", "subject": "Hi", "text": "Hello"}
            """;

    static ObjectNode minimal() {
        return parse(MINIMAL);
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("broken fixture", e);
        }
    }

    static byte[] bytes(ObjectNode request) {
        try {
            return JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Named requests that follow the contract. */
    record Valid(String name, ObjectNode request) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Valid> validExamples() {
        return List.of(
                new Valid("every field", full()),
                new Valid("minimal, to as one string", minimal()),
                new Valid("html only", change(minimal(), r -> {
                    r.remove("text");
                    r.put("html", "<p>Hello</p>");
                })),
                new Valid("empty subject, TAB allowed in headers", change(minimal(), r -> {
                    r.put("subject", "");
                    r.putObject("headers").put("X-Note", "a\tb");
                })),
                new Valid("optional fields null", change(minimal(), r -> {
                    for (String name : List.of("from", "replyTo", "cc", "bcc", "html", "headers", "attachments",
                            "account", "campaign", "notAfter")) {
                        r.putNull(name);
                    }
                })),
                new Valid("non-ASCII display names and RFC 6531 addresses", change(minimal(), r -> {
                    r.put("from", "Jörg Müller <joerg@example.de>");
                    r.putArray("to").add("пользователь@пример.рф").add("\"Doe, Jane\" <jane@example.org>");
                    r.put("cc", "Zoë (sales) <zoë@exämple.de>");
                })),
                new Valid("notAfter with offset, empty attachment", change(minimal(), r -> {
                    r.put("notAfter", "2030-01-31T19:00:00+01:00");
                    r.putArray("attachments").addObject().put("filename", "empty.bin").put("content", "");
                })),
                new Valid("text blank but html given", change(minimal(), r -> {
                    r.put("text", " \n ");
                    r.put("html", "<p>Hello</p>");
                })));
    }

    /** A request that breaks the contract, and what the reader must say about it. */
    record Invalid(String name, ObjectNode request, ReasonCode reason, String field, boolean schemaRejects) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Invalid> invalidExamples() {
        List<Invalid> cases = new ArrayList<>();
        // name, change to the full request, reason, field, whether the schema rejects it too
        cases.add(invalid("id missing", r -> r.remove("id"), MISSING_FIELD, "id", true));
        cases.add(invalid("id null", r -> r.putNull("id"), MISSING_FIELD, "id", true));
        cases.add(invalid("id blank", r -> r.put("id", "  "), MISSING_FIELD, "id", true));
        cases.add(invalid("id a number", r -> r.put("id", 4711), INVALID_FIELD, "id", true));
        cases.add(invalid("id 201 characters", r -> r.put("id", "x".repeat(201)), INVALID_FIELD, "id", true));
        cases.add(invalid("id with a control character", r -> r.put("id", "order\u0007"), INVALID_FIELD, "id", true));
        cases.add(invalid("id with TAB", r -> r.put("id", "order\t1"), INVALID_FIELD, "id", true));
        cases.add(invalid("subject over 2000 characters", r -> r.put("subject", "s".repeat(2001)), INVALID_FIELD,
                "subject", true));
        cases.add(invalid("unknown field (typo)", r -> r.set("subjet", r.remove("subject")),
                INVALID_FIELD, "subjet", true));
        cases.add(invalid("unknown field (wrong case)", r -> r.set("To", r.remove("to")), INVALID_FIELD, "To", true));

        cases.add(invalid("to missing", r -> r.remove("to"), NO_RECIPIENTS, "to", true));
        cases.add(invalid("to null", r -> r.putNull("to"), NO_RECIPIENTS, "to", true));
        cases.add(invalid("to empty array", r -> r.putArray("to"), NO_RECIPIENTS, "to", true));
        cases.add(invalid("to empty string", r -> r.put("to", ""), NO_RECIPIENTS, "to", true));
        cases.add(invalid("to missing, cc and bcc given", r -> r.remove("to"), NO_RECIPIENTS, "to", true));
        cases.add(invalid("to a number", r -> r.put("to", 1), INVALID_FIELD, "to", true));
        cases.add(invalid("to entry a number", r -> recipients(r, "to").add(42), INVALID_FIELD, "to[3]", true));
        cases.add(invalid("to entry null", r -> recipients(r, "to").insertNull(0), INVALID_FIELD, "to[0]", true));
        cases.add(invalid("to entry without @", r -> recipients(r, "to").set(1, "jane.secret"),
                INVALID_ADDRESS, "to[1]", true));
        cases.add(invalid("to entry without domain", r -> recipients(r, "to").set(2, "secret@"),
                INVALID_ADDRESS, "to[2]", false));
        cases.add(invalid("to entry with dot-dot", r -> recipients(r, "to").set(0, "a..secret@example.org"),
                INVALID_ADDRESS, "to[0]", false));
        cases.add(invalid("to entry blank", r -> recipients(r, "to").set(1, " "), INVALID_ADDRESS, "to[1]", true));
        cases.add(invalid("to string with two addresses", r -> r.put("to", "a.secret@example.org, b@example.org"),
                INVALID_ADDRESS, "to", false));
        cases.add(invalid("to entry unclosed angle bracket", r -> recipients(r, "to").set(0, "Ann <secret@example.org"),
                INVALID_ADDRESS, "to[0]", false));
        cases.add(invalid("cc invalid", r -> r.put("cc", "Carol <secret@>"), INVALID_ADDRESS, "cc", false));
        cases.add(invalid("cc empty string", r -> r.put("cc", ""), INVALID_ADDRESS, "cc", true));
        cases.add(invalid("bcc a group", r -> r.putArray("bcc").add("secret-list: a@example.org, b@example.org;"),
                INVALID_ADDRESS, "bcc[0]", false));
        cases.add(invalid("bcc source route", r -> r.putArray("bcc").add("<@relay.example:secret@example.org>"),
                INVALID_ADDRESS, "bcc[0]", false));
        cases.add(invalid("from invalid", r -> r.put("from", "Shop secret"), INVALID_ADDRESS, "from", true));
        cases.add(invalid("from an array", r -> r.putArray("from").add("news@shop.example"),
                INVALID_FIELD, "from", true));
        cases.add(invalid("replyTo an array", r -> r.putArray("replyTo").add("support@shop.example"),
                INVALID_FIELD, "replyTo", true));
        cases.add(invalid("replyTo invalid", r -> r.put("replyTo", "secret@exa mple.org"),
                INVALID_ADDRESS, "replyTo", false));

        cases.add(invalid("subject missing", r -> r.remove("subject"), MISSING_FIELD, "subject", true));
        cases.add(invalid("subject null", r -> r.putNull("subject"), MISSING_FIELD, "subject", true));
        cases.add(invalid("subject a number", r -> r.put("subject", 1), INVALID_FIELD, "subject", true));
        cases.add(invalid("no text, no html", r -> r.remove(List.of("text", "html")), NO_BODY, "text", true));
        cases.add(invalid("text and html blank", r -> r.put("text", " \n").put("html", ""), NO_BODY, "text", true));
        cases.add(invalid("text a number", r -> r.put("text", 1), INVALID_FIELD, "text", true));
        cases.add(invalid("html an object", r -> r.putObject("html"), INVALID_FIELD, "html", true));

        cases.add(invalid("headers an array", r -> r.putArray("headers"), INVALID_FIELD, "headers", true));
        cases.add(invalid("header value a number", r -> headers(r).put("X-Count", 3),
                INVALID_FIELD, "headers.X-Count", true));
        cases.add(invalid("header value null", r -> headers(r).putNull("X-Empty"),
                INVALID_FIELD, "headers.X-Empty", true));
        for (String reserved : HeaderRules.RESERVED_HEADERS) {
            cases.add(invalid("header " + reserved, r -> headers(r).put(reserved, SECRET),
                    FORBIDDEN_HEADER, "headers." + reserved, true));
        }
        cases.add(invalid("header bcc in lower case", r -> headers(r).put("bcc", SECRET),
                FORBIDDEN_HEADER, "headers.bcc", true));
        cases.add(invalid("header MESSAGE-ID in upper case", r -> headers(r).put("MESSAGE-ID", SECRET),
                FORBIDDEN_HEADER, "headers.MESSAGE-ID", true));
        cases.add(invalid("header X-Mailpipe-*", r -> headers(r).put("x-mailpipe-request-id", SECRET),
                FORBIDDEN_HEADER, "headers.x-mailpipe-request-id", true));
        cases.add(invalid("header name with space", r -> headers(r).put("X Order", SECRET),
                FORBIDDEN_HEADER, "headers.X Order", true));
        cases.add(invalid("header name with colon", r -> headers(r).put("X-Order:", SECRET),
                FORBIDDEN_HEADER, "headers.X-Order:", true));
        cases.add(invalid("header name empty", r -> headers(r).put("", SECRET), FORBIDDEN_HEADER, "headers.", true));
        cases.add(invalid("header name non-ASCII", r -> headers(r).put("X-Größe", SECRET),
                FORBIDDEN_HEADER, "headers.X-Größe", true));
        String longName = "X-" + "a".repeat(100);
        cases.add(invalid("header name long, shortened in the path", r -> headers(r).put(longName + ":", SECRET),
                FORBIDDEN_HEADER, "headers." + longName.substring(0, 64) + "...", true));

        cases.add(invalid("attachments an object", r -> r.putObject("attachments"),
                INVALID_FIELD, "attachments", true));
        cases.add(invalid("attachment a string", r -> attachments(r).insert(0, "invoice.pdf"),
                INVALID_FIELD, "attachments[0]", true));
        cases.add(invalid("attachment with unknown field", r -> attachment(r, 1).put("name", "x"),
                INVALID_FIELD, "attachments[1].name", true));
        cases.add(invalid("attachment without filename", r -> attachment(r, 1).remove("filename"),
                INVALID_ATTACHMENT, "attachments[1].filename", true));
        cases.add(invalid("attachment with blank filename", r -> attachment(r, 0).put("filename", " "),
                INVALID_ATTACHMENT, "attachments[0].filename", true));
        cases.add(invalid("attachment filename a number", r -> attachment(r, 0).put("filename", 7),
                INVALID_FIELD, "attachments[0].filename", true));
        cases.add(invalid("attachment without content", r -> attachment(r, 0).remove("content"),
                INVALID_ATTACHMENT, "attachments[0].content", true));
        cases.add(invalid("attachment content null", r -> attachment(r, 1).putNull("content"),
                INVALID_ATTACHMENT, "attachments[1].content", true));
        cases.add(invalid("attachment content not base64", r -> attachment(r, 0).put("content", "%%" + SECRET + "%%"),
                INVALID_ATTACHMENT, "attachments[0].content", true));
        cases.add(invalid("attachment content URL-safe base64", r -> attachment(r, 0).put("content", "-_-_"),
                INVALID_ATTACHMENT, "attachments[0].content", true));
        cases.add(invalid("attachment content truncated base64", r -> attachment(r, 0).put("content", "QUJDR"),
                INVALID_ATTACHMENT, "attachments[0].content", false));
        cases.add(invalid("attachment content a number", r -> attachment(r, 0).put("content", 1),
                INVALID_FIELD, "attachments[0].content", true));
        cases.add(invalid("attachment contentType without subtype", r -> attachment(r, 0).put("contentType", "pdf"),
                INVALID_ATTACHMENT, "attachments[0].contentType", true));
        cases.add(invalid("attachment contentType blank", r -> attachment(r, 0).put("contentType", ""),
                INVALID_ATTACHMENT, "attachments[0].contentType", true));

        cases.add(invalid("account blank", r -> r.put("account", " "), INVALID_FIELD, "account", true));
        cases.add(invalid("account a number", r -> r.put("account", 2), INVALID_FIELD, "account", true));
        cases.add(invalid("campaign empty", r -> r.put("campaign", ""), INVALID_FIELD, "campaign", true));
        cases.add(invalid("notAfter not a date", r -> r.put("notAfter", "tomorrow"), INVALID_FIELD, "notAfter", false));
        cases.add(invalid("notAfter without zone", r -> r.put("notAfter", "2030-01-31T18:00:00"),
                INVALID_FIELD, "notAfter", false));
        cases.add(invalid("notAfter epoch millis", r -> r.put("notAfter", 1_900_000_000_000L),
                INVALID_FIELD, "notAfter", true));
        return cases;
    }

    /** A value with a line break or control character, and how a field path shows it. */
    record BadChars(String name, String value, String escaped) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<BadChars> lineBreaksAndControls() {
        return List.of(
                new BadChars("CRLF", "\r\n", "\\u000D\\u000A"),
                new BadChars("bare CR", "\r", "\\u000D"),
                new BadChars("bare LF", "\n", "\\u000A"),
                new BadChars("NUL", "\u0000", "\\u0000"),
                new BadChars("ESC", "\u001B", "\\u001B"),
                new BadChars("vertical tab", "\u000B", "\\u000B"),
                new BadChars("NEL U+0085", "\u0085", "\\u0085"),
                new BadChars("LINE SEPARATOR U+2028", "\u2028", "\\u2028"),
                new BadChars("PARAGRAPH SEPARATOR U+2029", "\u2029", "\\u2029"));
    }

    /** A header-bound place in the request: puts a value containing {@code bad} there, returns the field path. */
    interface HeaderBound {
        String inject(ObjectNode request, BadChars bad);
    }

    /** Every value of the request that becomes a header, by name. */
    static List<Named<HeaderBound>> headerBoundFields() {
        String injected = "Bcc: " + SECRET + "@evil.example";
        return List.of(
                named("subject", (r, bad) -> put(r, "subject", "Hello" + bad.value() + injected)),
                named("from", (r, bad) -> put(r, "from", "news@shop.example" + bad.value() + injected)),
                named("replyTo", (r, bad) -> put(r, "replyTo", "Support" + bad.value() + " <support@shop.example>")),
                named("to as one string", (r, bad) -> put(r, "to", "ann@example.org" + bad.value() + injected)),
                named("to entry", (r, bad) -> {
                    recipients(r, "to").set(1, "Jane" + bad.value() + " <jane@example.org>");
                    return "to[1]";
                }),
                named("cc entry", (r, bad) -> {
                    r.putArray("cc").add("carol@example.com").add(bad.value() + "x@example.org");
                    return "cc[1]";
                }),
                named("bcc entry", (r, bad) -> {
                    recipients(r, "bcc").set(0, "audit@shop.example" + bad.value());
                    return "bcc[0]";
                }),
                named("header value", (r, bad) -> {
                    headers(r).put("X-Order-Ref", "4711" + bad.value() + injected);
                    return "headers.X-Order-Ref";
                }),
                named("header name", (r, bad) -> {
                    headers(r).put("X-Evil" + bad.value() + "Bcc", "1");
                    return "headers.X-Evil" + bad.escaped() + "Bcc";
                }),
                named("campaign", (r, bad) -> put(r, "campaign", "spring" + bad.value() + injected)),
                named("account", (r, bad) -> put(r, "account", "shop-main" + bad.value())),
                named("attachment filename", (r, bad) -> {
                    attachment(r, 0).put("filename", "invoice.pdf" + bad.value() + injected);
                    return "attachments[0].filename";
                }),
                named("attachment contentType", (r, bad) -> {
                    attachment(r, 1).put("contentType", "text/plain" + bad.value() + injected);
                    return "attachments[1].contentType";
                }));
    }

    record Named<T>(String name, T value) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static <T> Named<T> named(String name, T value) {
        return new Named<>(name, value);
    }

    private static String put(ObjectNode request, String field, String value) {
        request.put(field, value);
        return field;
    }

    private static Invalid invalid(String name, Consumer<ObjectNode> change, ReasonCode reason, String field,
            boolean schemaRejects) {
        return new Invalid(name, change(full(), change), reason, field, schemaRejects);
    }

    static ObjectNode change(ObjectNode request, Consumer<ObjectNode> change) {
        change.accept(request);
        return request;
    }

    static ArrayNode recipients(ObjectNode request, String field) {
        return (ArrayNode) request.get(field);
    }

    static ObjectNode headers(ObjectNode request) {
        return (ObjectNode) request.get("headers");
    }

    static ArrayNode attachments(ObjectNode request) {
        return (ArrayNode) request.get("attachments");
    }

    static ObjectNode attachment(ObjectNode request, int index) {
        return (ObjectNode) attachments(request).get(index);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
