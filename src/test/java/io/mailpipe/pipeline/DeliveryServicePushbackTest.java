package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.header;
import static io.mailpipe.pipeline.DeliveryHarness.request;
import static io.mailpipe.pipeline.DeliveryHarness.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.Status;

/**
 * Issue 13 at the level of one attempt: a refusal no rule explains moves the message without blaming the account,
 * a second one blames the message, a refusal of MAIL FROM blames the account, and outcomes and retry records say
 * where the message was refused.
 */
class DeliveryServicePushbackTest {

    final Account a = account("a", null, null, null);
    final Account b = account("b", null, null, null);

    static SMTPSendFailedException unexplained() {
        return new SMTPSendFailedException(".", 554, "554 5.7.0 Message not accepted for policy reasons\n", null, null, null, null);
    }

    static SMTPSendFailedException senderRefused() {
        return new SMTPSendFailedException("MAIL FROM:<a@a.example>", 553,
                "553 5.7.1 Sorry, we cannot accept mail from this account right now\n", null, null, null, null);
    }

    @Test
    void anUnexplainedRefusalMovesTheMessageAndTheOutcomeSaysSo() {
        DeliveryHarness h = new DeliveryHarness(a, b);
        Delivery d = h.attempt(h.onRequests("u-1", request("u-1")), h.fails(unexplained()));
        assertThat(d.verdict()).isInstanceOfSatisfying(Verdict.Failover.class, f -> assertThat(f.unexplained()).isTrue());
        assertThat(d.readyToSend()).as("moved to b").isTrue();
        assertThat(d.account().name()).isEqualTo("b");
        h.accepts().accept(d);
        assertThat(d.verdict()).isInstanceOfSatisfying(Verdict.Sent.class,
                s -> assertThat(s.code()).isEqualTo(ReasonCode.ACCEPTED));

        h.publish(d);

        OutcomeEvent e = d.outcome();
        assertThat(e.status()).isEqualTo(Status.SENT);
        assertThat(e.account()).isEqualTo("b");
        assertThat(e.failovers()).singleElement().satisfies(f -> {
            assertThat(f.account()).isEqualTo("a");
            assertThat(f.scope()).isEqualTo("unexplained");
            assertThat(f.reasonCode()).isEqualTo("message_rejected");
            assertThat(f.smtp()).isEqualTo(new OutcomeEvent.Smtp(554, "5.7.0", "Message not accepted for policy reasons"));
            assertThat(f.attempt()).isEqualTo(1);
        });
    }

    @Test
    void aSecondAccountRefusingItTooEndsItFailed() {
        DeliveryHarness h = new DeliveryHarness(a, b);
        Delivery d = h.attempt(h.onRequests("u-2", request("u-2")), h.fails(unexplained()));
        h.fails(unexplained()).accept(d);
        assertThat(d.verdict()).as("refused by a second account: the message's").isInstanceOf(Verdict.Failed.class);

        h.publish(d);

        assertThat(d.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(d.outcome().reasonCode()).isEqualTo("message_rejected");
        assertThat(d.outcome().reason()).contains("by account 'a' too");
        assertThat(d.outcome().failovers()).extracting(OutcomeEvent.Failover::account).containsExactly("a");
    }

    @Test
    void withNoOtherAccountItIsTriedAgainLaterAndASecondRefusalEndsIt() {
        DeliveryHarness h = new DeliveryHarness(a);
        Delivery first = h.attempt(h.onRequests("u-3", request("u-3")), h.fails(unexplained()));
        List<ProducerRecord<byte[], byte[]>> records = h.publish(first);

        assertThat(first.outcome().status()).isEqualTo(Status.DEFERRED);
        assertThat(first.outcome().reasonCode()).isEqualTo("refusal_unexplained");
        ProducerRecord<byte[], byte[]> retry = single(DeliveryHarness.RETRY, records);
        assertThat(header(retry, MailpipeHeaders.ATTEMPT)).as("an attempt: it may be the message").isEqualTo("2");
        List<OutcomeEvent.Failover> carried = OutcomeJson.readFailovers(header(retry, MailpipeHeaders.FAILOVERS));
        assertThat(carried).singleElement().satisfies(f -> assertThat(f.scope()).isEqualTo("unexplained"));

        h.clock.set(java.time.Instant.parse(header(retry, MailpipeHeaders.NOT_BEFORE)));
        Delivery second = h.attempt(retried(h, "u-3", retry), h.fails(unexplained()));
        h.publish(second);

        assertThat(second.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(second.outcome().reason()).contains("again by account 'a'");
        assertThat(second.outcome().failovers()).as("the history travels with the request").hasSize(1);
    }

    @Test
    void aRefusedSenderIsTheAccountsAndTheMessageMovesOn() {
        DeliveryHarness h = new DeliveryHarness(a, b);
        Delivery d = h.attempt(h.onRequests("m-1", request("m-1")), h.fails(senderRefused()));
        h.accepts().accept(d);
        h.publish(d);

        assertThat(d.outcome().status()).isEqualTo(Status.SENT);
        assertThat(d.outcome().failovers()).singleElement().satisfies(f -> {
            assertThat(f.scope()).isEqualTo("account");
            assertThat(f.reasonCode()).isEqualTo("account_refused");
        });
    }

    @Test
    void aRefusedSenderWithNoOtherAccountWaitsWithoutUsingAnAttempt() {
        DeliveryHarness h = new DeliveryHarness(a);
        Delivery d = h.attempt(h.onRequests("m-2", request("m-2")), h.fails(senderRefused()));
        List<ProducerRecord<byte[], byte[]>> records = h.publish(d);

        assertThat(d.outcome().status()).isEqualTo(Status.DEFERRED);
        assertThat(d.outcome().reasonCode()).isEqualTo("account_refused");
        assertThat(header(single(DeliveryHarness.RETRY, records), MailpipeHeaders.ATTEMPT)).isEqualTo("1");
    }

    /** The retry record as the retry consumer reads it. */
    static InboundRecord retried(DeliveryHarness h, String key, ProducerRecord<byte[], byte[]> retry) {
        Headers headers = retry.headers();
        return new InboundRecord(DeliveryHarness.RETRY, 1, 99, key.getBytes(StandardCharsets.UTF_8), retry.value(),
                DeliveryHarness.pipelineHeaders(headers));
    }
}
