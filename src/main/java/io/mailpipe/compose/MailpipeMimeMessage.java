package io.mailpipe.compose;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.util.Objects;

/**
 * A MIME message whose Message-ID is fixed by mailpipe, plus the SMTP server's final reply once sent.
 *
 * <p>{@code saveChanges()} (which {@code Transport.send} calls again) keeps the Message-ID given here
 * instead of generating a random one, so a retry of the same request carries the same Message-ID.
 * The server reply is written by the sender thread and may be read from any other thread.
 */
public class MailpipeMimeMessage extends MimeMessage {

    private final String messageId;
    private volatile String serverReply;

    /**
     * @param session   the mail session (its {@code mail.mime.*} properties apply)
     * @param messageId the Message-ID header value, angle brackets included
     */
    public MailpipeMimeMessage(Session session, String messageId) {
        super(session);
        this.messageId = Objects.requireNonNull(messageId, "messageId");
    }

    /** The Message-ID this message always carries, angle brackets included. */
    public String messageId() {
        return messageId;
    }

    /** Sets the fixed Message-ID instead of a generated one. */
    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }

    /** The server's final reply to the DATA of a successful send (e.g. {@code "250 2.0.0 Ok: queued as 4AbC"}), or null before. */
    public String serverReply() {
        return serverReply;
    }

    /** Records the server's final reply after a successful send; the last call wins. */
    public void recordServerReply(String reply) {
        this.serverReply = reply;
    }
}
