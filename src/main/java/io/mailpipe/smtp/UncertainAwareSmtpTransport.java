package io.mailpipe.smtp;

import java.io.IOException;

import jakarta.mail.MessagingException;
import jakarta.mail.Provider;
import jakarta.mail.Session;
import jakarta.mail.URLName;

import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport, telling one situation apart: the message and its final {@code "."} were written, and
 * then no reply came (end of stream, reset, timeout). That is a {@link DeliveryUncertainException}: the server may
 * have accepted the message. Every other failure is reported exactly as Angus reports it.
 *
 * <p>Used by {@link AccountMailSender} through {@link #provider(boolean)}; {@link Ssl} is the implicit-TLS variant.
 */
public class UncertainAwareSmtpTransport extends SMTPTransport {

    /** Set between writing the final dot and reading the reply to it. */
    private boolean awaitingReplyToData;
    private boolean inFinishData;

    public UncertainAwareSmtpTransport(Session session, URLName url) {
        super(session, url, "smtp", false);
    }

    protected UncertainAwareSmtpTransport(Session session, URLName url, String name, boolean ssl) {
        super(session, url, name, ssl);
    }

    /** The transport provider for {@code smtp} (plain or STARTTLS) or, with {@code ssl}, {@code smtps}. */
    public static Provider provider(boolean ssl) {
        return new Provider(Provider.Type.TRANSPORT, ssl ? "smtps" : "smtp",
                (ssl ? Ssl.class : UncertainAwareSmtpTransport.class).getName(), "mailpipe", null);
    }

    @Override
    protected synchronized void finishData() throws IOException, MessagingException {
        inFinishData = true;
        try {
            super.finishData();
        } finally {
            inFinishData = false;
            awaitingReplyToData = false;
        }
    }

    @Override
    protected void sendCommand(String cmd) throws MessagingException {
        super.sendCommand(cmd);
        // only once the dot went out completely can the server have taken the message
        if (inFinishData && ".".equals(cmd)) {
            awaitingReplyToData = true;
        }
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        if (!awaitingReplyToData) {
            return super.readServerResponse();
        }
        int code;
        try {
            code = super.readServerResponse();
        } catch (MessagingException e) {
            throw new DeliveryUncertainException("the message was sent completely, but reading the server's reply to it"
                    + " failed; it may have been delivered", e);
        }
        if (code == -1) {
            // Angus reports the end of the stream as code -1
            throw new DeliveryUncertainException("the message was sent completely, but the server closed the connection"
                    + " without replying to it; it may have been delivered",
                    new java.io.EOFException("connection closed while waiting for the reply to the final dot"));
        }
        return code;
    }

    /** Implicit TLS ({@code smtps}). */
    public static final class Ssl extends UncertainAwareSmtpTransport {
        public Ssl(Session session, URLName url) {
            super(session, url, "smtps", true);
        }
    }
}
