package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.DLQ;
import static io.mailpipe.pipeline.DeliveryHarness.OUTCOMES;
import static io.mailpipe.pipeline.DeliveryHarness.RETRY;
import static io.mailpipe.pipeline.DeliveryHarness.T0;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.header;
import static io.mailpipe.pipeline.DeliveryHarness.headerList;
import static io.mailpipe.pipeline.DeliveryHarness.outcomeJson;
import static io.mailpipe.pipeline.DeliveryHarness.request;
import static io.mailpipe.pipeline.DeliveryHarness.single;
import static io.mailpipe.pipeline.DeliveryHarness.text;
import static io.mailpipe.pipeline.DeliveryHarness.topics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.account.Account;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.config.RetrySettings;
import io.mailpipe.kafka.MailpipeHeaders;

/**
 * {@link DeliveryService} on records of {@code mail.retry}: the attempt number and first attempt time travel with
 * the record, a record read before its time goes back unchanged, a request older than retry.maxAge expires; and
 * full accounts defer a request without counting an attempt, checked again at the latest after retry.maxBackoff.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeliveryServiceRetryTest {

    private static final Instant FIRST = T0.minus(Duration.ofMinutes(5));

    private final Account a = account("a", 100, null, null);
    private final DeliveryHarness h = new DeliveryHarness(a);

    // ---------------------------------------------------------------- retry records

    @Test
    void retryRecordCarriesItsAttemptNumberIntoTheOutcome() {
        InboundRecord in = h.onRetry("r-1", request("r-1"), 2, T0.minusSeconds(1), FIRST);

        Delivery d = h.attempt(in, h.accepts());
        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(topics(records)).containsExactly(OUTCOMES);
        JsonNode outcome = outcomeJson(records);
        assertThat(outcome.path("status").asText()).isEqualTo("SENT");
        assertThat(outcome.path("attempt").asInt()).isEqualTo(2);
        assertThat(outcome.path("source").path("topic").asText()).isEqualTo(RETRY);
        assertThat(outcome.path("source").path("partition").asInt()).isEqualTo(1);
        assertThat(outcome.path("source").path("offset").asLong()).isEqualTo(in.offset());
        assertThat(outcome.path("messageId").asText()).as("every attempt of a request has the same Message-ID")
                .isEqualTo(MessageComposer.messageIdFor("r-1", "a.example"));
        assertThat(h.service.describe(d)).isEqualTo("SENT accepted smtp=250 attempt=2");
    }

    /** notBefore relative to now, and whether the record is sent now. */
    static Stream<Arguments> dueTimes() {
        return Stream.of(
                arguments(Duration.ofMinutes(-3), true),
                arguments(Duration.ofMillis(-1), true),
                arguments(Duration.ZERO, true),
                arguments(Duration.ofMillis(1), false),
                arguments(Duration.ofMinutes(14), false));
    }

    @ParameterizedTest(name = "notBefore = now {0}: sent now {1}")
    @MethodSource("dueTimes")
    void retryRecordIsNeverSentBeforeItsTime(Duration notBeforeFromNow, boolean sentNow) {
        Delivery d = h.prepare(h.onRetry("r-2", request("r-2"), 2, T0.plus(notBeforeFromNow), FIRST));

        assertThat(d.readyToSend()).isEqualTo(sentNow);
        assertThat(h.selector.acquired.get()).as("quota is only taken for a send").isEqualTo(sentNow ? 1 : 0);
    }

    @Test
    void retryRecordNotDueYetGoesBackUnchangedWithoutAnOutcome() {
        Instant notBefore = T0.plusSeconds(600);
        InboundRecord in = h.onRetry("r-3", request("r-3"), 2, notBefore, FIRST);
        Delivery d = h.prepare(in);

        List<ProducerRecord<byte[], byte[]>> records = h.publish(d);

        assertThat(records).hasSize(1);
        ProducerRecord<byte[], byte[]> back = records.get(0);
        assertThat(back.topic()).isEqualTo(RETRY);
        assertThat(back.key()).isEqualTo(in.key());
        assertThat(back.value()).isEqualTo(in.value());
        assertThat(headerList(back.headers())).isEqualTo(headerList(retryHeaders(in)));
        assertThat(header(back, MailpipeHeaders.ATTEMPT)).isEqualTo("2");
        assertThat(header(back, MailpipeHeaders.NOT_BEFORE)).isEqualTo(notBefore.toString());
        assertThat(header(back, MailpipeHeaders.FIRST_ATTEMPT_AT)).isEqualTo(FIRST.toString());
        assertThat(d.outcome()).isNull();
        assertThat(d.isTerminal()).isFalse();
        assertThat(d.sendToRemember(h.service.conclude(d))).as("nothing was sent").isNull();
        assertThat(h.service.describe(d)).isEqualTo("retry record not due yet, put back on the retry topic");
        assertThat(h.ledger.isFinished("r-3")).isFalse();

        h.clock.set(notBefore);
        Delivery later = h.prepare(h.onRetry("r-3", request("r-3"), 2, notBefore, FIRST));
        assertThat(later.readyToSend()).as("the same record, read again at its time").isTrue();
    }

    /** First attempt time relative to now (retry.maxAge is 24 h), and whether the request expires. */
    static Stream<Arguments> ages() {
        return Stream.of(
                arguments(Duration.ofHours(23), false),
                arguments(Duration.ofHours(24), false),
                arguments(Duration.ofHours(24).plusMillis(1), true),
                arguments(Duration.ofDays(3), true));
    }

    @ParameterizedTest(name = "first attempted {0} ago: expired {1}")
    @MethodSource("ages")
    void retryRecordOlderThanMaxAgeExpires(Duration age, boolean expired) {
        InboundRecord in = h.onRetry("r-4", request("r-4"), 2, T0.minusSeconds(1), T0.minus(age));

        Delivery d = h.prepare(in);

        assertThat(d.readyToSend()).isEqualTo(!expired);
        if (expired) {
            List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);
            assertThat(topics(records)).containsExactly(OUTCOMES, DLQ);
            JsonNode outcome = outcomeJson(records);
            assertThat(outcome.path("status").asText()).isEqualTo("EXPIRED");
            assertThat(outcome.path("reasonCode").asText()).isEqualTo("max_age_exceeded");
            assertThat(outcome.path("attempt").asInt()).isEqualTo(2);
            ProducerRecord<byte[], byte[]> letter = single(DLQ, records);
            assertThat(letter.value()).isEqualTo(in.value());
            assertThat(header(letter, MailpipeHeaders.DLQ_SOURCE_TOPIC)).isEqualTo(RETRY);
            assertThat(header(letter, MailpipeHeaders.DLQ_REASON_CODE)).isEqualTo("max_age_exceeded");
            assertThat(header(letter, MailpipeHeaders.DLQ_ERROR_CLASS)).isEqualTo(DeliveryService.class.getName());
            assertThat(h.selector.acquired.get()).isZero();
        }
    }

    // ---------------------------------------------------------------- every account at its limit

    @Test
    void everyAccountFullPausesUntilTheWindowFreesUpWithoutAnOutcome() {
        Account one = account("one", 1, null, null);
        Account two = account("two", 1, null, null);
        DeliveryHarness full = new DeliveryHarness(one, two);
        full.publish(full.attempt(full.onRequests("f-1", request("f-1")), full.accepts()));
        full.publish(full.attempt(full.onRequests("f-2", request("f-2")), full.accepts()));
        full.clock.advance(Duration.ofMinutes(1));

        Delivery d = full.prepare(full.onRequests("f-3", request("f-3")));

        assertThat(d.readyToSend()).isFalse();
        assertThat(d.account()).isNull();
        assertThat(d.pauseUntil()).as("the first send left the hour window at T0 + 1 h").isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(d.pauseReason()).startsWith("every account is at its send limit");
        assertThat(d.pauseCandidates()).containsExactly(one, two);
        assertThat(full.selector.acquired.get()).as("no quota taken while waiting").isEqualTo(2);
    }

    @Test
    void aRetryRecordFindingNoRoomPausesToo() {
        Account one = account("one", 1, null, null);
        DeliveryHarness full = new DeliveryHarness(one);
        full.publish(full.attempt(full.onRequests("g-1", request("g-1")), full.accepts()));

        Delivery d = full.prepare(full.onRetry("g-2", request("g-2"), 3, T0, FIRST));

        assertThat(d.pauseUntil()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(d.readyToSend()).isFalse();
    }

    @Test
    void aRequestThatWaitedPastMaxAgeExpiresWhenReadAgain() {
        Account one = account("one", 1, null, null);
        DeliveryHarness full = new DeliveryHarness(one);
        full.publish(full.attempt(full.onRequests("h-1", request("h-1")), full.accepts()));
        Instant first = T0.minus(Duration.ofHours(24)).plusSeconds(60);
        InboundRecord retry = full.onRetry("h-2", request("h-2"), 2, T0, first);
        Delivery paused = full.prepare(retry);
        assertThat(paused.pauseUntil()).isNotNull();
        paused.claim().close(); // as the route does when the exchange ends

        full.clock.advance(Duration.ofMinutes(2));
        Delivery d = full.prepare(retry);
        List<ProducerRecord<byte[], byte[]>> records = full.conclude(d);

        assertThat(topics(records)).containsExactly(OUTCOMES, DLQ);
        assertThat(d.outcome().reasonCode()).isEqualTo("max_age_exceeded");
    }

    @Test
    void pinnedRequestWaitsForItsOwnAccount() {
        Account one = account("one", 1, null, null);
        Account two = account("two", null, null, null);
        DeliveryHarness pinned = new DeliveryHarness(one, two);
        pinned.publish(pinned.attempt(pinned.onRequests("i-1", request("i-1")), pinned.accepts()));

        Delivery d = pinned.prepare(pinned.onRequests("i-2", request("i-2", ",\"account\":\"one\"")));
        pinned.service.conclude(d);

        assertThat(d.outcome().reasonCode()).isEqualTo("accounts_at_limit");
        assertThat(d.outcome().reason()).startsWith("account 'one' is at its send limit; next room at " + T0.plus(Duration.ofHours(1)));
        assertThat(d.outcome().retryAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    }

    /** The record's headers as Kafka headers. */
    private static org.apache.kafka.common.header.Headers retryHeaders(InboundRecord in) {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        in.headers().forEach(x -> headers.add(x.key(), x.value()));
        return headers;
    }
}
