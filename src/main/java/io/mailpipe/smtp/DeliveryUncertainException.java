package io.mailpipe.smtp;

import jakarta.mail.MessagingException;

/**
 * The whole message, with its final {@code "."}, was handed to the server, but no reply to it arrived (the
 * connection dropped or timed out while waiting). The server may or may not have accepted the message: the
 * delivery is uncertain, not failed, and must not be retried blindly (a blind retry is how other senders end up
 * delivering 5 to 9 copies). Every SMTP sender of mailpipe throws this, and only this, in that situation.
 */
public class DeliveryUncertainException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public DeliveryUncertainException(String message, Exception cause) {
        super(message, cause);
    }
}
