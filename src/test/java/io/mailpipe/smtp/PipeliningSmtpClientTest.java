package io.mailpipe.smtp;

import static io.mailpipe.smtp.SmtpTestMessages.account;
import static io.mailpipe.smtp.SmtpTestMessages.message;
import static io.mailpipe.smtp.SmtpTestMessages.pipelining;
import static io.mailpipe.smtp.SmtpTestMessages.settings;
import static io.mailpipe.smtp.SmtpTestMessages.withConcurrency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.compose.MailpipeMimeMessage;
import io.mailpipe.config.SmtpSettings;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.testing.TinySmtpServer;

/** The pipelining client and the session pool against a scripted socket server ({@link TinySmtpServer}). */
class PipeliningSmtpClientTest {

    private TinySmtpServer server;
    private PooledMailSender sender;

    @BeforeEach
    void start() throws Exception {
        server = new TinySmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (sender != null) {
            sender.close();
        }
        server.close();
    }

    private PooledMailSender sender(Account account, SmtpSettings settings) {
        sender = new PooledMailSender(account, settings);
        return sender;
    }

    private List<String> transactionCommands() {
        return server.commands().stream().filter(c -> !c.startsWith("EHLO") && !c.equals("QUIT")).toList();
    }

    @Test
    void pipelinesEnvelopeAndDataInOneWriteAndMatchesTheReplies() throws Exception {
        server.holdRepliesUntilData = true; // a lock-step client would wait forever for the MAIL FROM reply
        PooledMailSender s = sender(account(server.port()), pipelining());
        MailpipeMimeMessage m = message(s.account(), "hello", "a@example.com", "b@example.com");

        s.send(m);

        assertThat(m.serverReply()).isEqualTo("250 2.0.0 Ok: queued as TINY\n");
        assertThat(transactionCommands()).containsExactly("MAIL FROM:<shop@example.com> SIZE=" + m.sizeBytes(),
                "RCPT TO:<a@example.com>", "RCPT TO:<b@example.com>", "DATA");
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void secondMessageOnTheSessionPipelinesRsetInFront() throws Exception {
        server.holdRepliesUntilData = true;
        PooledMailSender s = sender(account(server.port()), pipelining());
        s.send(message(s.account(), "one", "a@example.com"));
        s.send(message(s.account(), "two", "a@example.com"));

        assertThat(server.connections()).isEqualTo(1);
        List<String> c = transactionCommands();
        assertThat(c).hasSize(7);
        assertThat(c.get(3)).isEqualTo("RSET");
        assertThat(c.get(4)).startsWith("MAIL FROM:<shop@example.com> SIZE=");
        assertThat(c.subList(5, 7)).containsExactly("RCPT TO:<a@example.com>", "DATA");
        assertThat(server.messages()).hasSize(2);
    }

    @Test
    void messageBytesArriveDotStuffedWithCrlf() throws Exception {
        PooledMailSender s = sender(account(server.port()), pipelining());
        MailpipeMimeMessage m = message(s.account(), ".leading dot\n..two\nend", "a@example.com");

        s.send(m);

        String data = new String(server.messages().get(0), StandardCharsets.ISO_8859_1);
        assertThat(data).contains("\r\n...two\r\n").contains("\r\n..leading dot\r\n").doesNotContain("\n\n");
        assertThat(data.replaceAll("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
        assertThat(data).endsWith("\r\n");
    }

    @Test
    void withoutPipeliningSpeaksLockStep() throws Exception {
        server.pipelining = false;
        PooledMailSender s = sender(account(server.port()), pipelining());
        s.send(message(s.account(), "one", "a@example.com", "b@example.com"));
        s.send(message(s.account(), "two", "a@example.com"));

        assertThat(server.lockStepViolated()).isFalse();
        assertThat(server.messages()).hasSize(2);
        assertThat(transactionCommands()).as("no RSET after a clean transaction in lock-step")
                .filteredOn(c -> c.equals("RSET")).isEmpty();
    }

    @Test
    void refusedRecipientsAreReportedAndTheOthersGetTheMessage() throws Exception {
        server.rcptReply = a -> a.startsWith("unknown") ? "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown" : null;
        PooledMailSender s = sender(account(server.port()), pipelining());
        MailpipeMimeMessage m = message(s.account(), "hi", "good@example.com", "unknown@example.com");

        Throwable thrown = catchThrowable(() -> s.send(m));

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(failure.rejectedRecipients()).extracting(RecipientFailure::address).containsExactly("unknown@example.com");
        assertThat(server.messages()).hasSize(1);
        // the session is still good for the next message
        s.send(message(s.account(), "next", "good@example.com"));
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void everyRecipientRefusedSendsNothingAndKeepsTheSession() throws Exception {
        server.rcptReply = a -> "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown";
        PooledMailSender s = sender(account(server.port()), pipelining());

        Throwable thrown = catchThrowable(() -> s.send(message(s.account(), "hi", "x@example.com", "y@example.com")));

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.RECIPIENT_REJECTED);
        assertThat(failure.rejectedRecipients()).hasSize(2);
        assertThat(server.messages()).isEmpty();
        server.rcptReply = a -> null;
        s.send(message(s.account(), "next", "good@example.com"));
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.commands()).contains("RSET");
    }

    @Test
    void refusalAfterTheFinalDotIsTheDataPhases() throws Exception {
        server.finalReply = "554 5.7.1 [2] Message rejected under suspicion of SPAM";
        PooledMailSender s = sender(account(server.port()), pipelining());

        Throwable thrown = catchThrowable(() -> s.send(message(s.account(), "hi", "a@example.com")));

        assertThat(thrown).isInstanceOf(SmtpTransactionException.class);
        SmtpTransaction tx = ((SmtpTransactionException) thrown).transaction();
        assertThat(tx.phase()).isEqualTo(SmtpPhase.DATA);
        assertThat(tx.afterFinalDot()).as("the reply to the final dot").isTrue();
        assertThat(tx.reply().code()).isEqualTo(554);
        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.ACCOUNT_BLOCKED);
        assertThat(failure.detail()).isEqualTo("DATA replied 554 5.7.1 [2] Message rejected under suspicion of SPAM");
    }

    @Test
    void connectionDroppedAfterTheFinalDotIsUncertainAndNotRetried() throws Exception {
        server.dropAfterDotOfMessage = 1;
        PooledMailSender s = sender(account(server.port()), pipelining());

        Throwable thrown = catchThrowable(() -> s.send(message(s.account(), "hi", "a@example.com")));

        assertThat(thrown).isInstanceOf(SmtpTransactionException.class);
        assertThat(((SmtpTransactionException) thrown).transaction()).satisfies(tx -> {
            assertThat(tx.afterFinalDot()).isTrue();
            assertThat(tx.reply()).isNull();
        });
        assertThat(server.messages()).as("the server has the message").hasSize(1);
        assertThat(server.connections()).as("no second attempt").isEqualTo(1);
        assertThat(SmtpFailureClassifier.classify(thrown).reason()).isEqualTo(ReasonCode.DELIVERY_UNCERTAIN);
    }

    @Test
    void noReplyToTheFinalDotWithinTheTimeoutIsUncertain() throws Exception {
        server.finalReplyDelayMillis = 3000;
        Account account = new Account("test", "127.0.0.1", server.port(), io.mailpipe.account.Security.NONE, null,
                null, "shop@example.com", false, io.mailpipe.account.Limits.NONE, null, null, Duration.ofMillis(500));
        PooledMailSender s = sender(account, pipelining());

        Throwable thrown = catchThrowable(() -> s.send(message(s.account(), "hi", "a@example.com")));

        assertThat(thrown).isInstanceOf(SmtpTransactionException.class).hasMessageContaining("no reply came within 500 ms");
        assertThat(SmtpFailureClassifier.classify(thrown).reason()).isEqualTo(ReasonCode.DELIVERY_UNCERTAIN);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void sessionClosedByTheServerIsReplacedAndTheMessageSentOnce() throws Exception {
        server.closeAfterMessages = 1; // like a server that closed the idle session in the meantime
        PooledMailSender s = sender(account(server.port()), pipelining());
        s.send(message(s.account(), "one", "a@example.com"));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);

        MailpipeMimeMessage second = message(s.account(), "two", "a@example.com");
        s.send(second);

        assertThat(second.serverReply()).startsWith("250");
        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.messages()).hasSize(2);
    }

    @Test
    void rsetAnswered421IsAStaleSessionTooAndTheMessageGoesOutOnANewOne() throws Exception {
        PooledMailSender s = sender(account(server.port()), pipelining());
        s.send(message(s.account(), "one", "a@example.com"));
        server.refuseRset = true;

        s.send(message(s.account(), "two", "a@example.com"));

        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.messages()).hasSize(2);
    }

    @Test
    void aSessionCarriesAtMostMaxMessagesPerConnection() throws Exception {
        PooledMailSender s = sender(account(server.port()), settings(SmtpSettings.PIPELINING, 2, Duration.ofSeconds(30)));
        for (int i = 0; i < 5; i++) {
            s.send(message(s.account(), "m" + i, "a@example.com"));
        }
        assertThat(server.connections()).isEqualTo(3);
        assertThat(server.messages()).hasSize(5);
        assertThat(server.commands()).filteredOn("QUIT"::equals).hasSize(2);
    }

    @Test
    void idleSessionsAreClosed() throws Exception {
        PooledMailSender s = sender(account(server.port()), settings(SmtpSettings.PIPELINING, 1000, Duration.ofMillis(200)));
        s.send(message(s.account(), "one", "a@example.com"));
        assertThat(s.openSessions()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> s.openSessions() == 0 && server.openConnections() == 0);
        assertThat(server.commands()).contains("QUIT");
    }

    @Test
    void closingTheSenderClosesItsSessions() throws Exception {
        PooledMailSender s = sender(account(server.port()), pipelining());
        s.send(message(s.account(), "one", "a@example.com"));
        s.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        assertThat(catchThrowable(() -> s.send(message(s.account(), "late", "a@example.com"))))
                .hasMessageContaining("closed");
    }

    @Test
    void atMostConcurrencySessionsAreOpenAndCallersWaitForOne() throws Exception {
        server.finalReplyDelayMillis = 30;
        PooledMailSender s = sender(withConcurrency(account(server.port()), 3), pipelining());
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 36; i++) {
                MailpipeMimeMessage m = message(s.account(), "m" + i, "a@example.com");
                sends.add(threads.submit(() -> {
                    s.send(m);
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(server.messages()).hasSize(36);
        assertThat(server.mostOpenAtOnce()).isEqualTo(3);
        assertThat(server.connections()).isEqualTo(3);
    }

    @Test
    void eightBitBodyAsksForBody8BitMime() throws Exception {
        PooledMailSender s = sender(account(server.port()), pipelining());
        MailpipeMimeMessage m = message(s.account(), "x", "a@example.com");
        m.setText("Привет, 8 bit", "UTF-8");
        m.setHeader("Content-Transfer-Encoding", "8bit");
        m.saveChanges();
        m.setHeader("Content-Transfer-Encoding", "8bit");

        s.send(m);

        assertThat(transactionCommands().get(0)).endsWith(" BODY=8BITMIME");
    }

    @Test
    void internationalAddressGoesWithSmtpUtf8() throws Exception {
        PooledMailSender s = sender(account(server.port()), pipelining());
        MailpipeMimeMessage m = message(s.account(), "x", "иван@example.com");
        assertThat(m.requiresSmtpUtf8()).isTrue();

        s.send(m);

        assertThat(transactionCommands().get(0)).contains(" SMTPUTF8");
        assertThat(transactionCommands()).contains("RCPT TO:<иван@example.com>");
    }

    @Test
    void serverWithoutSmtpUtf8OrTooSmallGetsNothing() throws Exception {
        server.smtpUtf8 = false;
        PooledMailSender s = sender(account(server.port()), pipelining());
        Throwable utf8 = catchThrowable(() -> s.send(message(s.account(), "x", "иван@example.com")));
        MailpipeMimeMessage big = message(s.account(), "x", "a@example.com");
        big.freeze(new byte[20_000_000], "Bcc", "Content-Length"); // the server announces SIZE 10240000
        Throwable tooBig = catchThrowable(() -> s.send(big));

        assertThat(utf8).isInstanceOf(MessageRefusedBeforeSending.class);
        assertThat(((MessageRefusedBeforeSending) utf8).reason()).isEqualTo(ReasonCode.SMTPUTF8_UNSUPPORTED);
        assertThat(tooBig).isInstanceOf(MessageRefusedBeforeSending.class);
        assertThat(((MessageRefusedBeforeSending) tooBig).reason()).isEqualTo(ReasonCode.MESSAGE_TOO_LARGE);
        assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void aWriteThatHangsIsAbortedAfterTheTimeoutAndIsNoUncertainDelivery() throws Exception {
        server.stallAfterData = true;
        server.sizeLimit = 0;
        Account account = new Account("test", "127.0.0.1", server.port(), io.mailpipe.account.Security.NONE, null,
                null, "shop@example.com", false, io.mailpipe.account.Limits.NONE, null, null, Duration.ofMillis(500));
        PooledMailSender s = sender(account, pipelining());
        MailpipeMimeMessage big = message(account, "0123456789".repeat(3_000_000), "a@example.com"); // 30 MB

        long started = System.nanoTime();
        Throwable thrown = catchThrowable(() -> s.send(big));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(thrown).isNotNull().isNotInstanceOf(DeliveryUncertainException.class);
        assertThat(SmtpFailureClassifier.classify(thrown).reason()).isEqualTo(ReasonCode.CONNECTION_FAILED);
        assertThat(s.openSessions()).isZero();
    }
}
