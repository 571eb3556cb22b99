package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.contents;
import static io.mailpipe.pipeline.DeliveryHarness.DLQ;
import static io.mailpipe.pipeline.DeliveryHarness.OUTCOMES;
import static io.mailpipe.pipeline.DeliveryHarness.RETRY;
import static io.mailpipe.pipeline.DeliveryHarness.T0;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.request;
import static io.mailpipe.pipeline.DeliveryHarness.topics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.mailpipe.account.Account;
import io.mailpipe.ledger.RequestLedger;

/**
 * {@link DeliveryService} and the ledger: an id that finished is skipped without sending or publishing; a send
 * whose outcome Kafka did not acknowledge is published again instead of sent again; a deferred id is processed again.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeliveryServiceDuplicateTest {

    private final Account a = account("a", 100, null, null);
    private final DeliveryHarness h = new DeliveryHarness(a);

    /** How the first record of id "dup" ended (published and acknowledged); its terminal outcomes. */
    static Stream<Arguments> finishedFirst() {
        return Stream.of(
                arguments("SENT", (Function<DeliveryHarness, InboundRecord>) x -> x.onRequests("dup", request("dup"))),
                arguments("REJECTED", (Function<DeliveryHarness, InboundRecord>) x -> x.onRequests("dup",
                        request("dup", ",\"account\":\"nope\""))),
                arguments("REJECTED malformed, id from the key",
                        (Function<DeliveryHarness, InboundRecord>) x -> x.onRequests("dup", "{oops")),
                arguments("EXPIRED", (Function<DeliveryHarness, InboundRecord>) x -> x.onRequests("dup",
                        request("dup", ",\"notAfter\":\"" + T0.minusSeconds(1) + "\""))));
    }

    @ParameterizedTest(name = "first ended {0}")
    @MethodSource("finishedFirst")
    void secondRecordOfAFinishedIdIsSkipped(String name, Function<DeliveryHarness, InboundRecord> first) {
        Delivery d1 = h.attempt(first.apply(h), h.accepts());
        assertThat(h.publish(d1)).isNotEmpty();
        assertThat(d1.isTerminal()).isTrue();
        int acquired = h.selector.acquired.get();

        Delivery d2 = h.attempt(h.onRequests("dup", request("dup")), h.accepts());
        List<ProducerRecord<byte[], byte[]>> records = h.publish(d2);

        assertThat(d2.isDuplicate()).isTrue();
        assertThat(d2.readyToSend()).isFalse();
        assertThat(d2.claim()).as("nothing claimed").isNull();
        assertThat(records).isEmpty();
        assertThat(d2.outcome()).isNull();
        assertThat(h.selector.acquired.get()).as("no quota taken").isEqualTo(acquired);
        assertThat(h.service.describe(d2)).isEqualTo("duplicate, skipped");
    }

    @Test
    void retryRecordOfAnIdThatFinishedMeanwhileIsSkipped() {
        h.publish(h.attempt(h.onRequests("dup-r", request("dup-r")), h.accepts()));

        Delivery retry = h.prepare(h.onRetry("dup-r", request("dup-r"), 2, T0.plusSeconds(60), T0));

        assertThat(retry.isDuplicate()).isTrue();
        assertThat(h.conclude(retry)).as("not even put back on the retry topic").isEmpty();
    }

    @Test
    void deferredIdIsProcessedAgain() {
        Delivery first = h.attempt(h.onRequests("again", request("again")),
                h.fails(new SMTPSendFailedException(".", 451, "451 4.3.0 later\n", null, null, null, null)));
        assertThat(topics(h.publish(first))).containsExactly(OUTCOMES, RETRY);

        h.clock.advance(Duration.ofMinutes(1));
        Delivery second = h.attempt(h.onRetry("again", request("again"), 2, T0.plusSeconds(40), T0), h.accepts());

        assertThat(second.isDuplicate()).isFalse();
        assertThat(second.account()).isEqualTo(a);
        assertThat(topics(h.publish(second))).containsExactly(OUTCOMES);
        assertThat(second.outcome().attempt()).isEqualTo(2);
        assertThat(h.ledger.isFinished("again")).isTrue();
    }

    /** How the send went whose records Kafka did not acknowledge, and whether they ended the request. */
    static Stream<Arguments> unacknowledgedSends() {
        return Stream.of(
                arguments("accepted", (Function<DeliveryHarness, java.util.function.Consumer<Delivery>>) DeliveryHarness::accepts,
                        true, List.of(OUTCOMES)),
                arguments("451", (Function<DeliveryHarness, java.util.function.Consumer<Delivery>>) x -> x.fails(
                        new SMTPSendFailedException(".", 451, "451 4.3.0 later\n", null, null, null, null)),
                        false, List.of(OUTCOMES, RETRY)),
                arguments("554", (Function<DeliveryHarness, java.util.function.Consumer<Delivery>>) x -> x.fails(
                        new SMTPSendFailedException(".", 554, "554 5.7.1 Message content rejected\n", null, null, null, null)),
                        true, List.of(OUTCOMES)));
    }

    @ParameterizedTest(name = "send {0}, publish not acknowledged")
    @MethodSource("unacknowledgedSends")
    void sendWhoseOutcomeWasNotAcknowledgedIsPublishedAgainNotSentAgain(
            String name, Function<DeliveryHarness, java.util.function.Consumer<Delivery>> smtp, boolean terminal,
            List<String> expectedTopics) {
        Delivery first = h.attempt(h.onRequests("unacked", request("unacked")), smtp.apply(h));
        List<ProducerRecord<byte[], byte[]>> unacknowledged = h.publishUnacknowledged(first);
        assertThat(topics(unacknowledged)).isEqualTo(expectedTopics);
        assertThat(h.ledger.pending("unacked", Conclusion.class)).get().satisfies(p -> {
            assertThat(p.terminal()).isEqualTo(terminal);
            assertThat(contents(DeliveryHarness.RECORDS.records(p.payload()))).isEqualTo(contents(unacknowledged));
        });
        assertThat(h.ledger.isFinished("unacked")).isFalse();

        h.clock.advance(Duration.ofSeconds(5));
        Delivery redelivered = h.prepare(h.onRequests("unacked", request("unacked")));

        assertThat(redelivered.readyToSend()).as("not sent again").isFalse();
        assertThat(redelivered.isDuplicate()).isFalse();
        assertThat(h.selector.acquired.get()).as("no quota for the re-publication").isEqualTo(1);
        List<ProducerRecord<byte[], byte[]>> republished = h.publish(redelivered);
        assertThat(contents(republished)).as("exactly the records of the send, not new ones").isEqualTo(contents(unacknowledged));
        assertThat(redelivered.isTerminal()).isEqualTo(terminal);
        assertThat(redelivered.outcome()).isNull();
        assertThat(redelivered.sendToRemember(h.service.conclude(redelivered))).as("nothing new sent").isNull();
        assertThat(h.service.describe(redelivered)).isEqualTo("re-published");
        assertThat(h.ledger.pending("unacked", Conclusion.class)).as("acknowledged now").isEmpty();
        assertThat(h.ledger.isFinished("unacked")).isEqualTo(terminal);
    }

    @Test
    void rePublicationThatIsNotAcknowledgedEitherIsKeptForTheNextTry() {
        Delivery first = h.attempt(h.onRequests("twice", request("twice")), h.accepts());
        List<ProducerRecord<byte[], byte[]>> records = h.publishUnacknowledged(first);

        Delivery second = h.prepare(h.onRequests("twice", request("twice")));
        h.publishUnacknowledged(second);
        Delivery third = h.prepare(h.onRequests("twice", request("twice")));

        assertThat(third.readyToSend()).isFalse();
        assertThat(contents(h.conclude(third))).isEqualTo(contents(records));
        third.claim().close();
    }

    @Test
    void invalidRecordOfAnIdWithAPendingSendIsNotDeadLettered() {
        Delivery first = h.attempt(h.onRequests("p-1", request("p-1")), h.accepts());
        List<ProducerRecord<byte[], byte[]>> records = h.publishUnacknowledged(first);

        Delivery broken = h.prepare(h.onRequests("p-1", "{oops"));
        List<ProducerRecord<byte[], byte[]>> republished = h.publish(broken);

        assertThat(contents(republished)).isEqualTo(contents(records));
        assertThat(topics(republished)).doesNotContain(DLQ);
    }
}
