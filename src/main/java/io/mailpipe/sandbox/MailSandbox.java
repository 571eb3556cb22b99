package io.mailpipe.sandbox;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.user.GreenMailUser;
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
    private final GreenMailUser bounceUser;

    private MailSandbox(GreenMail greenMail, GreenMailUser bounceUser) {
        this.greenMail = greenMail;
        this.bounceUser = bounceUser;
    }

    public static MailSandbox start() {
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        GreenMail greenMail = new GreenMail(new ServerSetup[] {smtp, imap});
        greenMail.start();
        GreenMailUser bounces = greenMail.setUser("bounces@sandbox.test", BOUNCE_USER, BOUNCE_PASSWORD);
        return new MailSandbox(greenMail, bounces);
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

    /** Puts a raw message into the bounce mailbox's INBOX, as if a remote server had returned it. */
    public void deliverToBounceMailbox(byte[] raw) {
        try {
            bounceUser.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
        } catch (MessagingException e) {
            throw new IllegalStateException("could not deliver to the sandbox's bounce mailbox", e);
        }
    }

    /** A delivery status notification (RFC 3464, as Postfix writes it) saying that {@code recipient} does not exist. */
    public static byte[] userUnknownReport(String originalMessageId, String recipient) {
        String text = """
                From: Mail Delivery System <MAILER-DAEMON@mx.sandbox.test>
                To: shop@mail.example
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <demo-report-%1$s>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="demo-boundary"

                --demo-boundary
                Content-Type: text/plain

                This is the mail system at host mx.sandbox.test. Your message could not be delivered.

                --demo-boundary
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.sandbox.test

                Final-Recipient: rfc822; %2$s
                Action: failed
                Status: 5.1.1
                Remote-MTA: dns; mx.sandbox.test
                Diagnostic-Code: smtp; 550 5.1.1 <%2$s>: Recipient address rejected: User unknown

                --demo-boundary
                Content-Type: text/rfc822-headers

                Message-ID: <%1$s>
                To: %2$s

                --demo-boundary--
                """.formatted(originalMessageId.replaceAll("^<|>$", ""), recipient);
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
