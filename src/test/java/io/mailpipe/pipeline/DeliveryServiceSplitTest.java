package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.RETRY;
import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.header;
import static io.mailpipe.pipeline.DeliveryHarness.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;

/**
 * A request with more recipients than the account's maxRecipients is split into several messages
 * ({@link io.mailpipe.compose.RecipientSplitter}); the outcome reports every part and combines their results.
 */
class DeliveryServiceSplitTest {

    /** Five distinct recipients (one duplicate in cc), two per message: three parts of 2, 2 and 1. */
    private static final String REQUEST = "{\"id\":\"s-1\",\"to\":[\"a@example.org\",\"b@example.org\",\"c@example.org\"],"
            + "\"cc\":[\"d@example.org\",\"A@example.org\"],\"bcc\":\"e@example.org\",\"subject\":\"Hi\",\"text\":\"Hello\"}";

    private final DeliveryHarness h = new DeliveryHarness(account("a", null, 2, null));

    /** Plays the send step for every part: {@code perPart.get(i)} decides what the server does with part i. */
    private void sendParts(Delivery d, List<Consumer<Delivery>> perPart) {
        int i = 0;
        while (h.service.nextPart(d)) {
            perPart.get(i++).accept(d);
        }
    }

    @Test
    void eachPartTakesASendOfQuotaAndPartsBeyondTheLimitWait() throws Exception {
        DeliveryHarness limited = new DeliveryHarness(account("a", 2, 2, null));
        Delivery d = limited.prepare(limited.onRequests("s-1", REQUEST));
        int sent = 0;
        while (limited.service.nextPart(d)) {
            limited.accepts().accept(d);
            sent++;
        }
        limited.publish(d);

        assertThat(sent).as("2 of the 3 parts fit in the hourly limit of 2").isEqualTo(2);
        assertThat(limited.selector.usedThisHour(d.account())).isEqualTo(2);
        assertThat(d.outcome().status()).isEqualTo(Status.DEFERRED);
        assertThat(d.outcome().reasonCode()).isEqualTo("partially_deferred");
        assertThat(d.outcome().parts()).extracting(OutcomeEvent.Part::status)
                .containsExactly(Status.SENT, Status.SENT, Status.DEFERRED);
    }

    private static List<String> envelope(Delivery d) throws MessagingException {
        return Arrays.stream(d.composed().message().envelopeRecipients()).map(a -> ((InternetAddress) a).getAddress()).toList();
    }

    @Test
    void everyPartIsSentWithItsOwnRecipientsAndMessageIdAndReported() throws Exception {
        Delivery d = h.prepare(h.onRequests("s-1", REQUEST));
        assertThat(d.readyToSend()).isTrue();
        List<List<String>> envelopes = new ArrayList<>();
        List<String> toHeaders = new ArrayList<>();
        while (d.nextPart()) {
            envelopes.add(envelope(d));
            jakarta.mail.Address[] to = d.composed().message().getRecipients(Message.RecipientType.TO);
            toHeaders.add(to == null ? "" : String.valueOf(to.length));
            h.service.sent(d, "250 2.0.0 Ok: queued as " + envelopes.size());
        }
        h.publish(d);

        assertThat(envelopes).containsExactly(List.of("a@example.org", "b@example.org"),
                List.of("c@example.org", "d@example.org"), List.of("e@example.org"));
        assertThat(toHeaders).as("each part's To names only its own recipients").containsExactly("2", "1", "");
        OutcomeEvent outcome = d.outcome();
        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.reasonCode()).isEqualTo("accepted");
        assertThat(outcome.parts()).hasSize(3);
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::part).containsExactly(1, 2, 3);
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::status).containsOnly(Status.SENT);
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::messageId).doesNotHaveDuplicates();
        assertThat(outcome.parts().get(1).recipients()).containsExactly("c@example.org", "d@example.org");
        assertThat(outcome.parts().get(2).smtp().text()).contains("queued as 3");
        assertThat(outcome.messageId()).isEqualTo(outcome.parts().get(0).messageId());
        assertThat(h.selector.acquired.get()).as("one send of quota per request").isEqualTo(1);
    }

    @Test
    void aConnectionFailureDefersTheRestAndTheRetrySendsOnlyThem() throws Exception {
        Delivery first = h.prepare(h.onRequests("s-1", REQUEST));
        MessagingException down = new MessagingException("Could not connect to SMTP host", new ConnectException("refused"));
        List<Consumer<Delivery>> script = List.of(h.accepts(), h.fails(down), d -> {
            throw new AssertionError("part 3 must not be tried after the account's connection failed");
        });
        sendParts(first, script);
        List<ProducerRecord<byte[], byte[]>> records = h.publish(first);

        OutcomeEvent outcome = first.outcome();
        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.reasonCode()).isEqualTo("partially_deferred");
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::status)
                .containsExactly(Status.SENT, Status.DEFERRED, Status.DEFERRED);
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::reasonCode)
                .containsExactly("accepted", "connection_failed", "connection_failed");
        ProducerRecord<byte[], byte[]> retry = single(RETRY, records);
        assertThat(header(retry, MailpipeHeaders.RECIPIENTS_ACCEPTED)).isEqualTo("a@example.org,b@example.org");

        h.clock.advance(java.time.Duration.ofHours(1));
        Delivery second = h.prepare(new InboundRecord(RETRY, 0, 9, retry.key(), retry.value(),
                DeliveryHarness.pipelineHeaders(retry.headers())));
        List<List<String>> envelopes = new ArrayList<>();
        while (second.nextPart()) {
            envelopes.add(envelope(second));
            h.service.sent(second, "250 ok");
        }
        h.publish(second);
        assertThat(envelopes).containsExactly(List.of("c@example.org", "d@example.org"), List.of("e@example.org"));
        assertThat(second.outcome().status()).isEqualTo(Status.SENT);
        assertThat(second.outcome().reasonCode()).isEqualTo("accepted");
        assertThat(second.outcome().parts()).extracting(OutcomeEvent.Part::part).containsExactly(2, 3);
    }

    @Test
    void aPartRefusedForGoodLeavesTheRequestSentForTheOthers() throws Exception {
        Delivery d = h.prepare(h.onRequests("s-1", REQUEST));
        SMTPSendFailedException spam = new SMTPSendFailedException(".", 554, "554 5.6.0 Message content rejected\n", null,
                null, null, null);
        sendParts(d, List.of(h.accepts(), h.fails(spam), h.accepts()));
        List<ProducerRecord<byte[], byte[]>> records = h.publish(d);

        OutcomeEvent outcome = d.outcome();
        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.reasonCode()).isEqualTo("partially_accepted");
        assertThat(outcome.rejectedRecipients()).extracting(OutcomeEvent.RejectedRecipient::address)
                .containsExactly("c@example.org", "d@example.org");
        assertThat(outcome.rejectedRecipients().get(0).smtp().code()).isEqualTo(554);
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::status)
                .containsExactly(Status.SENT, Status.FAILED, Status.SENT);
        assertThat(records).extracting(ProducerRecord::topic).doesNotContain(RETRY);
    }

    @Test
    void everyPartRefusedIsFailed() throws Exception {
        Delivery d = h.prepare(h.onRequests("s-1", REQUEST));
        SMTPSendFailedException spam = new SMTPSendFailedException(".", 554, "554 5.6.0 Message content rejected\n", null, null, null, null);
        sendParts(d, List.of(h.fails(spam), h.fails(spam), h.fails(spam)));
        h.publish(d);

        assertThat(d.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(d.outcome().reasonCode()).isEqualTo("message_rejected");
        assertThat(d.outcome().rejectedRecipients()).hasSize(5);
    }

    @Test
    void anUnexpectedErrorAfterTheFirstPartDefersTheRestInsteadOfReportingThemSent() {
        InboundRecord in = h.onRequests("s-1", REQUEST);
        Delivery d = h.prepare(in);
        assertThat(d.nextPart()).isTrue();
        h.service.sent(d, "250 ok");
        Delivery concluded = h.service.internalError(d, in, new IllegalStateException("boom"));
        h.publish(concluded);

        OutcomeEvent outcome = concluded.outcome();
        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.reasonCode()).isEqualTo("partially_deferred");
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::status)
                .containsExactly(Status.SENT, Status.DEFERRED, Status.DEFERRED);
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::reasonCode)
                .containsExactly("accepted", "temporary_failure", "temporary_failure");
    }

    @Test
    void aRequestWithinTheLimitIsNotSplitAndHasNoParts() {
        Delivery d = h.attempt(h.onRequests("s-2", DeliveryHarness.request("s-2")), h.accepts());
        h.publish(d);
        assertThat(d.outcome().status()).isEqualTo(Status.SENT);
        assertThat(d.outcome().parts()).isNull();
    }
}
