package io.mailpipe.compose;

import jakarta.mail.Address;
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
public class MailpipeMimeMessage extends org.eclipse.angus.mail.smtp.SMTPMessage {

    private final String messageId;
    private volatile String serverReply;
    private volatile Address[] envelope;
    private volatile boolean requiresSmtpUtf8;
    private volatile long sizeBytes = -1;
    /** The message as it goes into DATA, once composed; null before. */
    private volatile byte[] wire;
    /** The headers {@link #wire} leaves out. */
    private volatile java.util.Set<String> wireLeavesOut = java.util.Set.of();

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

    /**
     * Sends to these recipients only (RCPT TO), while the headers keep every recipient: a retry that goes only to
     * the recipients an earlier attempt did not reach. Null (the default) means every To, Cc and Bcc recipient.
     */
    public void restrictEnvelope(Address[] recipients) {
        this.envelope = recipients == null ? null : recipients.clone();
    }

    /** The recipients to send to: the restricted envelope, or every recipient of the message. */
    public Address[] envelopeRecipients() throws MessagingException {
        Address[] restricted = envelope;
        return restricted != null ? restricted.clone() : getAllRecipients();
    }

    /** Whether an address has a non-ASCII local part: the server must offer SMTPUTF8 (RFC 6531). */
    public boolean requiresSmtpUtf8() {
        return requiresSmtpUtf8;
    }

    /** Marks the message as needing SMTPUTF8 (set by the composer). */
    public void requireSmtpUtf8() {
        this.requiresSmtpUtf8 = true;
    }

    /** The size measured by the composer (bytes in DATA), or -1 when not measured. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * Freezes the message as these bytes, the whole message as it goes into DATA (without the headers in
     * {@code leftOut}, as Angus' SMTPTransport leaves out Bcc): from now on a {@code writeTo} that leaves out the same
     * headers writes these bytes, and {@code saveChanges()} changes nothing, until a header or the content is changed
     * (which drops them). Set by the composer, once.
     */
    public void freeze(byte[] data, String... leftOut) {
        java.util.Set<String> names = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(java.util.List.of(leftOut));
        this.wireLeavesOut = names;
        this.sizeBytes = data.length;
        this.wire = data;
    }

    /** The frozen bytes (the message as it goes into DATA), or null when the message was not frozen. */
    public byte[] wire() {
        return wire;
    }

    @Override
    public void writeTo(java.io.OutputStream os, String[] ignoreList) throws java.io.IOException, MessagingException {
        byte[] data = wire;
        if (data != null && sameHeadersLeftOut(ignoreList)) {
            os.write(data);
            return;
        }
        super.writeTo(os, ignoreList);
    }

    private boolean sameHeadersLeftOut(String[] ignoreList) {
        java.util.Set<String> asked = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (ignoreList != null) {
            asked.addAll(java.util.List.of(ignoreList));
        }
        return asked.equals(wireLeavesOut);
    }

    // a change after freezing (tests, or a sender that adds a header) drops the frozen bytes: they no longer match

    @Override
    public void setHeader(String name, String value) throws MessagingException {
        wire = null;
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) throws MessagingException {
        wire = null;
        super.addHeader(name, value);
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
        wire = null;
        super.removeHeader(name);
    }

    @Override
    public void setDataHandler(jakarta.activation.DataHandler dh) throws MessagingException {
        wire = null;
        super.setDataHandler(dh);
    }

    /** A frozen message keeps its headers: Transport.send calls saveChanges again. */
    @Override
    protected void updateHeaders() throws MessagingException {
        if (wire == null) {
            super.updateHeaders();
        }
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
