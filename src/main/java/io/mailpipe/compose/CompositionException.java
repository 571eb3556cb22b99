package io.mailpipe.compose;

import io.mailpipe.outcome.ReasonCode;

import java.util.Objects;

/**
 * The message could not be composed from the spec. The message names the field and the problem
 * ({@code "from: address has no domain"}); it never contains addresses, subjects or bodies.
 */
public class CompositionException extends Exception {

    private final String field;
    private final ReasonCode reason;

    /**
     * @param field   the spec field at fault, e.g. {@code from}, {@code attachments[1].contentType}
     * @param problem what is wrong, without personal data
     * @param reason  the outcome reason the request should get
     */
    public CompositionException(String field, String problem, ReasonCode reason) {
        this(field, problem, reason, null);
    }

    /** As {@link #CompositionException(String, String, ReasonCode)}, with a cause free of personal data. */
    public CompositionException(String field, String problem, ReasonCode reason, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = Objects.requireNonNull(field, "field");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The spec field at fault. */
    public String field() {
        return field;
    }

    /** The outcome reason this failure maps to (INVALID_ADDRESS, FORBIDDEN_HEADER, INTERNAL_ERROR, ...). */
    public ReasonCode reason() {
        return reason;
    }
}
