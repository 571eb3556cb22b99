package io.mailpipe.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * One open, authenticated SMTP session that a {@link SmtpSessionPool} lends to one thread at a time. Not thread-safe.
 */
interface SmtpConnection {

    /**
     * Sends one message: one mail transaction. Throws what Angus' SMTPTransport throws in the same situation
     * (see {@link SmtpFailureClassifier}), {@link DeliveryUncertainException} when the whole message was written
     * but no reply came, and {@link StaleSessionException} only when {@code reused} and the session turned out
     * dead before the server accepted any of the message's bytes.
     *
     * @param reused whether the session already carried a transaction (then it may have been closed by the server)
     */
    void send(MimeMessage message, boolean reused) throws MessagingException;

    /** False once the session must not carry another transaction (connection lost, 421, protocol out of step). */
    boolean usable();

    /** Transactions completed on this session. */
    int messagesSent();

    /** When the write in progress started ({@link System#nanoTime()}), or 0 when none is (for the write watchdog). */
    long writeStartedNanos();

    /** Says QUIT and closes; never throws. */
    void close();

    /** Closes the socket at once (a write that hangs); never throws. */
    void abort();
}
