package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.ContractSchemas;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/** A scripted SMTP server (SubEthaSMTP) answers 4xx and 5xx: DEFERRED then SENT, FAILED, partial acceptance. */
class SmtpRepliesIT {

    static ScriptedSmtpServer smtp;
    static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        smtp = new ScriptedSmtpServer()
                .refuseRecipient("nobody@example.org", 550, "5.1.1 <nobody@example.org>: Recipient address rejected: User unknown");
        pipeline = RunningPipeline.start("replies",
                List.of(TestWorkers.account("scripted", smtp.port(), "Shop <shop@shop.example>", false, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        smtp.close();
    }

    @Test
    void temporaryFailureIsDeferredThenSentOnRetry() {
        smtp.nextDataReply(451, "4.3.0 Temporary local problem, try again later");
        pipeline.send("r-451", """
                {"id":"r-451","to":["ok@example.org"],"subject":"retry me","text":"t"}""");
        List<OutcomeEvent> events = pipeline.awaitTerminal("r-451");
        assertThat(events).extracting(OutcomeEvent::status).containsExactly(Status.DEFERRED, Status.SENT);
        OutcomeEvent deferred = events.get(0);
        assertThat(deferred.attempt()).isEqualTo(1);
        assertThat(deferred.reasonCode()).isEqualTo("temporary_failure");
        assertThat(deferred.smtp().code()).isEqualTo(451);
        assertThat(deferred.smtp().enhanced()).isEqualTo("4.3.0");
        assertThat(deferred.retryAt()).isAfter(deferred.at());
        OutcomeEvent sent = events.get(1);
        assertThat(sent.attempt()).isEqualTo(2);
        assertThat(sent.messageId()).as("a retry keeps the Message-ID").isEqualTo(deferred.messageId());
        assertThat(sent.at()).isAfterOrEqualTo(deferred.retryAt());
        assertThat(smtp.acceptedFor("r-451")).isEqualTo(1);
    }

    @Test
    void aLargeRequestIsCopiedToTheRetryTopicAndSentOnRetry() {
        // 3 MB is beyond Kafka's 1 MB defaults: topics and producer must allow worker.maxRequestBytes
        byte[] pdf = new byte[3 * 1024 * 1024];
        new java.util.Random(42).nextBytes(pdf);
        String content = java.util.Base64.getEncoder().encodeToString(pdf);
        smtp.nextDataReply(451, "4.3.0 Try again later");
        pipeline.send("r-large", "{\"id\":\"r-large\",\"to\":[\"ok@example.org\"],\"subject\":\"large\",\"text\":\"see attachment\","
                + "\"attachments\":[{\"filename\":\"report.pdf\",\"contentType\":\"application/pdf\",\"content\":\"" + content + "\"}]}");
        List<OutcomeEvent> events = pipeline.awaitTerminal("r-large");
        assertThat(events).extracting(OutcomeEvent::status).containsExactly(Status.DEFERRED, Status.SENT);
        assertThat(smtp.acceptedFor("r-large")).isEqualTo(1);
    }

    @Test
    void recipientsRefusedWith4xxGetAnotherAttemptWithoutResendingToTheOthers() {
        smtp.refuseRecipientOnce("busy@example.org", 450, "4.2.1 Mailbox busy, try again later");
        pipeline.send("r-busy", """
                {"id":"r-busy","to":["ok2@example.org","busy@example.org","nobody@example.org"],"subject":"s","text":"t"}""");
        List<OutcomeEvent> events = pipeline.awaitTerminal("r-busy");
        assertThat(events).extracting(OutcomeEvent::status).containsExactly(Status.DEFERRED, Status.SENT);
        OutcomeEvent deferred = events.get(0);
        assertThat(deferred.reasonCode()).isEqualTo("partially_deferred");
        assertThat(deferred.rejectedRecipients()).extracting(r -> r.address() + " " + r.smtp().code())
                .containsExactlyInAnyOrder("busy@example.org 450", "nobody@example.org 550");
        OutcomeEvent sent = events.get(1);
        assertThat(sent.reasonCode()).isEqualTo("partially_accepted");
        assertThat(sent.attempt()).isEqualTo(2);
        assertThat(sent.rejectedRecipients()).extracting(r -> r.address()).containsExactly("nobody@example.org");
        var messages = smtp.acceptedMessagesFor("r-busy");
        assertThat(messages).hasSize(2);
        assertThat(smtp.envelopeOf(messages.get(0))).containsExactly("ok2@example.org");
        assertThat(smtp.envelopeOf(messages.get(1))).as("the retry goes only to the deferred recipient")
                .containsExactly("busy@example.org");
    }

    @Test
    void unknownRecipientFailsWithCodeAndEnhancedCode() {
        pipeline.send("r-550", """
                {"id":"r-550","to":["nobody@example.org"],"subject":"to nobody","text":"t"}""");
        List<OutcomeEvent> events = pipeline.awaitTerminal("r-550");
        assertThat(events).hasSize(1);
        OutcomeEvent failed = events.get(0);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.reasonCode()).isEqualTo("recipient_rejected");
        assertThat(failed.smtp().code()).isEqualTo(550);
        assertThat(failed.smtp().enhanced()).isEqualTo("5.1.1");
        assertThat(failed.smtp().text()).contains("User unknown");
        assertThat(smtp.acceptedFor("r-550")).isZero();
    }

    @Test
    void oneRefusedRecipientAmongOthersIsReportedWhileTheMessageIsSent() {
        pipeline.send("r-partial", """
                {"id":"r-partial","to":["ok@example.org","nobody@example.org"],"subject":"partial","text":"t"}""");
        List<OutcomeEvent> events = pipeline.awaitTerminal("r-partial");
        assertThat(events).hasSize(1);
        OutcomeEvent sent = events.get(0);
        assertThat(sent.status()).isEqualTo(Status.SENT);
        assertThat(sent.reasonCode()).isEqualTo("partially_accepted");
        assertThat(sent.rejectedRecipients()).singleElement().satisfies(r -> {
            assertThat(r.address()).isEqualTo("nobody@example.org");
            assertThat(r.smtp().code()).isEqualTo(550);
            assertThat(r.smtp().enhanced()).isEqualTo("5.1.1");
        });
        assertThat(smtp.acceptedFor("r-partial")).isEqualTo(1);
        ContractSchemas.assertValidOutcomes(pipeline.outcomes.records());
    }
}
