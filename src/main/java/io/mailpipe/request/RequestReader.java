package io.mailpipe.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.outcome.ReasonCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code mail.requests} record value (UTF-8 JSON) into a {@link MailRequest}, checking the
 * whole contract ({@code schemas/mail-request.schema.json}) in one pass. The first problem found is
 * thrown as an {@link InvalidRequestException} with its reason code and field; checks run in the
 * order of the contract's fields, after unknown fields. Whether {@code notAfter} has passed, and
 * whether {@code account} names a configured account, is decided later by the pipeline.
 *
 * <p>Thread-safe: one instance serves all consumers.
 */
public final class RequestReader {

    /** Longest {@code id}, in characters. */
    public static final int MAX_ID_LENGTH = 200;

    private static final String ID = "id";
    private static final String FROM = "from";
    private static final String REPLY_TO = "replyTo";
    private static final String TO = "to";
    private static final String CC = "cc";
    private static final String BCC = "bcc";
    private static final String SUBJECT = "subject";
    private static final String TEXT = "text";
    private static final String HTML = "html";
    private static final String HEADERS = "headers";
    private static final String ATTACHMENTS = "attachments";
    private static final String ACCOUNT = "account";
    private static final String POOL = "pool";
    private static final String CAMPAIGN = "campaign";
    private static final String NOT_AFTER = "notAfter";
    private static final String TEMPLATE = "template";
    private static final String LIST_UNSUBSCRIBE = "listUnsubscribe";
    private static final List<String> FIELDS = List.of(ID, FROM, REPLY_TO, TO, CC, BCC, SUBJECT, TEXT, HTML,
            HEADERS, ATTACHMENTS, ACCOUNT, POOL, CAMPAIGN, NOT_AFTER, TEMPLATE, LIST_UNSUBSCRIBE);

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final long maxRequestBytes;
    private final ObjectReader json;

    /**
     * @param maxRequestBytes largest record value accepted, in bytes (32 MiB = 33554432 leaves room for
     *                        attachments); larger ones are rejected with MESSAGE_TOO_LARGE unparsed
     */
    public RequestReader(long maxRequestBytes) {
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes must be positive, was " + maxRequestBytes
                    + "; set it to the largest request the worker accepts, e.g. 33554432 (32 MiB)");
        }
        this.maxRequestBytes = maxRequestBytes;
        // Jackson's default limit for one string (20M chars) would cut off large attachments below maxRequestBytes.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength((int) Math.min(maxRequestBytes, Integer.MAX_VALUE))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.json = new ObjectMapper(factory).reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * Reads and checks one record value.
     *
     * @param value the Kafka record value, UTF-8 JSON (a UTF-8 byte order mark is skipped)
     * @return the request, every field checked
     * @throws InvalidRequestException naming the reason code and the field of the first problem found
     */
    public MailRequest read(byte[] value) throws InvalidRequestException {
        JsonFields fields = new JsonFields(parse(value), InvalidRequestException.WHOLE_REQUEST);
        fields.rejectUnknown(FIELDS);

        String id = readId(fields);
        String from = optionalMailbox(fields, FROM);
        String replyTo = optionalMailbox(fields, REPLY_TO);
        if (isEmpty(fields.get(TO))) {
            throw new InvalidRequestException(ReasonCode.NO_RECIPIENTS, fields.path(TO),
                    "is missing or empty; give at least one recipient address (cc and bcc alone are not enough)");
        }
        List<String> to = addresses(fields, TO);
        List<String> cc = addresses(fields, CC);
        List<String> bcc = addresses(fields, BCC);

        MailRequest.Template template = Templates.read(fields, TEMPLATE);
        String subject = null;
        String text = null;
        String html = null;
        if (template != null) {
            for (String name : List.of(SUBJECT, TEXT, HTML)) {
                if (fields.get(name) != null) {
                    throw new InvalidRequestException(ReasonCode.INVALID_FIELD, fields.path(name),
                            "cannot be given with template, which renders subject, text and html; drop one of them");
                }
            }
        } else {
            subject = fields.requiredString(SUBJECT, ReasonCode.MISSING_FIELD,
                    "give a subject line (an empty string is allowed), or a template");
            HeaderRules.requireSingleLine(subject, fields.path(SUBJECT));

            text = blankToNull(fields.string(TEXT));
            html = blankToNull(fields.string(HTML));
            if (text == null && html == null) {
                throw new InvalidRequestException(ReasonCode.NO_BODY, fields.path(TEXT),
                        "neither text nor html has content; give a plain-text body in text, an HTML body in html, or"
                                + " both, or a template");
            }
        }

        Map<String, String> headers = headers(fields);
        List<Attachment> attachments = Attachments.read(fields.get(ATTACHMENTS), fields.path(ATTACHMENTS));
        String account = optionalName(fields, ACCOUNT, "leave it out to let mailpipe choose the account");
        String pool = optionalName(fields, POOL, "leave it out to choose among all accounts");
        if (account != null && pool != null) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, fields.path(POOL),
                    "give either account (one account) or pool (a group of accounts), not both");
        }
        String campaign = optionalName(fields, CAMPAIGN, "leave it out if the mail belongs to no campaign");
        Instant notAfter = notAfter(fields);
        MailRequest.ListUnsubscribe unsubscribe = Templates.listUnsubscribe(fields, LIST_UNSUBSCRIBE);

        return new MailRequest(id, from, replyTo, to, cc, bcc, subject, text, html, headers, attachments,
                account, pool, campaign, notAfter, template, unsubscribe);
    }

    private ObjectNode parse(byte[] value) throws InvalidRequestException {
        if (value == null || value.length == 0) {
            throw malformed("is empty; send one UTF-8 JSON object per record");
        }
        if (value.length > maxRequestBytes) {
            throw new InvalidRequestException(ReasonCode.MESSAGE_TOO_LARGE, InvalidRequestException.WHOLE_REQUEST,
                    "the request has " + value.length + " bytes, more than the " + maxRequestBytes
                            + " this worker accepts (maxRequestBytes); send smaller or fewer attachments");
        }
        int offset = startsWithBom(value) ? UTF8_BOM.length : 0;
        if (!Utf8.isValid(value, offset)) {
            throw malformed("is not valid UTF-8; encode the JSON text as UTF-8");
        }
        if (Utf8.containsNul(value, offset)) {
            // never in JSON text (control characters are escaped); UTF-16 or UTF-32 JSON has them, and Jackson would
            // otherwise detect those encodings from the bytes
            throw malformed("is not valid JSON: it contains a NUL byte (UTF-16 or UTF-32 text?); encode the JSON text as UTF-8");
        }
        JsonNode tree;
        try {
            // parsed from the bytes (Jackson's UTF-8 parser), after the strict check above: no decoding Reader
            tree = json.readTree(value, offset, value.length - offset);
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the offending token, which may be personal data:
            // only the position is passed on, and the exception is not kept as cause.
            throw malformed("is not valid JSON" + at(e.getLocation()) + "; send one JSON object with"
                    + " double-quoted names, no name twice, and nothing after the closing brace");
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw malformed("is " + (tree.isMissingNode() ? "blank" : "a JSON " + tree.getNodeType().name()
                    .toLowerCase(Locale.ROOT)) + ", not a JSON object; send the request as {\"id\": ..., \"to\": ...}");
        }
        return object;
    }

    private static boolean startsWithBom(byte[] value) {
        return value.length >= UTF8_BOM.length
                && value[0] == UTF8_BOM[0] && value[1] == UTF8_BOM[1] && value[2] == UTF8_BOM[2];
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static InvalidRequestException malformed(String problem) {
        return new InvalidRequestException(ReasonCode.MALFORMED_JSON, InvalidRequestException.WHOLE_REQUEST,
                "the record value " + problem);
    }

    private static String readId(JsonFields fields) throws InvalidRequestException {
        String fix = "give every request a unique id of at most " + MAX_ID_LENGTH
                + " printable characters (a UUID fits)";
        String id = fields.requiredString(ID, ReasonCode.MISSING_FIELD, fix);
        if (id.isBlank()) {
            throw new InvalidRequestException(ReasonCode.MISSING_FIELD, fields.path(ID), "is blank; " + fix);
        }
        if (id.codePointCount(0, id.length()) > MAX_ID_LENGTH) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, fields.path(ID),
                    "is longer than " + MAX_ID_LENGTH + " characters; " + fix);
        }
        if (id.chars().anyMatch(JsonPaths::isControlOrLineBreak)) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, fields.path(ID),
                    "contains a control or line-break character; " + fix);
        }
        HeaderRules.requireSingleLine(id, fields.path(ID)); // the id is sent as X-Mailpipe-Id: no hidden line breaks
        return id;
    }

    private static String optionalMailbox(JsonFields fields, String name) throws InvalidRequestException {
        String address = fields.string(name);
        if (address != null) {
            Mailboxes.requireMailbox(address, fields.path(name));
        }
        return address;
    }

    /** {@code to} counts as not given when absent, null, {@code []} or a blank string. */
    private static boolean isEmpty(JsonNode recipients) {
        return recipients == null
                || recipients.isArray() && recipients.isEmpty()
                || recipients.isTextual() && recipients.textValue().isBlank();
    }

    /** A recipient field: one address string, or an array of them; empty when absent. */
    private static List<String> addresses(JsonFields fields, String name) throws InvalidRequestException {
        JsonNode node = fields.get(name);
        String path = fields.path(name);
        if (node == null) {
            return List.of();
        }
        if (node.isTextual()) {
            Mailboxes.requireMailbox(node.textValue(), path);
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw JsonFields.wrongType(path, "an address string or an array of address strings", node);
        }
        List<String> addresses = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String entryPath = JsonPaths.index(path, i);
            String address = JsonFields.requireString(node.get(i), entryPath);
            Mailboxes.requireMailbox(address, entryPath);
            addresses.add(address);
        }
        return addresses;
    }

    private static String blankToNull(String body) {
        return body == null || body.isBlank() ? null : body;
    }

    private static Map<String, String> headers(JsonFields fields) throws InvalidRequestException {
        JsonNode node = fields.get(HEADERS);
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw JsonFields.wrongType(fields.path(HEADERS), "an object of header names to string values", node);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String name = entry.getKey();
            String path = JsonPaths.member(fields.path(HEADERS), name);
            HeaderRules.requireSingleLine(name, path);
            HeaderRules.requireCustomHeaderName(name, path);
            String value = JsonFields.requireString(entry.getValue(), path);
            HeaderRules.requireSingleLine(value, path);
            headers.put(name, value);
        }
        return headers;
    }

    /** An optional one-line name (account, campaign): absent is fine, blank is not. */
    private static String optionalName(JsonFields fields, String name, String ifUnwanted)
            throws InvalidRequestException {
        String value = fields.string(name);
        if (value == null) {
            return null;
        }
        HeaderRules.requireSingleLine(value, fields.path(name));
        if (value.isBlank()) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, fields.path(name),
                    "is blank; give a name or " + ifUnwanted);
        }
        return value;
    }

    private static Instant notAfter(JsonFields fields) throws InvalidRequestException {
        String value = fields.string(NOT_AFTER);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, fields.path(NOT_AFTER),
                    "is not an ISO-8601 instant; write date, time and zone like 2030-01-31T18:00:00Z"
                            + " (or with an offset, 2030-01-31T19:00:00+01:00)");
        }
    }
}
