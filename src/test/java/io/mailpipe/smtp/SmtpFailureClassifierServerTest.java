package io.mailpipe.smtp;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.compose.ComposedMessage;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.compose.MessageSpec;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure.Scope;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The classifier on the exceptions Angus really throws, against a SubEthaSMTP server on a free loopback port
 * that answers by recipient: {@code unknown@} gets 550 5.1.1 at RCPT TO, {@code throttled@} gets a 451 4.7.1 rate
 * limit at RCPT TO, {@code tempfail@} gets 451 4.3.0 after DATA, {@code spamtrap@} gets a 554 5.7.1 spam refusal
 * after DATA, a sender {@code blocked@} gets 553 5.7.1 at MAIL FROM; everything else is accepted.
 */
class SmtpFailureClassifierServerTest {

    private static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    private static SMTPServer server;
    private static Session session;

    @BeforeAll
    static void startServer() {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("mx.test")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(ScriptedHandler::new)
                .build();
        server.start();
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.getPortAllocated()));
        props.put("mail.smtp.localhost", "client.test"); // EHLO name without a DNS look-up
        props.put("mail.smtp.sendpartial", "true");
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        session = Session.getInstance(props);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void oneRecipientUnknownIsPartiallyAccepted() throws Exception {
        Throwable thrown = send("shop@example.com", "good@example.com", "unknown@example.com");

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(failure.scope()).isEqualTo(Scope.RECIPIENT);
        assertThat(failure.reply().code()).isEqualTo(250);
        assertThat(failure.rejectedRecipients()).containsExactly(new RecipientFailure("unknown@example.com",
                new SmtpReply(550, "5.1.1", "<unknown@example.com>: Recipient address rejected: User unknown")));
    }

    @Test
    void everyRecipientUnknownIsRecipientRejected() throws Exception {
        Throwable thrown = send("shop@example.com", "unknown@example.com");

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.RECIPIENT_REJECTED);
        assertThat(failure.scope()).isEqualTo(Scope.RECIPIENT);
        assertThat(failure.reply().code()).isEqualTo(550);
        assertThat(failure.reply().enhanced()).isEqualTo("5.1.1");
        assertThat(failure.rejectedRecipients()).extracting(RecipientFailure::address).containsExactly("unknown@example.com");
    }

    @Test
    void rateLimitAtRcptAfterAnAcceptedRecipientIsTheAccounts() throws Exception {
        Throwable thrown = send("shop@example.com", "good@example.com", "throttled@example.com");

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(failure.scope()).as("the rest should go through another account").isEqualTo(Scope.ACCOUNT);
        assertThat(failure.rejectedRecipients()).extracting(RecipientFailure::address).containsExactly("throttled@example.com");
    }

    @Test
    void rateLimitAtRcptForEveryRecipientIsRateLimited() throws Exception {
        Throwable thrown = send("shop@example.com", "unknown@example.com", "throttled@example.com");

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.RATE_LIMITED);
        assertThat(failure.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(failure.reply()).isEqualTo(new SmtpReply(451, "4.7.1",
                "<throttled@example.com>: Ratelimit exceeded for mailbox shop@example.com. Try again later."));
        assertThat(failure.rejectedRecipients()).extracting(RecipientFailure::address)
                .containsExactly("unknown@example.com", "throttled@example.com");
    }

    @Test
    void spamRefusalAfterDataBlocksTheAccount() throws Exception {
        Throwable thrown = send("shop@example.com", "spamtrap@example.com");

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.ACCOUNT_BLOCKED);
        assertThat(failure.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(failure.detail()).isEqualTo("DATA replied 554 5.7.1 [2] Message rejected under suspicion of SPAM");
    }

    @Test
    void temporaryFailureAfterDataIsTemporary() throws Exception {
        Throwable thrown = send("shop@example.com", "tempfail@example.com");

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.TEMPORARY_FAILURE);
        assertThat(failure.scope()).as("no rule explains it: behaviour decides").isEqualTo(Scope.UNEXPLAINED);
        assertThat(failure.reply()).isEqualTo(new SmtpReply(451, "4.3.0", "Temporary local problem, try again later"));
        assertThat(failure.detail()).isEqualTo("DATA replied 451 4.3.0 Temporary local problem, try again later");
    }

    @Test
    void refusedSenderIsMessageRejected() throws Exception {
        Throwable thrown = send("blocked@example.com", "good@example.com");

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.MESSAGE_REJECTED);
        assertThat(failure.scope()).isEqualTo(Scope.MESSAGE);
        assertThat(failure.reply().code()).isEqualTo(553);
        assertThat(failure.reply().enhanced()).isEqualTo("5.7.1");
    }

    @Test
    void closedPortIsConnectionFailed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Throwable thrown = catchThrowable(() -> {
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect("127.0.0.1", closedPort, null, null);
            }
        });

        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.CONNECTION_FAILED);
        assertThat(failure.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(failure.reply()).isNull();
    }

    @Test
    void composedMessageIsSentWithItsMessageIdAndWithoutBcc() throws Exception {
        Account account = new Account("test", "127.0.0.1", server.getPortAllocated(), Security.NONE, null, null,
                "Shop <shop@example.com>", false, Limits.NONE, null, null, Duration.ofSeconds(5));
        MessageSpec spec = new MessageSpec("req-42", null, null, List.of("Иван <good@example.com>"), List.of(),
                List.of("hidden@example.com"), "Привет", "Текст", null, null, null, null);
        ComposedMessage composed = new MessageComposer().compose(spec, account, session);
        RECEIVED.clear();

        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(composed.message(), addresses(composed.envelopeRecipients()));
            composed.message().recordServerReply(transport.getLastServerResponse());
        }

        assertThat(SmtpReply.parse(composed.message().serverReply()))
                .isEqualTo(new SmtpReply(250, "2.0.0", "Ok: queued as TEST1"));
        assertThat(RECEIVED).hasSize(1);
        String data = RECEIVED.get(0);
        assertThat(data).contains("Message-ID: " + composed.messageId()).doesNotContain("hidden@example.com");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        composed.message().writeTo(written, new String[] {"Bcc", "Content-Length"});
        assertThat(written.size()).isEqualTo(composed.sizeBytes());
        // Angus ends DATA with a CRLF before the dot when the message does not end with one (base64 bodies don't)
        String expected = written.toString(StandardCharsets.ISO_8859_1);
        assertThat(data).isEqualTo(expected.endsWith("\r\n") ? expected : expected + "\r\n");
    }

    // --- helpers

    private static Throwable send(String from, String... to) throws MessagingException {
        jakarta.mail.internet.MimeMessage message = new jakarta.mail.internet.MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setSubject("test");
        message.setText("body");
        message.saveChanges();
        Throwable thrown = catchThrowable(() -> {
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect();
                transport.sendMessage(message, addresses(List.of(to)));
            }
        });
        assertThat(thrown).as("the send should fail").isNotNull();
        return thrown;
    }

    private static Address[] addresses(List<String> values) throws MessagingException {
        List<Address> result = new ArrayList<>();
        for (String value : values) {
            result.add(new InternetAddress(value));
        }
        return result.toArray(new Address[0]);
    }

    /** Replies by address, the way a real MTA would. */
    private static final class ScriptedHandler implements MessageHandler {
        private final List<String> recipients = new ArrayList<>();

        ScriptedHandler(MessageContext context) {
        }

        @Override
        public void from(String from) throws RejectException {
            if (from.startsWith("blocked@")) {
                throw new RejectException(553, "5.7.1 <" + from + ">: Sender address rejected: not owned by user");
            }
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            if (recipient.startsWith("unknown@")) {
                // Postfix: 550 5.1.1 <unknown@example.com>: Recipient address rejected: User unknown in local recipient table
                throw new RejectException(550, "5.1.1 <" + recipient + ">: Recipient address rejected: User unknown");
            }
            if (recipient.startsWith("throttled@")) {
                // mail.ru: 451 Ratelimit exceeded for mailbox shop@mail.ru. Try again later.
                throw new RejectException(451, "4.7.1 <" + recipient + ">: Ratelimit exceeded for mailbox shop@example.com. Try again later.");
            }
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] bytes = data.readAllBytes();
            if (recipients.stream().anyMatch(r -> r.startsWith("tempfail@"))) {
                throw new RejectException(451, "4.3.0 Temporary local problem, try again later");
            }
            if (recipients.stream().anyMatch(r -> r.startsWith("spamtrap@"))) {
                // Yandex: 554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc ...
                throw new RejectException(554, "5.7.1 [2] Message rejected under suspicion of SPAM");
            }
            RECEIVED.add(new String(bytes, StandardCharsets.ISO_8859_1));
            return "2.0.0 Ok: queued as TEST1";
        }

        @Override
        public void done() {
        }
    }
}
