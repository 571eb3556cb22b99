package io.mailpipe.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mailpipe.account.Account;
import io.mailpipe.compose.MailpipeMimeMessage;

/**
 * A kept-open Angus {@link SMTPTransport} (the {@code smtp.client: jakarta} choice): lock-step, Angus' own
 * exceptions. After any failure other than a partial delivery the session is dropped rather than reset, so no
 * half-finished transaction is carried into the next message.
 */
final class JakartaSmtpConnection implements SmtpConnection {

    private final SMTPTransport transport;
    private int messages;
    private boolean usable = true;

    private JakartaSmtpConnection(SMTPTransport transport) {
        this.transport = transport;
    }

    /**
     * Connects and logs in (password, or XOAUTH2 with the account's token: {@link SmtpLogin}) with the account's session
     * ({@link AccountMailSender#sessionProperties}), through
     * {@link UncertainAwareSmtpTransport}, which reports a missing reply to the final dot as uncertain.
     */
    static JakartaSmtpConnection open(Account account, Session session, String protocol) throws MessagingException {
        SMTPTransport transport = (SMTPTransport) session.getTransport(UncertainAwareSmtpTransport.provider("smtps".equals(protocol)));
        return SmtpLogin.open(account, secret -> {
            transport.connect(account.host(), account.port(), account.username(), secret);
            return new JakartaSmtpConnection(transport);
        });
    }

    @Override
    public void send(MimeMessage message, boolean reused) throws MessagingException {
        MailpipeMimeMessage tracked = message instanceof MailpipeMimeMessage m ? m : null;
        if (tracked != null) {
            AccountMailSender.checkServerCanTake(transport, tracked);
        }
        Address[] recipients = tracked != null ? tracked.envelopeRecipients() : message.getAllRecipients();
        try {
            transport.sendMessage(message, recipients);
            messages++;
        } catch (MessagingException e) {
            if (e instanceof SMTPSendFailedException sent && sent.getReturnCode() >= 200 && sent.getReturnCode() <= 299) {
                messages++; // delivered to the accepted recipients; the transaction ended normally
                throw e;
            }
            usable = false;
            throw reused && AngusSessions.staleAtMailFrom(e) ? new StaleSessionException("the pooled session was closed", e) : e;
        }
        if (tracked != null) {
            tracked.recordServerReply(transport.getLastServerResponse());
        }
    }

    @Override
    public boolean usable() {
        String last = transport.getLastServerResponse();
        return usable && (last == null || !last.startsWith("421"));
    }

    @Override
    public int messagesSent() {
        return messages;
    }

    @Override
    public long writeStartedNanos() {
        return 0; // Angus enforces mail.smtp.writetimeout itself
    }

    @Override
    public void close() {
        usable = false;
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            // closing a broken session: nothing to save
        }
    }

    @Override
    public void abort() {
        close();
    }
}
