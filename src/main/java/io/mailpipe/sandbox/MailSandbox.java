package io.mailpipe.sandbox;

import java.util.List;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The local mail sandbox of {@code mailpipe demo}: a GreenMail SMTP server that accepts every message and an
 * IMAP server to read them back, on free loopback ports. Plain text, no authentication: for local use only.
 */
public final class MailSandbox implements AutoCloseable {

    /** IMAP login of the sandbox's bounce mailbox (bounces@sandbox.test), polled by the demo's worker. */
    public static final String BOUNCE_USER = "bounces";
    /** Its password; the sandbox is for local use only. */
    public static final String BOUNCE_PASSWORD = "bounces";

    private final GreenMail greenMail;

    private MailSandbox(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    public static MailSandbox start() {
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        GreenMail greenMail = new GreenMail(new ServerSetup[] {smtp, imap});
        greenMail.start();
        greenMail.setUser("bounces@sandbox.test", BOUNCE_USER, BOUNCE_PASSWORD);
        return new MailSandbox(greenMail);
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int imapPort() {
        return greenMail.getImap().getPort();
    }

    /** Every message the SMTP server received so far. */
    public List<MimeMessage> received() {
        return List.of(greenMail.getReceivedMessages());
    }

    /** Number of messages delivered to mailboxes (one per recipient). */
    public int receivedCount() {
        return greenMail.getReceivedMessages().length;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
