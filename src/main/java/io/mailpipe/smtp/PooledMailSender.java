package io.mailpipe.smtp;

import java.time.Duration;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.component.mail.DefaultJavaMailSender;

import io.mailpipe.account.Account;
import io.mailpipe.compose.MailpipeMimeMessage;
import io.mailpipe.config.SmtpSettings;

/**
 * The camel-mail sender of one account (endpoint option {@code javaMailSender}) that keeps SMTP sessions open: up to
 * the account's {@code limits.concurrency} (else {@code smtp.sessionsPerAccount}) sessions, shared by every thread
 * that sends through the account ({@link SmtpSessionPool}). Speaks through mailpipe's pipelining client or through
 * kept-open Angus transports ({@code smtp.client}); either way it keeps {@link AccountMailSender}'s contract: the
 * server's SIZE and SMTPUTF8 are checked before MAIL FROM, the envelope is the message's, accepted recipients get the
 * message when others are refused, the final reply is recorded, and failures reach {@link SmtpFailureClassifier}
 * in Angus' shapes. See docs/smtp-sessions.md.
 */
public final class PooledMailSender extends DefaultJavaMailSender implements AutoCloseable {

    private final Account account;
    private final SmtpSessionPool pool;
    /** Jakarta client only: a message that needs SMTPUTF8 goes over a session of its own (a UTF-8 Angus session). */
    private final AccountMailSender oneShot;

    public PooledMailSender(Account account, SmtpSettings settings) {
        this.account = account;
        String protocol = AccountMailSender.configure(this, account);
        Integer concurrency = account.limits() == null ? null : account.limits().concurrency();
        int sessions = concurrency != null && concurrency > 0 ? concurrency : settings.sessionsPerAccount();
        SmtpSessionPool.Opener opener;
        if (settings.pipelining()) {
            // the EHLO name needs a host-name look-up (seconds on some machines): done at the first connection, once
            opener = () -> PipeliningSmtpConnection.open(account, PipeliningSmtpConnection.defaultEhloName());
            oneShot = null;
        } else {
            Session session = getSession();
            opener = () -> JakartaSmtpConnection.open(account, session, protocol);
            oneShot = new AccountMailSender(account);
        }
        pool = new SmtpSessionPool(opener, sessions, settings.maxMessagesPerConnection(), settings.idleTimeout(),
                account.timeout().isZero() ? Duration.ofMinutes(5) : account.timeout());
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (oneShot != null && message instanceof MailpipeMimeMessage tracked && tracked.requiresSmtpUtf8()) {
            oneShot.send(message);
            return;
        }
        try {
            pool.send(message);
        } catch (MessagingException e) {
            throw SmtpSenders.asTransaction(e);
        }
    }

    /** The account this sender sends through. */
    public Account account() {
        return account;
    }

    /** Sessions open now, idle or in use (for tests and diagnostics). */
    public int openSessions() {
        return pool.openSessions();
    }

    /** Most sessions open at once. */
    public int maxSessions() {
        return pool.maxSessions();
    }

    /** Closes the idle sessions now and the busy ones when their send ends. */
    @Override
    public void close() {
        pool.close();
    }
}
