package io.mailpipe.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.outcome.ReasonCode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed access to the members of one JSON object of a request (the request itself or one attachment),
 * reporting a wrong JSON type as INVALID_FIELD with the member's path. JSON {@code null} counts as absent.
 */
final class JsonFields {

    private final ObjectNode node;
    private final String path;

    /**
     * @param node the object
     * @param path its path in the request, empty for the request itself
     */
    JsonFields(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** Path of member {@code name} of this object. */
    String path(String name) {
        return JsonPaths.member(path, name);
    }

    /** Rejects the first member not in {@code known} (a typo like "subjet" must not pass silently). */
    void rejectUnknown(List<String> known) throws InvalidRequestException {
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            String name = member.getKey();
            if (!known.contains(name)) {
                throw new InvalidRequestException(ReasonCode.INVALID_FIELD, path(name),
                        "is not a field of the request contract; check the spelling (names are case-sensitive),"
                                + " allowed here are " + String.join(", ", known));
            }
        }
    }

    /** The member, or null if it is absent or JSON null. */
    JsonNode get(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** The member as a string, or null if absent; INVALID_FIELD if it is another JSON type. */
    String string(String name) throws InvalidRequestException {
        JsonNode value = get(name);
        if (value == null) {
            return null;
        }
        return requireString(value, path(name));
    }

    /** The member as a string; {@code ifMissing} with {@code fix} when it is absent. */
    String requiredString(String name, ReasonCode ifMissing, String fix) throws InvalidRequestException {
        String value = string(name);
        if (value == null) {
            throw new InvalidRequestException(ifMissing, path(name), "is missing; " + fix);
        }
        return value;
    }

    /** {@code value} as a string; INVALID_FIELD naming {@code path} if it is another JSON type. */
    static String requireString(JsonNode value, String path) throws InvalidRequestException {
        if (!value.isTextual()) {
            throw wrongType(path, "a string", value);
        }
        return value.textValue();
    }

    /** INVALID_FIELD: the value at {@code path}, {@code actual}, is of another JSON type than {@code expected}. */
    static InvalidRequestException wrongType(String path, String expected, JsonNode actual) {
        return new InvalidRequestException(ReasonCode.INVALID_FIELD, path,
                "must be " + expected + ", not " + actual.getNodeType().name().toLowerCase(Locale.ROOT));
    }
}
