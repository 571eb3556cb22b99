package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.DLQ;
import static io.mailpipe.pipeline.DeliveryHarness.OUTCOMES;
import static io.mailpipe.pipeline.DeliveryHarness.RETRY;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.header;
import static io.mailpipe.pipeline.DeliveryHarness.request;
import static io.mailpipe.pipeline.DeliveryHarness.single;
import static io.mailpipe.pipeline.DeliveryHarness.topics;
import static io.mailpipe.pipeline.DeliveryHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.common.header.Headers;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.ledger.RequestLedger;

/**
 * A record re-published by {@code mailpipe replay} (header {@code mailpipe.replay}) is processed although its id
 * finished, once per replay key; the key travels on to its outcome, retry and dead-letter records.
 */
class DeliveryServiceReplayTest {

    private final Account a = account("a", 100, null, null);
    private final DeliveryHarness h = new DeliveryHarness(a);

    private InboundRecord replayed(String id, String value, String replayKey) {
        InboundRecord plain = h.onRequests(id, value);
        java.util.List<RecordHeader> headers = new java.util.ArrayList<>(plain.headers());
        headers.add(new RecordHeader(MailpipeHeaders.REPLAY, utf8(replayKey)));
        return new InboundRecord(plain.topic(), plain.partition(), plain.offset(), plain.key(), plain.value(), headers);
    }

    @Test
    void replayOfAFinishedIdIsSentOnceAndMarked() {
        h.publish(h.attempt(h.onRequests("r1", request("r1", ",\"account\":\"missing\"")), h.accepts()));
        assertThat(h.ledger.isFinished("r1")).isTrue();

        Delivery replay = h.attempt(replayed("r1", request("r1"), "r1@mail.requests-0@0"), h.accepts());
        assertThat(replay.isDuplicate()).isFalse();
        var records = h.publish(replay);
        assertThat(topics(records)).containsExactly(OUTCOMES);
        assertThat(header(single(OUTCOMES, records), MailpipeHeaders.REPLAY)).isEqualTo("r1@mail.requests-0@0");
        assertThat(h.ledger.isFinished(RequestLedger.lineage("r1", "r1@mail.requests-0@0"))).isTrue();

        // the same replayed record again (a redelivery, or the tool crashed before recording it): skipped
        Delivery again = h.attempt(replayed("r1", request("r1"), "r1@mail.requests-0@0"), h.accepts());
        assertThat(again.isDuplicate()).isTrue();
        assertThat(h.publish(again)).isEmpty();

        // a replay of another failure of the same id is its own lineage
        assertThat(h.attempt(replayed("r1", request("r1"), "r1@mail.retry-1@9"), h.accepts()).isDuplicate()).isFalse();
    }

    @Test
    void replayKeyTravelsToRetryAndDeadLetterRecords() {
        Delivery deferred = h.attempt(replayed("r2", request("r2"), "r2@mail.requests-0@3"),
                h.fails(new SMTPSendFailedException(".", 451, "451 4.3.0 later\n", null, null, null, null)));
        var records = h.publish(deferred);
        assertThat(header(single(RETRY, records), MailpipeHeaders.REPLAY)).isEqualTo("r2@mail.requests-0@3");
        assertThat(header(single(OUTCOMES, records), MailpipeHeaders.REPLAY)).isEqualTo("r2@mail.requests-0@3");

        h.clock.advance(Duration.ofMinutes(1));
        Delivery rejected = h.attempt(replayed("r3", request("r3", ",\"account\":\"missing\""), "r3@mail.dlq-0@1"), h.accepts());
        assertThat(header(single(DLQ, h.publish(rejected)), MailpipeHeaders.REPLAY)).isEqualTo("r3@mail.dlq-0@1");
    }
}
