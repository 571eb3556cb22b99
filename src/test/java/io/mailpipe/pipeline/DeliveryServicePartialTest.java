package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.RETRY;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.header;
import static io.mailpipe.pipeline.DeliveryHarness.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.Status;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

/** Partial acceptance: 4xx recipients get another attempt that goes to them only; accepted ones are never sent again. */
class DeliveryServicePartialTest {

    private static final String REQUEST = "{\"id\":\"m-1\",\"to\":[\"good@example.com\",\"busy@example.com\",\"bad@example.com\"],"
            + "\"subject\":\"Hi\",\"text\":\"Hello\"}";

    private final DeliveryHarness h = new DeliveryHarness(account("a", null, null, null));

    private static SMTPAddressFailedException refused(String address, int code, String text) throws Exception {
        return new SMTPAddressFailedException(new InternetAddress(address), "RCPT TO:<" + address + ">", code,
                code + " " + text + "\n");
    }

    /** What Angus throws with sendpartial after DATA was accepted for the good recipient. */
    private static SMTPSendFailedException partial() throws Exception {
        SMTPAddressFailedException busy = refused("busy@example.com", 450, "4.2.1 Mailbox busy");
        SMTPAddressFailedException bad = refused("bad@example.com", 550, "5.1.1 User unknown");
        busy.setNextException(bad);
        return new SMTPSendFailedException(".", 250, "250 2.0.0 Ok: queued as 1\n", busy,
                new Address[] {new InternetAddress("good@example.com")}, new Address[0],
                new Address[] {new InternetAddress("busy@example.com"), new InternetAddress("bad@example.com")});
    }

    private static List<String> envelope(Delivery d) throws MessagingException {
        return Arrays.stream(d.composed().message().envelopeRecipients()).map(a -> ((InternetAddress) a).getAddress()).toList();
    }

    private ProducerRecord<byte[], byte[]> firstAttemptDeferred() throws Exception {
        Delivery first = h.attempt(h.onRequests("m-1", REQUEST), h.fails(partial()));
        List<ProducerRecord<byte[], byte[]>> records = h.publish(first);
        assertThat(first.outcome().status()).isEqualTo(Status.DEFERRED);
        assertThat(first.outcome().reasonCode()).isEqualTo("partially_deferred");
        assertThat(first.outcome().rejectedRecipients()).extracting(r -> r.address())
                .containsExactlyInAnyOrder("busy@example.com", "bad@example.com");
        ProducerRecord<byte[], byte[]> retry = single(RETRY, records);
        assertThat(header(retry, MailpipeHeaders.RECIPIENTS_ACCEPTED)).isEqualTo("good@example.com");
        assertThat(header(retry, MailpipeHeaders.RECIPIENTS_REFUSED)).isEqualTo("bad@example.com");
        return retry;
    }

    private InboundRecord asInbound(ProducerRecord<byte[], byte[]> retry) {
        h.clock.advance(java.time.Duration.ofHours(1));
        return new InboundRecord(RETRY, 0, 7, retry.key(), retry.value(), DeliveryHarness.pipelineHeaders(retry.headers()));
    }

    @Test
    void theRetryGoesOnlyToTheDeferredRecipientAndEndsSent() throws Exception {
        Delivery second = h.prepare(asInbound(firstAttemptDeferred()));
        assertThat(second.readyToSend()).isTrue();
        assertThat(envelope(second)).containsExactly("busy@example.com");
        assertThat(second.composed().message().getAllRecipients()).as("headers keep every recipient").hasSize(3);

        h.service.sent(second, "250 2.0.0 Ok: queued as 2");
        h.publish(second);
        assertThat(second.outcome().status()).isEqualTo(Status.SENT);
        assertThat(second.outcome().reasonCode()).isEqualTo("partially_accepted");
        assertThat(second.outcome().attempt()).isEqualTo(2);
        assertThat(second.outcome().rejectedRecipients()).extracting(r -> r.address()).containsExactly("bad@example.com");
        assertThat(h.ledger.isFinished("m-1")).isTrue();
    }

    @Test
    void aDeferredRecipientRefusedForGoodOnTheRetryStillEndsSentForTheOthers() throws Exception {
        Delivery second = h.prepare(asInbound(firstAttemptDeferred()));
        SMTPAddressFailedException now = refused("busy@example.com", 550, "5.1.1 User unknown");
        h.service.failed(second, new SendFailedException("Invalid Addresses", now, new Address[0], new Address[0],
                new Address[] {new InternetAddress("busy@example.com")}));
        h.publish(second);
        assertThat(second.outcome().status()).isEqualTo(Status.SENT);
        assertThat(second.outcome().reasonCode()).isEqualTo("partially_accepted");
        assertThat(second.outcome().rejectedRecipients()).extracting(r -> r.address())
                .containsExactlyInAnyOrder("busy@example.com", "bad@example.com");
    }

    @Test
    void aWholeAttemptDeferredOnTheRetryCarriesTheRecipientListsForward() throws Exception {
        Delivery second = h.prepare(asInbound(firstAttemptDeferred()));
        h.service.failed(second, new java.net.ConnectException("Connection refused"));
        ProducerRecord<byte[], byte[]> again = single(RETRY, h.publish(second));
        assertThat(header(again, MailpipeHeaders.ATTEMPT)).as("an account-level failure is not the request's attempt")
                .isEqualTo("2");
        assertThat(header(again, MailpipeHeaders.RECIPIENTS_ACCEPTED)).isEqualTo("good@example.com");
        assertThat(header(again, MailpipeHeaders.RECIPIENTS_REFUSED)).isEqualTo("bad@example.com");
    }

    @Test
    void whenEveryRecipientWasHandledBeforeNothingIsSentAndNoQuotaIsTaken() {
        var headers = DeliveryHarness.producerHeaders();
        headers.add(MailpipeHeaders.ATTEMPT, "2".getBytes(StandardCharsets.UTF_8));
        headers.add(MailpipeHeaders.RECIPIENTS_ACCEPTED, "good@example.com,BUSY@example.com".getBytes(StandardCharsets.UTF_8));
        headers.add(MailpipeHeaders.RECIPIENTS_REFUSED, "bad@example.com".getBytes(StandardCharsets.UTF_8));
        Delivery d = h.prepare(new InboundRecord(RETRY, 0, 9, "m-1".getBytes(StandardCharsets.UTF_8),
                REQUEST.getBytes(StandardCharsets.UTF_8), DeliveryHarness.pipelineHeaders(headers)));
        assertThat(d.readyToSend()).isFalse();
        h.publish(d);
        assertThat(d.outcome().status()).isEqualTo(Status.SENT);
        assertThat(h.selector.acquired.get() - h.selector.released.get()).as("sends of quota held").isZero();
    }
}
