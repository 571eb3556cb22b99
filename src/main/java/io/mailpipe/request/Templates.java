package io.mailpipe.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.outcome.ReasonCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request's {@code template} ({@code {"id": "welcome", "vars": {"name": "Anna"}}}) and
 * {@code listUnsubscribe} ({@code {"url": "https://...", "mailto": "unsubscribe@..."}}). Whether the template exists
 * and renders, and whether the URL is HTTPS, is decided when the message is composed.
 */
final class Templates {

    private static final String ID = "id";
    private static final String VARS = "vars";
    private static final String URL = "url";
    private static final String MAILTO = "mailto";
    /** Deepest nesting of {@code vars} accepted (objects and arrays). */
    static final int MAX_DEPTH = 10;

    private Templates() {
    }

    static MailRequest.Template read(JsonFields request, String name) throws InvalidRequestException {
        JsonNode node = request.get(name);
        if (node == null) {
            return null;
        }
        String path = request.path(name);
        if (!(node instanceof ObjectNode object)) {
            throw JsonFields.wrongType(path, "an object {\"id\": ..., \"vars\": {...}}", node);
        }
        JsonFields fields = new JsonFields(object, path);
        fields.rejectUnknown(List.of(ID, VARS));
        String id = fields.requiredString(ID, ReasonCode.MISSING_FIELD, "give the id of a template in the templates folder");
        if (id.isBlank()) {
            throw new InvalidRequestException(ReasonCode.MISSING_FIELD, fields.path(ID),
                    "is blank; give the id of a template in the templates folder");
        }
        HeaderRules.requireSingleLine(id, fields.path(ID));
        JsonNode vars = fields.get(VARS);
        Map<String, Object> values = new LinkedHashMap<>();
        if (vars != null) {
            if (!vars.isObject()) {
                throw JsonFields.wrongType(fields.path(VARS), "an object of variables", vars);
            }
            for (Map.Entry<String, JsonNode> e : vars.properties()) {
                values.put(e.getKey(), value(e.getValue(), JsonPaths.member(fields.path(VARS), e.getKey()), 1));
            }
        }
        return new MailRequest.Template(id, values);
    }

    static MailRequest.ListUnsubscribe listUnsubscribe(JsonFields request, String name) throws InvalidRequestException {
        JsonNode node = request.get(name);
        if (node == null) {
            return null;
        }
        String path = request.path(name);
        if (!(node instanceof ObjectNode object)) {
            throw JsonFields.wrongType(path, "an object {\"url\": \"https://...\", \"mailto\": \"...\"}", node);
        }
        JsonFields fields = new JsonFields(object, path);
        fields.rejectUnknown(List.of(URL, MAILTO));
        String url = fields.string(URL);
        String mailto = fields.string(MAILTO);
        if (url != null) {
            HeaderRules.requireSingleLine(url, fields.path(URL));
        }
        if (mailto != null) {
            HeaderRules.requireSingleLine(mailto, fields.path(MAILTO));
        }
        if ((url == null || url.isBlank()) && (mailto == null || mailto.isBlank())) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, path,
                    "has neither url nor mailto; give an https:// one-click URL, an unsubscribe address, or both");
        }
        return new MailRequest.ListUnsubscribe(url, mailto);
    }

    /** A JSON value as a plain Java value (Map, List, String, Number, Boolean, null) for the template engine. */
    private static Object value(JsonNode node, String path, int depth) throws InvalidRequestException {
        if (depth > MAX_DEPTH) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, path,
                    "is nested more than " + MAX_DEPTH + " levels deep; flatten the variables");
        }
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                list.add(value(node.get(i), JsonPaths.index(path, i), depth + 1));
            }
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            map.put(e.getKey(), value(e.getValue(), JsonPaths.member(path, e.getKey()), depth + 1));
        }
        return map;
    }
}
