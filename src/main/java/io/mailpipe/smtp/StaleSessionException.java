package io.mailpipe.smtp;

import jakarta.mail.MessagingException;

/**
 * A reused session was found dead (connection closed, reset, or a 421 reply to RSET or MAIL FROM) before the server
 * accepted any byte of the message: the pool opens a new session and sends again, once. Never leaves the pool.
 */
final class StaleSessionException extends MessagingException {
    private static final long serialVersionUID = 1L;

    StaleSessionException(String detail, Exception cause) {
        super(detail, cause);
    }
}
