package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.testing.ScriptedSmtpServer;

/**
 * {@link AccountMailSender} against a real SMTP server: only a missing reply to the final dot is a
 * {@link DeliveryUncertainException}; the classifier makes it DELIVERY_UNCERTAIN with scope MESSAGE.
 */
class UncertainAwareSmtpTransportTest {

    private final ScriptedSmtpServer server = new ScriptedSmtpServer();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aConnectionClosedAfterTheDataIsUncertain() throws Exception {
        server.dropAfterData(1);
        AccountMailSender sender = sender(server.port(), Duration.ofSeconds(10));
        assertThatThrownBy(() -> sender.send(message("m1"))).satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
        assertThat(server.droppedAfterData()).hasSize(1);
        // the drop was used up: the next message is accepted
        assertThat(catchSend(sender, "m1")).isNull();
        assertThat(server.accepted()).hasSize(1);
    }

    @Test
    void aReplyThatDoesNotComeInTimeIsUncertain() throws Exception {
        server.slowData(Duration.ofSeconds(3));
        MessagingException e = catchSend(sender(server.port(), Duration.ofMillis(700)), "m2");
        assertThat(e).satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
        SendFailure failure = SmtpFailureClassifier.classify(e);
        assertThat(failure.reason()).isEqualTo(ReasonCode.DELIVERY_UNCERTAIN);
        assertThat(failure.scope()).isEqualTo(SendFailure.Scope.MESSAGE);
    }

    @Test
    void noServerAndRefusalsAreNotUncertain() throws Exception {
        MessagingException refused = catchSend(sender(ScriptedSmtpServer.freePort(), Duration.ofSeconds(2)), "m3");
        assertThat(refused).satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isNotEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
        assertThat(SmtpFailureClassifier.classify(refused).reason()).isEqualTo(ReasonCode.CONNECTION_FAILED);

        server.nextDataReply(451, "4.3.0 try later");
        MessagingException replied = catchSend(sender(server.port(), Duration.ofSeconds(5)), "m4");
        assertThat(replied).satisfies(t -> assertThat(SmtpFailureClassifier.classify(t).reason()).isNotEqualTo(io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN));
        assertThat(SmtpFailureClassifier.classify(replied).reason()).isEqualTo(ReasonCode.TEMPORARY_FAILURE);
    }

    private static MessagingException catchSend(AccountMailSender sender, String id) throws Exception {
        try {
            sender.send(message(id));
            return null;
        } catch (MessagingException e) {
            return e;
        }
    }

    private static AccountMailSender sender(int port, Duration timeout) {
        return new AccountMailSender(new Account("a", "127.0.0.1", port, Security.NONE, null, null, "a@a.example", false,
                Limits.NONE, null, null, timeout));
    }

    private static MimeMessage message(String id) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("a@a.example"));
        m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress("r@example.org"));
        m.setSubject("s");
        m.setHeader("X-Mailpipe-Id", id);
        m.setText("body");
        m.saveChanges();
        return m;
    }
}
