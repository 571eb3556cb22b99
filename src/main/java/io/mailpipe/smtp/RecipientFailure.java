package io.mailpipe.smtp;

import java.util.Objects;

/**
 * A recipient the server refused at RCPT TO.
 *
 * @param address the bare address, as sent in RCPT TO
 * @param reply   the server's reply to that RCPT TO, or null when the failure did not carry one
 */
public record RecipientFailure(String address, SmtpReply reply) {

    public RecipientFailure {
        Objects.requireNonNull(address, "address");
    }
}
