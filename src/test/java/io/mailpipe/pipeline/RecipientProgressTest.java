package io.mailpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.RecipientFailure;
import io.mailpipe.smtp.SmtpReply;

class RecipientProgressTest {

    private static InboundRecord record(String accepted, String refused) {
        Headers headers = new RecordHeaders();
        if (accepted != null) {
            headers.add(MailpipeHeaders.RECIPIENTS_ACCEPTED, accepted.getBytes(StandardCharsets.UTF_8));
        }
        if (refused != null) {
            headers.add(MailpipeHeaders.RECIPIENTS_REFUSED, refused.getBytes(StandardCharsets.UTF_8));
        }
        return new InboundRecord("mail.retry", 0, 1, null, new byte[0], DeliveryHarness.pipelineHeaders(headers));
    }

    private static RecipientFailure refusal(String address, String reply) {
        return new RecipientFailure(address, SmtpReply.parse(reply));
    }

    private static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aFirstAttemptSendsToEveryone() {
        RecipientProgress p = new RecipientProgress(record(null, null));
        assertThat(p.isFresh()).isTrue();
        assertThat(p.planEnvelope(List.of("A@x.example", "b@x.example"))).containsExactly("A@x.example", "b@x.example");
        assertThat(p.allAccepted()).isEqualTo(ReasonCode.ACCEPTED);
        assertThat(p.acceptedSoFar()).containsExactly("a@x.example", "b@x.example");
        assertThat(p.refusedSoFar()).isEmpty();
    }

    @Test
    void aRetrySkipsWhoWasReachedOrRefusedIgnoringCase() {
        RecipientProgress p = new RecipientProgress(record("a@x.example", "C@x.example"));
        assertThat(p.planEnvelope(List.of("A@X.example", "b@x.example", "c@x.example"))).containsExactly("b@x.example");
        assertThat(p.allAccepted()).as("c was refused before").isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(p.earlierRefusals()).extracting(r -> r.address()).containsExactly("c@x.example");
        assertThat(p.acceptedCount()).isEqualTo(2);
    }

    @Test
    void someAcceptedSomeTemporarilyRefusedIsPartiallyDeferred() {
        RecipientProgress p = new RecipientProgress(record(null, null));
        p.planEnvelope(List.of("a@x.example", "busy@x.example", "gone@x.example"));
        ReasonCode code = p.afterFailure(ReasonCode.PARTIALLY_ACCEPTED, List.of(
                refusal("busy@x.example", "450 4.2.1 busy"), refusal("gone@x.example", "550 5.1.1 unknown")));
        assertThat(code).isEqualTo(ReasonCode.PARTIALLY_DEFERRED);
        assertThat(p.acceptedSoFar()).containsExactly("a@x.example");
        assertThat(p.refusedSoFar()).containsExactly("gone@x.example");
    }

    @Test
    void onlyPermanentRefusalsAlongsideAcceptanceStaySent() {
        RecipientProgress p = new RecipientProgress(record(null, null));
        p.planEnvelope(List.of("a@x.example", "gone@x.example"));
        assertThat(p.afterFailure(ReasonCode.PARTIALLY_ACCEPTED, List.of(refusal("gone@x.example", "550 5.1.1 unknown"))))
                .isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
    }

    @Test
    void theLastRecipientsRefusedForGoodAfterEarlierAcceptanceIsPartiallyAccepted() {
        RecipientProgress p = new RecipientProgress(record("a@x.example", null));
        p.planEnvelope(List.of("a@x.example", "b@x.example"));
        assertThat(p.afterFailure(ReasonCode.RECIPIENT_REJECTED, List.of(refusal("b@x.example", "550 5.1.1 unknown"))))
                .isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
    }

    @Test
    void aRejectedMessageStaysFailedAndAWholeDeferralKeepsTheLists() {
        RecipientProgress fresh = new RecipientProgress(record(null, null));
        fresh.planEnvelope(List.of("a@x.example"));
        assertThat(fresh.afterFailure(ReasonCode.RECIPIENT_REJECTED, List.of(refusal("a@x.example", "550 5.1.1 unknown"))))
                .as("nobody was reached").isEqualTo(ReasonCode.RECIPIENT_REJECTED);

        RecipientProgress later = new RecipientProgress(record("a@x.example", null));
        later.planEnvelope(List.of("a@x.example", "b@x.example", "c@x.example"));
        assertThat(later.afterFailure(ReasonCode.MESSAGE_REJECTED, List.of())).isEqualTo(ReasonCode.MESSAGE_REJECTED);
        assertThat(later.afterFailure(ReasonCode.TEMPORARY_FAILURE, List.of(refusal("c@x.example", "550 5.1.1 unknown"),
                refusal("b@x.example", "451 4.3.0 later")))).isEqualTo(ReasonCode.TEMPORARY_FAILURE);
        assertThat(later.acceptedSoFar()).containsExactly("a@x.example");
        assertThat(later.refusedSoFar()).as("5xx ones are not tried again").containsExactly("c@x.example");
    }
}
