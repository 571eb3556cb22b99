package io.mailpipe.smtp;

import static io.mailpipe.smtp.SmtpTestMessages.account;
import static io.mailpipe.smtp.SmtpTestMessages.message;
import static io.mailpipe.smtp.SmtpTestMessages.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MailpipeMimeMessage;
import io.mailpipe.config.SmtpSettings;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure.Scope;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.SelfSignedTls;
import io.mailpipe.testing.TinySmtpServer;

/**
 * Every sender mailpipe can use fails in the same way as the one-connection-per-message Angus sender
 * ({@link AccountMailSender}) against the same real servers (SubEthaSMTP): the classifier reads the same reason,
 * scope, reply and refused recipients from what each throws, and the server receives the same bytes.
 */
class SenderParityTest {

    private static ScriptedSmtpServer server;

    @BeforeAll
    static void start() {
        server = new ScriptedSmtpServer()
                .refuseRecipient("unknown@example.com", 550, "5.1.1 <unknown@example.com>: Recipient address rejected: User unknown")
                .refuseRecipient("throttled@example.com", 451, "4.7.1 <throttled@example.com>: Ratelimit exceeded for mailbox shop@example.com. Try again later.")
                .refuseSender("blocked@example.com", 553, "5.7.1 <blocked@example.com>: Sender address rejected: not owned by user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The same send through each sender: what the classifier makes of each failure (null: no failure). */
    private static Map<String, SendFailure> sendThroughEach(Account account, MessageMaker maker) {
        Map<String, SendFailure> results = new LinkedHashMap<>();
        results.put("angus-one-shot", attempt(new AccountMailSender(account), maker.make(account)));
        for (String client : new String[] {SmtpSettings.JAKARTA, SmtpSettings.PIPELINING}) {
            try (PooledMailSender pooled = new PooledMailSender(account, settings(client, 1000, Duration.ofSeconds(30)))) {
                results.put(client + "-fresh", attempt(pooled, maker.make(account)));
                // the same again over the session the first send left (when it is still usable)
                results.put(client + "-reused", attempt(pooled, maker.make(account)));
            }
        }
        return results;
    }

    interface MessageMaker {
        MimeMessage make(Account account);
    }

    private static SendFailure attempt(org.apache.camel.component.mail.JavaMailSender sender, MimeMessage message) {
        Throwable thrown = catchThrowable(() -> sender.send(message));
        return thrown == null ? null : SmtpFailureClassifier.classify(thrown);
    }

    private static void assertAllAlike(Map<String, SendFailure> results, ReasonCode expected) {
        SendFailure reference = results.get("angus-one-shot");
        assertThat(reference).as("the reference sender's failure").isNotNull();
        assertThat(reference.reason()).isEqualTo(expected);
        results.forEach((sender, failure) -> assertThat(failure).as(sender).isEqualTo(reference));
    }

    private static void assertAllAlikeWithoutDetail(Map<String, SendFailure> results, ReasonCode expected, Scope scope) {
        results.forEach((sender, failure) -> {
            assertThat(failure).as(sender).isNotNull();
            assertThat(failure.reason()).as(sender).isEqualTo(expected);
            assertThat(failure.scope()).as(sender).isEqualTo(scope);
            assertThat(failure.reply()).as(sender).isEqualTo(results.get("angus-one-shot").reply());
        });
    }

    @Test
    void oneRecipientRefused() {
        assertAllAlike(sendThroughEach(account(server.port()),
                a -> message(a, "x", "good@example.com", "unknown@example.com")), ReasonCode.PARTIALLY_ACCEPTED);
    }

    @Test
    void everyRecipientRefused() {
        assertAllAlike(sendThroughEach(account(server.port()), a -> message(a, "x", "unknown@example.com")),
                ReasonCode.RECIPIENT_REJECTED);
    }

    @Test
    void rateLimitAtRcptForEveryRecipient() {
        assertAllAlike(sendThroughEach(account(server.port()),
                a -> message(a, "x", "unknown@example.com", "throttled@example.com")), ReasonCode.RATE_LIMITED);
    }

    @Test
    void rateLimitAfterAnAcceptedRecipient() {
        Map<String, SendFailure> results = sendThroughEach(account(server.port()),
                a -> message(a, "x", "good@example.com", "throttled@example.com"));
        assertAllAlike(results, ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(results.get("angus-one-shot").scope()).isEqualTo(Scope.ACCOUNT);
    }

    @Test
    void refusalAfterData() {
        Map<String, SendFailure> results = sendThroughEach(account(server.port()), a -> {
            server.nextDataReply(554, "5.7.1 [2] Message rejected under suspicion of SPAM");
            return message(a, "x", "good@example.com");
        });
        assertAllAlike(results, ReasonCode.ACCOUNT_BLOCKED);
    }

    @Test
    void temporaryFailureAfterData() {
        Map<String, SendFailure> results = sendThroughEach(account(server.port()), a -> {
            server.nextDataReply(451, "4.3.0 Temporary local problem, try again later");
            return message(a, "x", "good@example.com");
        });
        assertAllAlike(results, ReasonCode.TEMPORARY_FAILURE);
    }

    @Test
    void refusedSender() {
        Account account = account(server.port()).withReturnPath("blocked@example.com");
        assertAllAlike(sendThroughEach(account, a -> message(a, "x", "good@example.com")), ReasonCode.MESSAGE_REJECTED);
    }

    @Test
    void closedPort() {
        assertAllAlikeWithoutDetail(sendThroughEach(account(ScriptedSmtpServer.freePort()),
                a -> message(a, "x", "good@example.com")), ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT);
    }

    @Test
    void wrongPasswordAndRightPassword() {
        try (ScriptedSmtpServer login = ScriptedSmtpServer.withLogin("shop", "right")) {
            // a test server without TLS: logging in over clear text must be allowed explicitly
            Account wrong = account(login.port(), Security.NONE, Limits.NONE, "shop", "wrong").withTls(null, true);
            assertAllAlike(sendThroughEach(wrong, a -> message(a, "x", "good@example.com")),
                    ReasonCode.AUTHENTICATION_FAILED);
            Account right = account(login.port(), Security.NONE, Limits.NONE, "shop", "right").withTls(null, true);
            sendThroughEach(right, a -> message(a, "x", "good@example.com"))
                    .forEach((sender, failure) -> assertThat(failure).as(sender).isNull());
            assertThat(login.accepted()).hasSize(5);
        }
    }

    @Test
    void loginOverClearTextIsRefusedBeforeAnyPasswordIsSentUnlessAllowed() {
        try (ScriptedSmtpServer login = ScriptedSmtpServer.withLogin("shop", "right")) {
            Account account = account(login.port(), Security.NONE, Limits.NONE, "shop", "right");
            assertAllAlike(sendThroughEach(account, a -> message(a, "x", "good@example.com")), ReasonCode.TLS_FAILED);
            assertThat(login.authAttempts()).as("logins the server saw").isZero();
            assertThat(login.accepted()).isEmpty();
        }
    }

    @Test
    void startTlsRequiredButNotOffered() {
        Account account = account(server.port(), Security.STARTTLS, Limits.NONE, null, null);
        assertAllAlike(sendThroughEach(account, a -> message(a, "x", "good@example.com")), ReasonCode.TLS_FAILED);
    }

    @Test
    void untrustedCertificateFailsTls() throws Exception {
        try (ScriptedSmtpServer tls = ScriptedSmtpServer.withStartTls(SelfSignedTls.serverContext())) {
            Account account = account(tls.port(), Security.STARTTLS, Limits.NONE, null, null);
            assertAllAlikeWithoutDetail(sendThroughEach(account, a -> message(a, "x", "good@example.com")),
                    ReasonCode.TLS_FAILED, Scope.ACCOUNT);
            assertThat(tls.accepted()).isEmpty();
        }
    }

    @Test
    void implicitTlsToAPlainServerFailsWithoutSendingAnything() {
        Account account = account(server.port(), Security.SSL, Limits.NONE, null, null);
        int before = server.accepted().size();
        Map<String, SendFailure> results = sendThroughEach(account, a -> message(a, "x", "good@example.com"));
        results.forEach((sender, failure) -> assertThat(failure).as(sender).isNotNull()
                .extracting(SendFailure::scope).isEqualTo(Scope.ACCOUNT));
        assertThat(server.accepted()).hasSize(before);
    }

    @Test
    void theServerReceivesTheSameBytesFromEverySender() throws Exception {
        try (TinySmtpServer tiny = new TinySmtpServer()) {
            Account account = account(tiny.port());
            MailpipeMimeMessage m = message(account, ".dot\nbare LF\r\nend without line end", "a@example.com");
            new AccountMailSender(account).send(m);
            try (PooledMailSender jakarta = new PooledMailSender(account, settings(SmtpSettings.JAKARTA, 10, Duration.ofSeconds(30)));
                 PooledMailSender pipelining = new PooledMailSender(account, settings(SmtpSettings.PIPELINING, 10, Duration.ofSeconds(30)))) {
                jakarta.send(m);
                pipelining.send(m);
            }
            assertThat(tiny.messages()).hasSize(3);
            assertThat(tiny.messages().get(2)).isEqualTo(tiny.messages().get(0));
            assertThat(tiny.messages().get(1)).isEqualTo(tiny.messages().get(0));
        }
    }

    @Test
    void subEthaSmtpSessionsServeManyMessages() throws Exception {
        int before = server.accepted().size();
        try (PooledMailSender pipelining = new PooledMailSender(account(server.port()),
                settings(SmtpSettings.PIPELINING, 1000, Duration.ofSeconds(30)))) {
            for (int i = 0; i < 20; i++) {
                pipelining.send(message(pipelining.account(), "m" + i, "good@example.com"));
            }
            assertThat(pipelining.openSessions()).isEqualTo(1);
        }
        assertThat(server.accepted()).hasSize(before + 20);
    }
}
