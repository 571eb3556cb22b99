package io.mailpipe.request;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import java.util.Objects;

/**
 * A request on {@code mail.requests} breaks the contract and can never be sent as it is.
 *
 * <p>The message names the field, says what is wrong and how to fix it. It never quotes the value
 * itself (addresses and bodies are personal data and end up in logs and dead-letter headers); at most
 * a short, escaped field or header name.
 */
public final class InvalidRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The {@link #field()} of a problem with the record value as a whole (not JSON, too large). */
    public static final String WHOLE_REQUEST = "";

    private final ReasonCode reasonCode;
    private final String field;

    /**
     * @param reasonCode why the request is rejected; must be a {@link Status#REJECTED} reason
     * @param field      JSON path of the offending field ({@code "to[2]"}), or {@link #WHOLE_REQUEST}
     * @param problem    what is wrong and how to fix it, without the value itself
     */
    public InvalidRequestException(ReasonCode reasonCode, String field, String problem) {
        super(describe(field, problem));
        if (reasonCode.status() != Status.REJECTED) {
            throw new IllegalArgumentException(reasonCode + " is not a rejection reason");
        }
        this.reasonCode = reasonCode;
        this.field = Objects.requireNonNull(field, "field");
    }

    /** Why the request is rejected; its status is always {@link Status#REJECTED}. */
    public ReasonCode reasonCode() {
        return reasonCode;
    }

    /**
     * JSON path of the offending field: {@code "subject"}, {@code "to[2]"}, {@code "headers.X-Foo"},
     * {@code "attachments[0].content"}; {@link #WHOLE_REQUEST} (empty) when the value as a whole is at fault.
     * Control and line-break characters in a name are written as Java escapes (backslash, u, four hex
     * digits), names longer than 64 characters are cut and end in "...".
     */
    public String field() {
        return field;
    }

    private static String describe(String field, String problem) {
        return field == null || field.isEmpty() ? problem : field + ": " + problem;
    }
}
