package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.DLQ;
import static io.mailpipe.pipeline.DeliveryHarness.OUTCOMES;
import static io.mailpipe.pipeline.DeliveryHarness.RETRY;
import static io.mailpipe.pipeline.DeliveryHarness.RETRY_SETTINGS;
import static io.mailpipe.pipeline.DeliveryHarness.T0;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.header;
import static io.mailpipe.pipeline.DeliveryHarness.outcomeJson;
import static io.mailpipe.pipeline.DeliveryHarness.request;
import static io.mailpipe.pipeline.DeliveryHarness.single;
import static io.mailpipe.pipeline.DeliveryHarness.text;
import static io.mailpipe.pipeline.DeliveryHarness.topics;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.account.Account;
import io.mailpipe.config.RetrySettings;
import io.mailpipe.config.UncertainPolicy;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.smtp.DeliveryUncertainException;

/**
 * An uncertain delivery (the data was sent, no reply came): retry-once resends once after retry.uncertainWait with
 * the same Message-ID, then holds; hold holds at once; never a failover to another account.
 */
class DeliveryServiceUncertainTest {

    private static final DeliveryUncertainException UNCERTAIN = new DeliveryUncertainException(
            "the message was sent completely, but the server closed the connection without replying to it",
            new EOFException("closed"));

    private final Account a = account("a", 100, null, null);
    private final Account b = account("b", 100, null, null);

    @Test
    void retryOnceResendsOnceAfterTheWaitThroughTheSameAccountThenHolds() {
        DeliveryHarness h = new DeliveryHarness(RETRY_SETTINGS.withUncertain(UncertainPolicy.RETRY_ONCE, Duration.ofMinutes(7)), a, b);
        Delivery first = h.attempt(h.onRequests("u1", request("u1")), h.fails(UNCERTAIN));
        List<ProducerRecord<byte[], byte[]>> records = h.publish(first);

        assertThat(topics(records)).containsExactly(OUTCOMES, RETRY);
        JsonNode event = outcomeJson(records);
        assertThat(event.get("status").asText()).isEqualTo("DEFERRED");
        assertThat(event.get("reasonCode").asText()).isEqualTo("uncertain_retry");
        assertThat(event.get("account").asText()).as("no failover to another account").isEqualTo("a");
        assertThat(event.get("retryAt").asText()).isEqualTo(T0.plus(Duration.ofMinutes(7)).toString());
        String messageId = event.get("messageId").asText();
        ProducerRecord<byte[], byte[]> retry = single(RETRY, records);
        assertThat(header(retry, MailpipeHeaders.UNCERTAIN_AT)).isEqualTo(T0.toString());
        assertThat(header(retry, MailpipeHeaders.ATTEMPT)).isEqualTo("2");

        // the resend is uncertain too: held, dead-lettered for a human, never a third send
        h.clock.set(T0.plus(Duration.ofMinutes(8)));
        Delivery second = h.attempt(asRead(retry), h.fails(UNCERTAIN));
        assertThat(second.composed.messageId()).as("same Message-ID on the resend").isEqualTo(messageId);
        List<ProducerRecord<byte[], byte[]>> held = h.publish(second);
        assertThat(topics(held)).containsExactly(OUTCOMES, DLQ);
        JsonNode heldEvent = outcomeJson(held);
        assertThat(heldEvent.get("status").asText()).isEqualTo("UNCERTAIN");
        assertThat(heldEvent.get("reasonCode").asText()).isEqualTo("delivery_uncertain");
        assertThat(heldEvent.get("reason").asText()).contains("one resend");
        ProducerRecord<byte[], byte[]> dead = single(DLQ, held);
        assertThat(header(dead, MailpipeHeaders.DLQ_STATUS)).isEqualTo("UNCERTAIN");
        assertThat(header(dead, MailpipeHeaders.DLQ_ERROR_CLASS)).isEqualTo(DeliveryUncertainException.class.getName());
    }

    @Test
    void aResendThatFailsForAnotherCauseKeepsTheMarkSoALaterUncertaintyHolds() {
        DeliveryHarness h = new DeliveryHarness(RETRY_SETTINGS.withUncertain(UncertainPolicy.RETRY_ONCE, Duration.ofSeconds(1)), a);
        ProducerRecord<byte[], byte[]> retry = single(RETRY, h.publish(h.attempt(h.onRequests("u2", request("u2")), h.fails(UNCERTAIN))));
        h.clock.set(T0.plus(Duration.ofSeconds(2)));
        ProducerRecord<byte[], byte[]> again = single(RETRY, h.publish(h.attempt(asRead(retry), h.fails(
                new org.eclipse.angus.mail.smtp.SMTPSendFailedException(".", 451, "451 4.3.0 try later\n", null, null, null, null)))));
        assertThat(header(again, MailpipeHeaders.UNCERTAIN_AT)).as("the mark stays on later retries").isEqualTo(T0.toString());
        h.clock.set(T0.plus(Duration.ofMinutes(5)));
        JsonNode held = outcomeJson(h.publish(h.attempt(asRead(again), h.fails(UNCERTAIN))));
        assertThat(held.get("status").asText()).isEqualTo("UNCERTAIN");
    }

    @Test
    void holdEndsTheRequestAtOnce() {
        DeliveryHarness h = new DeliveryHarness(RETRY_SETTINGS.withUncertain(UncertainPolicy.HOLD, null), a, b);
        List<ProducerRecord<byte[], byte[]>> records = h.publish(h.attempt(h.onRequests("u3", request("u3")), h.fails(UNCERTAIN)));
        assertThat(topics(records)).containsExactly(OUTCOMES, DLQ);
        JsonNode event = outcomeJson(records);
        assertThat(event.get("status").asText()).isEqualTo("UNCERTAIN");
        assertThat(event.get("reason").asText()).contains("retry.uncertain is hold");
        assertThat(text(single(DLQ, records).value())).isEqualTo(request("u3"));
    }

    @Test
    void aResendTooLateForNotAfterIsHeldNotExpired() {
        DeliveryHarness h = new DeliveryHarness(RETRY_SETTINGS.withUncertain(UncertainPolicy.RETRY_ONCE, Duration.ofHours(1)), a);
        Instant notAfter = T0.plus(Duration.ofMinutes(30));
        JsonNode event = outcomeJson(h.publish(h.attempt(h.onRequests("u4", request("u4", ",\"notAfter\":\"" + notAfter + "\"")),
                h.fails(UNCERTAIN))));
        assertThat(event.get("status").asText()).isEqualTo("UNCERTAIN");
        assertThat(event.get("reason").asText()).contains("not resent");
    }

    @Test
    void defaultsAreRetryOnceAfterTenMinutes() {
        RetrySettings d = RetrySettings.defaults();
        assertThat(d.uncertain()).isEqualTo(UncertainPolicy.RETRY_ONCE);
        assertThat(d.uncertainWait()).isEqualTo(Duration.ofMinutes(10));
        assertThat(UncertainPolicy.of("hold")).isEqualTo(UncertainPolicy.HOLD);
        assertThat(UncertainPolicy.of("retry-once")).isEqualTo(UncertainPolicy.RETRY_ONCE);
    }

    /** A record as the worker reads it back from mail.retry. */
    private static InboundRecord asRead(ProducerRecord<byte[], byte[]> record) {
        return new InboundRecord(record.topic(), 0, 77, record.key(), record.value(),
                DeliveryHarness.pipelineHeaders(record.headers()));
    }
}
