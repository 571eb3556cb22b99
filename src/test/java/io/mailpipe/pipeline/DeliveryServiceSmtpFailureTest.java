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

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.account.Account;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.Status;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * {@link DeliveryService#failed}: what a failed send concludes to. Exceptions are built the way Angus'
 * SMTPTransport builds them (as in SmtpFailureClassifierTest). Temporary failures go to the retry topic with the
 * next attempt number and time; permanent ones end the request; running out of attempts, age or notAfter expires it.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeliveryServiceSmtpFailureTest {

    private static final String BAD_REPLY = "550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown\n";

    private final Account a = account("a", 100, null, null);
    /** 3 attempts, 30 s initial backoff, x2, at most 10 min, 24 h in all. */
    private final DeliveryHarness h = new DeliveryHarness(a);

    /** name, failure, status, reason code, smtp code (or null), enhanced code (or null), topics concluded to. */
    static Stream<Arguments> failures() throws Exception {
        InternetAddress good = address("good@example.com");
        InternetAddress bad = address("bad@example.com");
        return Stream.of(
                arguments("451 after DATA",
                        new SMTPSendFailedException(".", 451, "451 4.3.0 Error: queue file write error\n", null, null,
                                arr(good), null),
                        Status.DEFERRED, "temporary_failure", 451, "4.3.0", List.of(OUTCOMES, RETRY)),
                arguments("451 at MAIL FROM",
                        new SMTPSendFailedException("MAIL FROM:<a@a.example>", 451, "451 4.3.2 Please try again later\n",
                                null, null, null, null),
                        Status.DEFERRED, "temporary_failure", 451, "4.3.2", List.of(OUTCOMES, RETRY)),
                arguments("connection refused",
                        new MailConnectException(new SocketConnectException("Using socket factory class javax.net.SocketFactory",
                                new ConnectException("Connection refused"), "smtp.a.example", 465, -1)),
                        Status.DEFERRED, "connection_failed", null, null, List.of(OUTCOMES, RETRY)),
                arguments("credentials refused",
                        new AuthenticationFailedException("535 5.7.8 Error: authentication failed: authentication failure\n"),
                        Status.DEFERRED, "authentication_failed", 535, "5.7.8", List.of(OUTCOMES, RETRY)),
                arguments("550 for every recipient",
                        new SendFailedException("Invalid Addresses", rcpt(bad, BAD_REPLY), null, arr(), arr(bad)),
                        Status.FAILED, "recipient_rejected", 550, "5.1.1", List.of(OUTCOMES)),
                arguments("554 after DATA",
                        new SMTPSendFailedException(".", 554, "554 5.7.1 Message content rejected\n", null, null, arr(good), null),
                        Status.FAILED, "message_rejected", 554, "5.7.1", List.of(OUTCOMES)),
                arguments("554 spam refusal after DATA: the account is blocked, the request waits",
                        new SMTPSendFailedException(".", 554, "554 5.7.1 Message rejected as spam\n", null, null, arr(good), null),
                        Status.DEFERRED, "account_blocked", 554, "5.7.1", List.of(OUTCOMES, RETRY)),
                arguments("daily sending quota",
                        new SMTPSendFailedException("MAIL FROM:<a@a.example>", 550, "550 5.4.5 Daily user sending quota exceeded.\n",
                                null, null, null, null),
                        Status.DEFERRED, "rate_limited", 550, "5.4.5", List.of(OUTCOMES, RETRY)),
                arguments("one of two recipients refused",
                        new SMTPSendFailedException(".", 250, "250 2.0.0 Ok: queued as 4XyZ1\n", rcpt(bad, BAD_REPLY),
                                arr(good), arr(), arr(bad)),
                        Status.SENT, "partially_accepted", 250, "2.0.0", List.of(OUTCOMES)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failedSendConcludesByTheClassifiersReason(String name, Exception failure, Status status, String reasonCode,
                                                   Integer smtpCode, String enhanced, List<String> expectedTopics) {
        Delivery d = h.attempt(h.onRequests("f-1", request("f-1")), h.fails(failure));

        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(topics(records)).isEqualTo(expectedTopics);
        JsonNode outcome = outcomeJson(records);
        assertThat(outcome.path("status").asText()).isEqualTo(status.name());
        assertThat(outcome.path("reasonCode").asText()).isEqualTo(reasonCode);
        assertThat(outcome.path("account").asText()).isEqualTo("a");
        assertThat(outcome.path("attempt").asInt()).isEqualTo(1);
        assertThat(outcome.path("messageId").asText()).isEqualTo(d.composed().messageId());
        if (smtpCode == null) {
            assertThat(outcome.has("smtp")).isFalse();
        } else {
            assertThat(outcome.path("smtp").path("code").asInt()).isEqualTo(smtpCode);
            assertThat(outcome.path("smtp").path("enhanced").asText()).isEqualTo(enhanced);
        }
        assertThat(outcome.has("retryAt")).isEqualTo(status == Status.DEFERRED);
        assertThat(d.isTerminal()).isEqualTo(status != Status.DEFERRED);
        assertThat(d.sendToRemember(h.service.conclude(d))).as("a send was attempted: remembered until acknowledged").isNotNull();
        assertThat(h.selector.released.get()).as("an attempted send keeps its quota").isZero();
    }

    @Test
    void temporaryFailureWritesARetryRecordForAttemptTwoAfterTheInitialBackoff() {
        InboundRecord in = h.onRequests("t-1", request("t-1"));
        Delivery d = h.attempt(in, h.fails(new SMTPSendFailedException(".", 451,
                "451 4.3.0 Temporary local problem, try again later\n", null, null, null, null)));

        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        ProducerRecord<byte[], byte[]> retry = single(RETRY, records);
        assertThat(text(retry.key())).isEqualTo("t-1");
        assertThat(retry.value()).isEqualTo(in.value());
        assertThat(headerList(retry.headers()).subList(0, 2)).isEqualTo(headerList(DeliveryHarness.producerHeaders()));
        assertThat(header(retry, MailpipeHeaders.ATTEMPT)).isEqualTo("2");
        assertThat(header(retry, MailpipeHeaders.FIRST_ATTEMPT_AT)).isEqualTo(T0.toString());
        Instant notBefore = Instant.parse(header(retry, MailpipeHeaders.NOT_BEFORE));
        assertThat(notBefore).as("initialBackoff plus at most 10 % jitter")
                .isBetween(T0.plusSeconds(30), T0.plusMillis(33_000));
        JsonNode outcome = outcomeJson(records);
        assertThat(outcome.path("status").asText()).isEqualTo("DEFERRED");
        assertThat(outcome.path("attempt").asInt()).as("the attempt that was deferred").isEqualTo(1);
        assertThat(Instant.parse(outcome.path("retryAt").asText())).isEqualTo(notBefore);
        assertThat(outcome.path("smtp").path("text").asText()).isEqualTo("Temporary local problem, try again later");
        assertThat(records).extracting(ProducerRecord::topic).doesNotContain(DLQ);
        assertThat(d.isTerminal()).isFalse();
        assertThat(h.service.describe(d)).isEqualTo("DEFERRED temporary_failure smtp=451 attempt=1 retryAt=" + notBefore);
    }

    @Test
    void secondAttemptFailingWaitsTwiceAsLongAndKeepsTheFirstAttemptTime() {
        Instant first = T0.minus(Duration.ofMinutes(5));
        InboundRecord in = h.onRetry("t-2", request("t-2"), 2, T0.minusSeconds(1), first);
        Delivery d = h.attempt(in, h.fails(new SMTPSendFailedException(".", 451, "451 4.3.0 later\n", null, null, null, null)));

        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        ProducerRecord<byte[], byte[]> retry = single(RETRY, records);
        assertThat(header(retry, MailpipeHeaders.ATTEMPT)).isEqualTo("3");
        assertThat(header(retry, MailpipeHeaders.FIRST_ATTEMPT_AT)).isEqualTo(first.toString());
        assertThat(Instant.parse(header(retry, MailpipeHeaders.NOT_BEFORE))).isBetween(T0.plusSeconds(60), T0.plusMillis(66_000));
        assertThat(retry.headers().headers(MailpipeHeaders.ATTEMPT)).as("one attempt header, not one per hop").hasSize(1);
        assertThat(outcomeJson(records).path("attempt").asInt()).isEqualTo(2);
    }

    /** name, attempt of the record, first attempt time, request notAfter (or null), expected reason code. */
    static Stream<Arguments> expiries() {
        return Stream.of(
                arguments("attempt == retry.maxAttempts", 3, T0.minusSeconds(90), null, "attempts_exhausted"),
                arguments("next attempt after notAfter", 1, T0, T0.plusSeconds(10), "not_after_passed"),
                arguments("next attempt later than retry.maxAge after the first", 2,
                        T0.minus(Duration.ofHours(24)).plusSeconds(30), null, "max_age_exceeded"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expiries")
    void temporaryFailureWithoutAnotherChanceExpiresAndIsDeadLettered(String name, int attempt, Instant firstAttemptAt,
                                                                      Instant notAfter, String reasonCode) {
        String value = request("x-1", notAfter == null ? "" : ",\"notAfter\":\"" + notAfter + "\"");
        InboundRecord in = attempt == 1 ? h.onRequests("x-1", value) : h.onRetry("x-1", value, attempt, T0, firstAttemptAt);
        Delivery d = h.attempt(in, h.fails(new SMTPSendFailedException(".", 451, "451 4.3.0 later\n", null, null, null, null)));
        assertThat(d.outcome()).isNull();

        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(topics(records)).containsExactly(OUTCOMES, DLQ);
        JsonNode outcome = outcomeJson(records);
        assertThat(outcome.path("status").asText()).isEqualTo("EXPIRED");
        assertThat(outcome.path("reasonCode").asText()).isEqualTo(reasonCode);
        assertThat(outcome.path("attempt").asInt()).isEqualTo(attempt);
        assertThat(outcome.path("smtp").path("code").asInt()).as("the last reply is kept").isEqualTo(451);
        assertThat(outcome.path("reason").asText()).as("server reply, then why there is no next attempt")
                .contains("451 4.3.0 later; ");
        assertThat(outcome.has("retryAt")).isFalse();
        ProducerRecord<byte[], byte[]> letter = single(DLQ, records);
        assertThat(letter.value()).isEqualTo(in.value());
        assertThat(letter.key()).isEqualTo(in.key());
        assertThat(header(letter, MailpipeHeaders.DLQ_STATUS)).isEqualTo("EXPIRED");
        assertThat(header(letter, MailpipeHeaders.DLQ_REASON_CODE)).isEqualTo(reasonCode);
        assertThat(header(letter, MailpipeHeaders.DLQ_SOURCE_TOPIC)).isEqualTo(in.topic());
        assertThat(header(letter, MailpipeHeaders.ATTEMPT)).as("retry bookkeeping is not part of the original").isNull();
        assertThat(d.isTerminal()).isTrue();
    }

    @Test
    void outcomeIsKeyedByTheRequestIdEvenWhenTheRecordKeyDiffers() {
        Delivery d = h.attempt(h.onRequests("producer-key", request("k-9")),
                h.fails(new SMTPSendFailedException(".", 451, "451 4.3.0 later\n", null, null, null, null)));

        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(text(single(OUTCOMES, records).key())).isEqualTo("k-9");
        assertThat(outcomeJson(records).path("id").asText()).isEqualTo("k-9");
    }

    @Test
    void retryRecordIsKeyedByTheRequestIdAsTheContractSays() {
        Delivery d = h.attempt(h.onRequests("producer-key", request("k-10")),
                h.fails(new SMTPSendFailedException(".", 451, "451 4.3.0 later\n", null, null, null, null)));

        List<ProducerRecord<byte[], byte[]>> records = h.conclude(d);

        assertThat(text(single(RETRY, records).key())).isEqualTo("k-10");
    }

    @Test
    void permanentFailureHasNoRetryAndNoDeadLetter() throws Exception {
        InternetAddress bad = address("bad@example.com");
        Delivery d = h.attempt(h.onRequests("p-1", request("p-1")),
                h.fails(new SendFailedException("Invalid Addresses", rcpt(bad, BAD_REPLY), null, arr(), arr(bad))));

        List<ProducerRecord<byte[], byte[]>> records = h.publish(d);

        assertThat(topics(records)).containsExactly(OUTCOMES);
        assertThat(d.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(d.outcome().reasonCode()).isEqualTo("recipient_rejected");
        assertThat(d.outcome().retryAt()).isNull();
        assertThat(h.ledger.isFinished("p-1")).as("FAILED is terminal").isTrue();
    }

    @Test
    void partialAcceptanceListsTheRefusedRecipients() throws Exception {
        InternetAddress good = address("good@example.com");
        InternetAddress bad = address("bad@example.com");
        Delivery d = h.attempt(h.onRequests("p-2", request("p-2")), h.fails(new SMTPSendFailedException(".", 250,
                "250 2.0.0 Ok: queued as 4XyZ1\n", rcpt(bad, BAD_REPLY), arr(good), arr(), arr(bad))));

        JsonNode outcome = outcomeJson(h.conclude(d));

        assertThat(outcome.path("rejectedRecipients")).hasSize(1);
        assertThat(outcome.path("rejectedRecipients").get(0).path("address").asText()).isEqualTo("bad@example.com");
        assertThat(outcome.path("rejectedRecipients").get(0).path("smtp").path("code").asInt()).isEqualTo(550);
    }

    // --- helpers (as SmtpFailureClassifierTest builds Angus' exceptions)

    private static InternetAddress address(String value) throws AddressException {
        return new InternetAddress(value);
    }

    private static Address[] arr(Address... addresses) {
        return addresses;
    }

    /** What rcptTo() creates for a refused recipient. */
    private static SMTPAddressFailedException rcpt(InternetAddress address, String reply) {
        int code = Integer.parseInt(reply.substring(0, 3));
        return new SMTPAddressFailedException(address, "RCPT TO:<" + address.getAddress() + ">", code, reply);
    }
}
