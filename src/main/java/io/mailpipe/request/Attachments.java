package io.mailpipe.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the {@code attachments} array of a request:
 * {@code [{"filename": "invoice.pdf", "contentType": "application/pdf", "content": "JVBERi0x..."}]}.
 */
final class Attachments {

    private static final String FILENAME = "filename";
    private static final String CONTENT_TYPE = "contentType";
    private static final String CONTENT = "content";
    private static final String CONTENT_ID = "contentId";
    private static final List<String> FIELDS = List.of(FILENAME, CONTENT_TYPE, CONTENT, CONTENT_ID);
    /** A Content-ID without angle brackets: printable ASCII without space, quotes, parentheses, brackets, backslash. */
    private static final java.util.regex.Pattern CONTENT_ID_PATTERN =
            java.util.regex.Pattern.compile("[!#-'*-;=?-Z^-~]{1,200}");

    private Attachments() {
    }

    /** The attachments in {@code node} (null: none), each checked; {@code path} is the array's path. */
    static List<Attachment> read(JsonNode node, String path) throws InvalidRequestException {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw JsonFields.wrongType(path, "an array of attachment objects", node);
        }
        List<Attachment> attachments = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String elementPath = JsonPaths.index(path, i);
            JsonNode element = node.get(i);
            if (!(element instanceof ObjectNode object)) {
                throw JsonFields.wrongType(elementPath, "an object with filename, contentType and content", element);
            }
            attachments.add(readOne(new JsonFields(object, elementPath)));
        }
        return attachments;
    }

    private static Attachment readOne(JsonFields fields) throws InvalidRequestException {
        fields.rejectUnknown(FIELDS);

        String filename = fields.requiredString(FILENAME, ReasonCode.INVALID_ATTACHMENT,
                "give the file name the recipient sees, like invoice.pdf");
        HeaderRules.requireSingleLine(filename, fields.path(FILENAME));
        if (filename.isBlank()) {
            throw new InvalidRequestException(ReasonCode.INVALID_ATTACHMENT, fields.path(FILENAME),
                    "is blank; give the file name the recipient sees, like invoice.pdf");
        }

        String contentType = fields.string(CONTENT_TYPE);
        if (contentType != null) {
            HeaderRules.requireSingleLine(contentType, fields.path(CONTENT_TYPE));
            requireMediaType(contentType, fields.path(CONTENT_TYPE));
        }

        String content = fields.requiredString(CONTENT, ReasonCode.INVALID_ATTACHMENT,
                "give the file's bytes, base64-encoded");
        String contentId = fields.string(CONTENT_ID);
        if (contentId != null) {
            HeaderRules.requireSingleLine(contentId, fields.path(CONTENT_ID));
            if (contentId.startsWith("<") && contentId.endsWith(">") && contentId.length() > 2) {
                contentId = contentId.substring(1, contentId.length() - 1);
            }
            if (!CONTENT_ID_PATTERN.matcher(contentId).matches()) {
                throw new InvalidRequestException(ReasonCode.INVALID_ATTACHMENT, fields.path(CONTENT_ID),
                        "is not a Content-ID; use 1 to 200 printable ASCII characters without spaces, quotes or"
                                + " brackets (like logo@shop), and refer to it in html as cid:logo@shop");
            }
        }
        return new Attachment(filename, contentType, decodeBase64(content, fields.path(CONTENT)), contentId);
    }

    private static void requireMediaType(String contentType, String path) throws InvalidRequestException {
        if (!isMediaType(contentType)) {
            throw new InvalidRequestException(ReasonCode.INVALID_ATTACHMENT, path,
                    "is not a MIME type; write type/subtype (like application/pdf), or leave it out for "
                            + Attachment.DEFAULT_CONTENT_TYPE);
        }
    }

    /** Whether jakarta.mail, which writes the part header later, parses {@code value} as type/subtype. */
    private static boolean isMediaType(String value) {
        try {
            ContentType parsed = new ContentType(value);
            return !parsed.getPrimaryType().isEmpty() && !parsed.getSubType().isEmpty();
        } catch (ParseException e) {
            return false; // the parser's message quotes the value, so only the verdict is used
        }
    }

    /**
     * Strict base64 (RFC 4648 alphabet, '=' padding optional) after removing line breaks and spaces;
     * the MIME decoder of java.util.Base64 would skip any foreign character instead of failing.
     */
    private static byte[] decodeBase64(String content, String path) throws InvalidRequestException {
        try {
            return Base64.getDecoder().decode(withoutWhitespace(content));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ReasonCode.INVALID_ATTACHMENT, path,
                    "is not valid base64; encode the file's bytes with the standard alphabet"
                            + " (A-Z a-z 0-9 + / and '=' padding; line breaks are allowed, URL-safe - and _ are not)");
        }
    }

    private static String withoutWhitespace(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean whitespace = c == ' ' || c == '\t' || c == '\r' || c == '\n';
            if (whitespace && out == null) {
                out = new StringBuilder(value.length()).append(value, 0, i);
            } else if (!whitespace && out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }
}
