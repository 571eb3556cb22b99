package io.mailpipe.smtp;

import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.MessagingException;

import java.util.Objects;

/**
 * The sender did not send a message because the server, as it announced itself in its EHLO reply, cannot take it:
 * it needs SMTPUTF8 and the server does not offer it (SMTPUTF8_UNSUPPORTED), or it is larger than the server's
 * ESMTP SIZE (MESSAGE_TOO_LARGE). Nothing was sent; the request is REJECTED. The message names the limit, never
 * addresses.
 */
public final class MessageRefusedBeforeSending extends MessagingException {

    private final ReasonCode reason;

    public MessageRefusedBeforeSending(ReasonCode reason, String detail) {
        super(detail);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** SMTPUTF8_UNSUPPORTED or MESSAGE_TOO_LARGE. */
    public ReasonCode reason() {
        return reason;
    }
}
