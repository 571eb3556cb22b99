package io.mailpipe.smtp;

import static io.mailpipe.smtp.SmtpTestMessages.account;
import static io.mailpipe.smtp.SmtpTestMessages.message;
import static io.mailpipe.smtp.SmtpTestMessages.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MailpipeMimeMessage;
import io.mailpipe.config.SmtpSettings;
import io.mailpipe.testing.TinySmtpServer;

/** The kept-open Angus sessions ({@code smtp.client: jakarta}) and the one-shot sender on the same edge cases. */
class JakartaPooledSenderTest {

    private TinySmtpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TinySmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private PooledMailSender jakarta(Account account) {
        return new PooledMailSender(account, settings(SmtpSettings.JAKARTA, 1000, Duration.ofSeconds(30)));
    }

    @Test
    void reusesOneSessionForManyMessages() throws Exception {
        try (PooledMailSender s = jakarta(account(server.port()))) {
            for (int i = 0; i < 5; i++) {
                MailpipeMimeMessage m = message(s.account(), "m" + i, "a@example.com");
                s.send(m);
                assertThat(m.serverReply()).startsWith("250 2.0.0 Ok: queued");
            }
        }
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.messages()).hasSize(5);
    }

    @Test
    void sessionClosedByTheServerIsReplacedAndTheMessageSentOnce() throws Exception {
        server.closeAfterMessages = 1;
        try (PooledMailSender s = jakarta(account(server.port()))) {
            s.send(message(s.account(), "one", "a@example.com"));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
            s.send(message(s.account(), "two", "a@example.com"));
        }
        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.messages()).hasSize(2);
    }

    @Test
    void droppedAfterTheFinalDotIsUncertainForThePooledAndTheOneShotSender() throws Exception {
        server.dropAfterDotOfMessage = 1;
        Throwable pooled;
        try (PooledMailSender s = jakarta(account(server.port()))) {
            pooled = catchThrowable(() -> s.send(message(s.account(), "x", "a@example.com")));
        }
        server.dropAfterDotOfMessage = 2;
        Throwable oneShot = catchThrowable(() -> new AccountMailSender(account(server.port()))
                .send(message(account(server.port()), "x", "a@example.com")));

        assertThat(pooled).satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
        assertThat(oneShot).satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
        assertThat(server.messages()).hasSize(2);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void noReplyToTheFinalDotInTimeIsUncertain() throws Exception {
        server.finalReplyDelayMillis = 3000;
        Account account = new Account("test", "127.0.0.1", server.port(), Security.NONE, null, null, "shop@example.com",
                false, Limits.NONE, null, null, Duration.ofMillis(500));
        Throwable thrown;
        try (PooledMailSender s = jakarta(account)) {
            thrown = catchThrowable(() -> s.send(message(account, "x", "a@example.com")));
        }
        assertThat(thrown).satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
    }

    @Test
    void refusalBeforeDataIsNoUncertainty() throws Exception {
        server.rcptReply = a -> "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown";
        Throwable thrown;
        try (PooledMailSender s = jakarta(account(server.port()))) {
            thrown = catchThrowable(() -> s.send(message(s.account(), "x", "a@example.com")));
        }
        assertThat(thrown).isNotNull().satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isNotEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
    }
}
