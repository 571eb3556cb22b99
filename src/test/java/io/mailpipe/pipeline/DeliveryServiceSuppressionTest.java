package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.DLQ;
import static io.mailpipe.pipeline.DeliveryHarness.OUTCOMES;
import static io.mailpipe.pipeline.DeliveryHarness.RETRY;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.topics;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.suppression.SuppressionEntry;
import io.mailpipe.suppression.SuppressionState;
import jakarta.mail.internet.InternetAddress;

/** The send path and the suppression list: all suppressed is SUPPRESSED (nothing sent), some suppressed are left out. */
class DeliveryServiceSuppressionTest {

    private final SuppressionState list = new SuppressionState();
    private final DeliveryHarness h = new DeliveryHarness(list, account("a", 10, null, null));

    private void suppress(String address) {
        list.put(new SuppressionEntry(address, "hard_bounce", Instant.parse("2030-01-01T00:00:00Z"), "bounce:x#0", null));
    }

    @Test
    void everyRecipientSuppressedIsSuppressedWithoutSendOrQuota() {
        suppress("ann@example.org");
        Delivery d = h.attempt(h.onRequests("s-1", DeliveryHarness.request("s-1")), h.accepts());
        assertThat(d.readyToSend()).isFalse();
        var records = h.publish(d);
        assertThat(topics(records)).containsExactly(OUTCOMES);
        assertThat(d.outcome().status()).isEqualTo(Status.SUPPRESSED);
        assertThat(d.outcome().reasonCode()).isEqualTo(ReasonCode.SUPPRESSED.code());
        assertThat(d.isTerminal()).isTrue();
        assertThat(h.selector.acquired.get()).isZero();
        DeliveryHarness.outcomeJson(records);
    }

    @Test
    void someSuppressedAreLeftOutOfTheEnvelopeAndReported() throws Exception {
        suppress("bob@example.org");
        String request = "{\"id\":\"s-2\",\"to\":[\"Ann <ann@example.org>\"],\"cc\":[\"Bob <BOB@example.org>\"],"
                + "\"subject\":\"Hi\",\"text\":\"Hello\"}";
        Delivery d = h.attempt(h.onRequests("s-2", request), h.accepts());
        assertThat(Arrays.stream(d.composed().message().envelopeRecipients()).map(a -> ((InternetAddress) a).getAddress()))
                .containsExactly("ann@example.org");
        // the headers still name everyone
        assertThat(d.composed().message().getHeader("Cc", null)).contains("BOB@example.org");
        var records = h.publish(d);
        assertThat(topics(records)).containsExactly(OUTCOMES);
        assertThat(d.outcome().status()).isEqualTo(Status.SENT);
        assertThat(d.outcome().reasonCode()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED.code());
        assertThat(d.outcome().rejectedRecipients()).singleElement().satisfies(r -> {
            assertThat(r.address()).isEqualTo("bob@example.org");
            assertThat(r.reasonCode()).isEqualTo("suppressed");
            assertThat(r.smtp()).isNull();
        });
        DeliveryHarness.outcomeJson(records);
    }

    @Test
    void nothingSuppressedChangesNothing() {
        suppress("someone-else@example.org");
        Delivery d = h.attempt(h.onRequests("s-3", DeliveryHarness.request("s-3")), h.accepts());
        var records = h.publish(d);
        assertThat(d.outcome().reasonCode()).isEqualTo(ReasonCode.ACCEPTED.code());
        assertThat(d.outcome().rejectedRecipients()).isNull();
        assertThat(topics(records)).doesNotContain(DLQ, RETRY);
        assertThat(List.of(d.outcome().status())).containsExactly(Status.SENT);
    }

    @Test
    void aRetryAfterAPartialAcceptanceStaysSentWhenTheRestIsSuppressedMeanwhile() {
        // attempt 1 reached ann, bob got a 4xx; now both are suppressed (ann, say, complained)
        suppress("ann@example.org");
        suppress("bob@example.org");
        String request = "{\"id\":\"s-4\",\"to\":[\"ann@example.org\",\"bob@example.org\"],\"subject\":\"Hi\",\"text\":\"Hello\"}";
        InboundRecord onRetry = h.onRetry("s-4", request, 2, DeliveryHarness.T0, DeliveryHarness.T0);
        List<RecordHeader> headers = new java.util.ArrayList<>(onRetry.headers());
        headers.add(new RecordHeader(io.mailpipe.kafka.MailpipeHeaders.RECIPIENTS_ACCEPTED, DeliveryHarness.utf8("ann@example.org")));
        InboundRecord retry = new InboundRecord(onRetry.topic(), onRetry.partition(), onRetry.offset(), onRetry.key(),
                onRetry.value(), headers);
        Delivery d = h.attempt(retry, h.accepts());
        assertThat(d.readyToSend()).isFalse();
        h.publish(d);
        assertThat(d.outcome().status()).isEqualTo(Status.SENT);
        assertThat(d.outcome().rejectedRecipients()).extracting(r -> r.address() + "/" + r.reasonCode())
                .containsExactly("bob@example.org/suppressed");
    }
}
