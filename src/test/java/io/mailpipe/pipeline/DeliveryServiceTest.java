package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.DLQ;
import static io.mailpipe.pipeline.DeliveryHarness.OUTCOMES;
import static io.mailpipe.pipeline.DeliveryHarness.REQUESTS;
import static io.mailpipe.pipeline.DeliveryHarness.T0;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.header;
import static io.mailpipe.pipeline.DeliveryHarness.headerList;
import static io.mailpipe.pipeline.DeliveryHarness.outcomeJson;
import static io.mailpipe.pipeline.DeliveryHarness.request;
import static io.mailpipe.pipeline.DeliveryHarness.single;
import static io.mailpipe.pipeline.DeliveryHarness.text;
import static io.mailpipe.pipeline.DeliveryHarness.topics;
import static io.mailpipe.pipeline.DeliveryHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.account.Account;
import io.mailpipe.compose.CompositionException;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.request.InvalidRequestException;

/**
 * {@link DeliveryService} on first attempts: a valid request is sent through the first account in order and
 * concluded into one SENT outcome; every kind of invalid request is refused before sending, concluded into a
 * REJECTED or EXPIRED outcome plus a dead letter with the original bytes, and gives back any quota it took.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeliveryServiceTest {

    /** Takes at most 2 recipients and 3000 bytes per message. */
    private final Account a = account("a", 100, 2, 3000L);
    private final Account b = account("b", 100, null, null);
    private final DeliveryHarness h = new DeliveryHarness(a, b);

    // ---------------------------------------------------------------- a valid request

    @Test
    void validRequestIsReadyToSendThroughTheFirstAccountWithItsMessageId() throws Exception {
        Delivery d = h.prepare(h.onRequests("order-1", request("order-1")));

        assertThat(d.readyToSend()).isTrue();
        assertThat(d.isDuplicate()).isFalse();
        assertThat(d.requestId()).isEqualTo("order-1");
        assertThat(d.account()).isEqualTo(a);
        assertThat(d.claim()).as("the id is claimed while it is processed").isNotNull();
        assertThat(d.composed().messageId()).isEqualTo(MessageComposer.messageIdFor("order-1", "a.example"));
        assertThat(d.composed().message().getHeader("Message-ID")).containsExactly(d.composed().messageId());
        assertThat(d.composed().envelopeRecipients()).containsExactly("ann@example.org");
        assertThat(h.selector.usedThisHour(a)).as("one send of a's quota taken").isEqualTo(1);
        assertThat(h.selector.usedThisHour(b)).isZero();
    }

    @Test
    void sentConcludesIntoOneSentOutcomeAndNothingElse() {
        InboundRecord in = new InboundRecord(REQUESTS, 2, 1187, utf8("order-1"),
                utf8(request("order-1", ",\"campaign\":\"november-news\"")),
                DeliveryHarness.pipelineHeaders(DeliveryHarness.producerHeaders()));
        Delivery d = h.prepare(in);
        h.service.sent(d, DeliveryHarness.QUEUED);

        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(topics(records)).containsExactly(OUTCOMES);
        ProducerRecord<byte[], byte[]> outcome = records.get(0);
        assertThat(text(outcome.key())).isEqualTo("order-1");
        assertThat(outcome.partition()).as("partitioned by key").isNull();
        JsonNode json = outcomeJson(records);
        assertThat(json.path("id").asText()).isEqualTo("order-1");
        assertThat(json.path("status").asText()).isEqualTo("SENT");
        assertThat(json.path("reasonCode").asText()).isEqualTo("accepted");
        assertThat(json.path("account").asText()).isEqualTo("a");
        assertThat(json.path("attempt").asInt()).isEqualTo(1);
        assertThat(json.path("smtp").path("code").asInt()).isEqualTo(250);
        assertThat(json.path("smtp").path("enhanced").asText()).isEqualTo("2.0.0");
        assertThat(json.path("smtp").path("text").asText()).isEqualTo("Ok queued as X");
        assertThat(json.path("messageId").asText()).isEqualTo(MessageComposer.messageIdFor("order-1", "a.example"));
        assertThat(json.path("campaign").asText()).isEqualTo("november-news");
        assertThat(json.path("source").path("topic").asText()).isEqualTo(REQUESTS);
        assertThat(json.path("source").path("partition").asInt()).isEqualTo(2);
        assertThat(json.path("source").path("offset").asLong()).isEqualTo(1187);
        assertThat(json.path("at").asText()).isEqualTo(T0.toString());
        assertThat(json.has("retryAt")).isFalse();
        assertThat(json.has("rejectedRecipients")).isFalse();
        assertThat(d.isTerminal()).isTrue();
        assertThat(d.outcome().status()).isEqualTo(Status.SENT);
        assertThat(d.sendToRemember(h.service.conclude(d))).as("a send happened: its records are remembered until acknowledged")
                .satisfies(p -> {
                    assertThat(p.terminal()).isTrue();
                    assertThat(DeliveryHarness.contents(DeliveryHarness.RECORDS.records(p.payload())))
                            .isEqualTo(DeliveryHarness.contents(records));
                });
        assertThat(h.service.describe(d)).isEqualTo("SENT accepted smtp=250 attempt=1");
    }

    @Test
    void pinnedRequestGoesThroughItsAccountEvenWhenAnEarlierOneHasRoom() {
        Delivery d = h.prepare(h.onRequests("p-1", request("p-1", ",\"account\":\"b\"")));

        assertThat(d.readyToSend()).isTrue();
        assertThat(d.account()).isEqualTo(b);
        assertThat(d.composed().messageId()).isEqualTo(MessageComposer.messageIdFor("p-1", "b.example"));
        assertThat(h.selector.usedThisHour(a)).isZero();
    }

    // ---------------------------------------------------------------- invalid requests

    /**
     * One invalid input: the record value, its key, what it concludes to, the class named on the dead letter, the
     * request id the outcome and dead letter carry (null: the record's coordinates), and whether quota was taken
     * (and so must be given back) before the request was refused.
     */
    record Invalid(String name, byte[] value, String key, Status status, ReasonCode reason, Class<?> errorClass,
                   String expectedId, boolean quotaTaken) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Invalid> invalidRequests() {
        String longText = "x".repeat(4000);
        return Stream.of(
                new Invalid("malformed JSON", utf8("{\"id\": \"k-1\", \"to\": "), "k-1", Status.REJECTED,
                        ReasonCode.MALFORMED_JSON, InvalidRequestException.class, "k-1", false),
                new Invalid("malformed JSON without a key", utf8("not json"), null, Status.REJECTED,
                        ReasonCode.MALFORMED_JSON, InvalidRequestException.class, null, false),
                new Invalid("not UTF-8", new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', '}'}, "k-2", Status.REJECTED,
                        ReasonCode.MALFORMED_JSON, InvalidRequestException.class, "k-2", false),
                new Invalid("no recipients", utf8("{\"id\":\"r-2\",\"to\":[],\"subject\":\"Hi\",\"text\":\"t\"}"), "r-2",
                        Status.REJECTED, ReasonCode.NO_RECIPIENTS, InvalidRequestException.class, "r-2", false),
                new Invalid("header injection in subject",
                        utf8("{\"id\":\"r-3\",\"to\":\"ann@example.org\",\"subject\":\"Hi\\r\\nBcc: all@example.org\",\"text\":\"t\"}"),
                        "r-3", Status.REJECTED, ReasonCode.HEADER_INJECTION, InvalidRequestException.class, "r-3", false),
                new Invalid("header injection in a custom header",
                        utf8(request("r-4", ",\"headers\":{\"X-Ref\":\"a\\nBcc: all@example.org\"}")),
                        "r-4", Status.REJECTED, ReasonCode.HEADER_INJECTION, InvalidRequestException.class, "r-4", false),
                new Invalid("invalid address", utf8(request("r-5").replace("Ann <ann@example.org>", "ann at example")),
                        "r-5", Status.REJECTED, ReasonCode.INVALID_ADDRESS, InvalidRequestException.class, "r-5", false),
                new Invalid("unknown pinned account", utf8(request("r-6", ",\"account\":\"nope\"")), "r-6",
                        Status.REJECTED, ReasonCode.UNKNOWN_ACCOUNT, DeliveryService.class, "r-6", false),
                new Invalid("notAfter passed", utf8(request("r-7", ",\"notAfter\":\"" + T0.minusSeconds(1) + "\"")), "r-7",
                        Status.EXPIRED, ReasonCode.NOT_AFTER_PASSED, DeliveryService.class, "r-7", false),
                new Invalid("blocked attachment (an .exe)",
                        utf8(request("r-8", ",\"attachments\":[{\"filename\":\"setup.exe\",\"content\":\"TVo=\"}]")),
                        "r-8", Status.REJECTED, ReasonCode.BLOCKED_ATTACHMENT, CompositionException.class, "r-8", true),
                new Invalid("composed message larger than account a's maxMessageBytes",
                        utf8(request("r-9").replace("\"Hello\"", "\"" + longText + "\"")),
                        "r-9", Status.REJECTED, ReasonCode.MESSAGE_TOO_LARGE, CompositionException.class, "r-9", true),
                new Invalid("record key differs from the id: the id wins", utf8(request("r-10", ",\"account\":\"nope\"")),
                        "some-other-key", Status.REJECTED, ReasonCode.UNKNOWN_ACCOUNT, DeliveryService.class, "r-10",
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void invalidRequestIsNotSentAndIsDeadLetteredWithItsOriginalBytes(Invalid c) {
        InboundRecord in = h.onRequests(c.key(), c.value());
        String id = c.expectedId() != null ? c.expectedId() : in.coordinates();

        Delivery d = h.prepare(in);

        assertThat(d.readyToSend()).isFalse();
        assertThat(d.isDuplicate()).isFalse();
        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(topics(records)).containsExactly(OUTCOMES, DLQ);
        JsonNode outcome = outcomeJson(records);
        assertThat(outcome.path("id").asText()).isEqualTo(id);
        assertThat(text(single(OUTCOMES, records).key())).isEqualTo(id);
        assertThat(outcome.path("status").asText()).isEqualTo(c.status().name());
        assertThat(outcome.path("reasonCode").asText()).isEqualTo(c.reason().code());
        assertThat(outcome.path("attempt").asInt()).isEqualTo(1);
        assertThat(outcome.has("smtp")).isFalse();
        assertThat(outcome.has("messageId")).as("nothing composed is kept").isFalse();
        assertThat(outcome.path("reason").asText()).isNotBlank().doesNotContain("example.org");
        assertThat(d.isTerminal()).isTrue();

        ProducerRecord<byte[], byte[]> letter = single(DLQ, records);
        assertThat(letter.key()).isEqualTo(in.key());
        assertThat(letter.value()).isEqualTo(c.value());
        assertThat(headerList(letter.headers()).subList(0, 2)).as("the producer's headers, first and untouched")
                .isEqualTo(headerList(DeliveryHarness.producerHeaders()));
        assertThat(header(letter, MailpipeHeaders.DLQ_SOURCE_TOPIC)).isEqualTo(REQUESTS);
        assertThat(header(letter, MailpipeHeaders.DLQ_SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(letter, MailpipeHeaders.DLQ_SOURCE_OFFSET)).isEqualTo(String.valueOf(in.offset()));
        assertThat(header(letter, MailpipeHeaders.DLQ_REQUEST_ID)).isEqualTo(id);
        assertThat(header(letter, MailpipeHeaders.DLQ_ERROR_CLASS)).isEqualTo(c.errorClass().getName());
        assertThat(header(letter, MailpipeHeaders.DLQ_REASON_CODE)).isEqualTo(c.reason().code());
        assertThat(header(letter, MailpipeHeaders.DLQ_REASON)).isEqualTo(outcome.path("reason").asText());
        assertThat(header(letter, MailpipeHeaders.DLQ_STATUS)).isEqualTo(c.status().name());
        assertThat(header(letter, MailpipeHeaders.DLQ_AT)).isEqualTo(T0.toString());

        assertThat(h.selector.acquired.get()).as("quota taken").isEqualTo(c.quotaTaken() ? 1 : 0);
        assertThat(h.selector.released.get()).as("quota given back").isEqualTo(h.selector.acquired.get());
        assertThat(h.selector.usedThisHour(a)).isZero();
        assertThat(h.selector.usedThisHour(b)).isZero();
    }

    @Test
    void refusedRequestDoesNotUseUpTheAccountForTheNextOne() {
        Account one = account("one", 1, 1, null);
        DeliveryHarness single = new DeliveryHarness(one);
        Delivery blocked = single.prepare(single.onRequests("m-1",
                request("m-1", ",\"attachments\":[{\"filename\":\"run.bat\",\"content\":\"QA==\"}]")));
        single.publish(blocked);

        Delivery next = single.prepare(single.onRequests("m-2", request("m-2")));

        assertThat(blocked.outcome().reasonCode()).isEqualTo("blocked_attachment");
        assertThat(next.readyToSend()).as("the refused request gave its hourly send back").isTrue();
        assertThat(next.account()).isEqualTo(one);
    }

    // ---------------------------------------------------------------- internal errors

    @Test
    void internalErrorAfterPrepareIsRejectedAndDeadLetteredAndGivesTheQuotaBack() {
        InboundRecord in = h.onRequests("crash-1", request("crash-1"));
        Delivery d = h.prepare(in);
        assertThat(d.readyToSend()).isTrue();

        Delivery failed = h.service.internalError(d, in, new IllegalStateException("x"));
        List<ProducerRecord<byte[], byte[]>> records = h.publish(failed);

        assertThat(failed).isSameAs(d);
        assertThat(failed.readyToSend()).isFalse();
        assertThat(topics(records)).containsExactly(OUTCOMES, DLQ);
        JsonNode outcome = outcomeJson(records);
        assertThat(outcome.path("status").asText()).isEqualTo("REJECTED");
        assertThat(outcome.path("reasonCode").asText()).isEqualTo("internal_error");
        assertThat(outcome.path("reason").asText()).isEqualTo("processing failed: IllegalStateException (x)");
        ProducerRecord<byte[], byte[]> letter = single(DLQ, records);
        assertThat(header(letter, MailpipeHeaders.DLQ_ERROR_CLASS)).isEqualTo("java.lang.IllegalStateException");
        assertThat(header(letter, MailpipeHeaders.DLQ_REASON_CODE)).isEqualTo("internal_error");
        assertThat(header(letter, MailpipeHeaders.DLQ_STATUS)).isEqualTo("REJECTED");
        assertThat(header(letter, MailpipeHeaders.DLQ_REQUEST_ID)).isEqualTo("crash-1");
        assertThat(letter.value()).isEqualTo(in.value());
        assertThat(failed.isTerminal()).isTrue();
        assertThat(h.selector.usedThisHour(a)).as("the message was never sent: its quota is given back").isZero();
        assertThat(h.ledger.isFinished("crash-1")).isTrue();
    }

    @Test
    void internalErrorBeforeAnyDeliveryUsesTheKeyAsId() {
        InboundRecord in = h.onRequests("crash-2", "{}");

        Delivery d = h.service.internalError(null, in, new IllegalStateException("multi\nline message"));
        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(d.requestId()).isEqualTo("crash-2");
        assertThat(outcomeJson(records).path("reason").asText())
                .isEqualTo("processing failed: IllegalStateException (multi)");
        assertThat(header(single(DLQ, records), MailpipeHeaders.DLQ_ERROR_CLASS)).isEqualTo("java.lang.IllegalStateException");
        assertThat(h.selector.released.get()).isZero();
    }

    @Test
    void internalErrorAfterTheSendKeepsTheQuotaUsed() {
        InboundRecord in = h.onRequests("crash-3", request("crash-3"));
        Delivery d = h.attempt(in, h.accepts());

        h.service.internalError(d, in, new IllegalStateException("after send"));

        assertThat(h.selector.released.get()).isZero();
        assertThat(h.selector.usedThisHour(a)).isEqualTo(1);
        d.claim().close();
    }

    @Test
    void crashInsideCompositionGivesTheQuotaBack() {
        // a null compose session makes MessageComposer.compose throw NullPointerException: an unforeseen crash
        // after the account's quota was taken, as ErrorPolicy's "a request that crashes composition"
        Account only = account("only", 1, null, null);
        DeliveryHarness crashing = new DeliveryHarness(DeliveryHarness.RETRY_SETTINGS, (jakarta.mail.Session) null, only);
        InboundRecord in = crashing.onRequests("c-1", request("c-1"));
        Delivery d = crashing.service.start(in);
        RuntimeException crash = null;
        try {
            crashing.service.prepare(d);
        } catch (RuntimeException e) {
            crash = e;
        }
        assertThat(crash).isInstanceOf(NullPointerException.class);

        crashing.publish(crashing.service.internalError(d, in, crash));

        assertThat(d.outcome().reasonCode()).isEqualTo("internal_error");
        assertThat(crashing.selector.usedThisHour(only)).as("nothing was sent through 'only'").isZero();
    }

    // ---------------------------------------------------------------- describe

    @Test
    void describeOfARejectedRequestNamesStatusAndReasonOnly() {
        Delivery rejected = h.prepare(h.onRequests("d-1", request("d-1", ",\"account\":\"nope\"")));
        h.publish(rejected);

        assertThat(h.service.describe(rejected)).isEqualTo("REJECTED unknown_account attempt=1");
        assertThat(h.service.describe(rejected)).doesNotContain("ann");
    }

    @Test
    void recordHeadersOfTheSourceAreNotChangedByConclude() {
        List<RecordHeader> headers = List.of(new RecordHeader("X-Keep", "v".getBytes(StandardCharsets.UTF_8)));
        InboundRecord in = new InboundRecord(REQUESTS, 0, 5, utf8("h-1"), utf8(request("h-1", ",\"account\":\"nope\"")),
                headers);

        Delivery d = h.prepare(in);
        h.conclude(d);

        assertThat(in.headers()).as("dead-letter headers go onto a copy").hasSize(1)
                .allSatisfy(x -> assertThat(x.key()).isEqualTo("X-Keep"));
        d.claim().close();
    }
}
