package io.mailpipe.smtp;

import static io.mailpipe.smtp.SmtpTestMessages.account;
import static io.mailpipe.smtp.SmtpTestMessages.message;
import static io.mailpipe.smtp.SmtpTestMessages.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.config.SmtpSettings;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.testing.TinySmtpServer;

/**
 * The pipelined path (SubEthaSMTP does not offer PIPELINING) fails as Angus does: the same server
 * ({@link TinySmtpServer} with PIPELINING), the reference {@link AccountMailSender} and the pipelining sender (fresh
 * and reused session), the same classification.
 */
class PipelinedParityTest {

    private TinySmtpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TinySmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private void assertAlike(ReasonCode expected, String... to) throws Exception {
        Account account = account(server.port());
        SendFailure reference = classify(new AccountMailSender(account), account, to);
        assertThat(reference.reason()).isEqualTo(expected);
        try (PooledMailSender pipelining = new PooledMailSender(account,
                settings(SmtpSettings.PIPELINING, 1000, Duration.ofSeconds(30)))) {
            assertThat(classify(pipelining, account, to)).as("fresh session").isEqualTo(reference);
            assertThat(classify(pipelining, account, to)).as("reused session").isEqualTo(reference);
        }
        assertThat(server.commands()).as("the pipelining client was used").isNotEmpty();
    }

    private static SendFailure classify(org.apache.camel.component.mail.JavaMailSender sender, Account account, String... to) {
        Throwable thrown = catchThrowable(() -> sender.send(message(account, "x", to)));
        assertThat(thrown).as("the send fails").isNotNull();
        return SmtpFailureClassifier.classify(thrown);
    }

    @Test
    void partialAcceptance() throws Exception {
        server.rcptReply = a -> a.startsWith("unknown") ? "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown" : null;
        assertAlike(ReasonCode.PARTIALLY_ACCEPTED, "good@example.com", "unknown@example.com");
        assertThat(server.messages()).hasSize(3);
    }

    @Test
    void everyRecipientRefusedWithARateLimitAmongThem() throws Exception {
        server.rcptReply = a -> a.startsWith("unknown") ? "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown"
                : "451 4.7.1 <" + a + ">: Ratelimit exceeded for mailbox shop@example.com. Try again later.";
        assertAlike(ReasonCode.RATE_LIMITED, "unknown@example.com", "throttled@example.com");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void refusedSender() throws Exception {
        server.mailReply = a -> "553 5.7.1 <" + a + ">: Sender address rejected: not owned by user";
        assertAlike(ReasonCode.MESSAGE_REJECTED, "good@example.com");
    }

    @Test
    void dataCommandRefused() throws Exception {
        server.dataReply = "554 5.7.1 Message rejected under suspicion of SPAM";
        assertAlike(ReasonCode.ACCOUNT_BLOCKED, "good@example.com");
    }

    @Test
    void finalDotRefusedTemporarily() throws Exception {
        server.finalReply = "451 4.3.0 Error: queue file write error";
        assertAlike(ReasonCode.TEMPORARY_FAILURE, "good@example.com");
        assertThat(server.messages()).hasSize(3);
    }
}
