package io.mailpipe.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.Session;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MailpipeMimeMessage;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.compose.MessageSpec;
import io.mailpipe.config.SmtpSettings;

/** Accounts and composed messages for the sender tests. */
final class SmtpTestMessages {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final MessageComposer COMPOSER = new MessageComposer();

    private SmtpTestMessages() {
    }

    static Account account(int port) {
        return account(port, Security.NONE, Limits.NONE, null, null);
    }

    static Account account(int port, Security security, Limits limits, String user, String password) {
        return new Account("test", "127.0.0.1", port, security, user, password, "Shop <shop@example.com>", false,
                limits, null, null, Duration.ofSeconds(5));
    }

    static Account withConcurrency(Account account, int sessions) {
        return account.withLimits(new Limits(null, null, null, sessions));
    }

    static MailpipeMimeMessage message(Account account, String text, String... to) {
        try {
            MessageSpec spec = new MessageSpec("req-" + IDS.incrementAndGet(), null, null, List.of(to), List.of(),
                    List.of(), "Test", text, null, null, null, null);
            return COMPOSER.compose(spec, account, Session.getInstance(new Properties())).message();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static SmtpSettings settings(String client, int maxMessagesPerConnection, Duration idleTimeout) {
        return new SmtpSettings(client, 8, maxMessagesPerConnection, idleTimeout);
    }

    static SmtpSettings pipelining() {
        return settings(SmtpSettings.PIPELINING, 1000, Duration.ofSeconds(30));
    }
}
