package io.mailpipe.compose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request's {@code template}: which template to render, with which variables.
 *
 * @param id   the template's id (a folder name under the templates folder)
 * @param vars the variables: String, Number, Boolean, null, {@code List} and {@code Map<String, Object>} values, as
 *             read from the request's JSON; never null
 */
public record TemplateRef(String id, Map<String, Object> vars) {

    public TemplateRef {
        Objects.requireNonNull(id, "id");
        vars = vars == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    }

    /** The id and the variable names only: values are personal data. */
    @Override
    public String toString() {
        return "TemplateRef[" + id + ", vars=" + vars.keySet() + "]";
    }
}
