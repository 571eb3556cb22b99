package io.mailpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.UncertainPolicy;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.RecipientFailure;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SendFailure.Scope;
import io.mailpipe.smtp.SmtpReply;

class AttemptJudgeTest {

    private static final AttemptJudge.Facts FRESH = new AttemptJudge.Facts(false, false, UncertainPolicy.RETRY_ONCE, false);

    private static SendFailure failure(ReasonCode reason, String reply, Scope scope, RecipientFailure... refused) {
        return new SendFailure(reason, SmtpReply.parse(reply), List.of(refused), reply == null ? "no reply" : reply, scope);
    }

    private static RecipientFailure refused(String address, String reply) {
        return new RecipientFailure(address, SmtpReply.parse(reply));
    }

    @Test
    void acceptedByTheWholeEnvelopeIsSent() {
        assertThat(AttemptJudge.accepted(SmtpReply.parse("250 2.0.0 Ok"), false))
                .isEqualTo(new Verdict.Sent(ReasonCode.ACCEPTED, SmtpReply.parse("250 2.0.0 Ok"), null));
        assertThat(AttemptJudge.accepted(SmtpReply.parse("250 2.0.0 Ok"), true).code())
                .as("earlier refusals or suppressed recipients").isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
    }

    @Test
    void anAccountLevelRefusalMovesTheMessageWhenNothingWentOutInThisTry() {
        SendFailure throttled = failure(ReasonCode.RATE_LIMITED, "451 4.7.1 Rate limit exceeded", Scope.ACCOUNT);

        assertThat(AttemptJudge.failed(FRESH, throttled)).isEqualTo(new Verdict.Failover(throttled, false));
    }

    @Test
    void anUnexplainedRefusalMovesTheMessageAndSaysSo() {
        SendFailure unexplained = failure(ReasonCode.MESSAGE_REJECTED, "554 5.7.0 Message not accepted", Scope.UNEXPLAINED);

        Verdict verdict = AttemptJudge.failed(FRESH, unexplained);

        assertThat(verdict).isInstanceOf(Verdict.Failover.class);
        assertThat(((Verdict.Failover) verdict).unexplained()).isTrue();
        assertThat(verdict.code()).isEqualTo(ReasonCode.MESSAGE_REJECTED);
    }

    @Test
    void afterAnEarlierPartWentOutNothingMovesAndAnUnexplainedRefusalIsNeverFailed() {
        AttemptJudge.Facts started = new AttemptJudge.Facts(true, false, UncertainPolicy.RETRY_ONCE, false);

        Verdict unexplained = AttemptJudge.failed(started,
                failure(ReasonCode.MESSAGE_REJECTED, "554 5.7.0 Message not accepted", Scope.UNEXPLAINED));
        Verdict throttled = AttemptJudge.failed(started,
                failure(ReasonCode.RATE_LIMITED, "451 4.7.1 Rate limit exceeded", Scope.ACCOUNT));

        assertThat(unexplained).isInstanceOf(Verdict.Deferred.class);
        assertThat(unexplained.code()).isEqualTo(ReasonCode.REFUSAL_UNEXPLAINED);
        assertThat(unexplained.failure().reply().code()).isEqualTo(554);
        assertThat(throttled).isEqualTo(new Verdict.Deferred(ReasonCode.RATE_LIMITED,
                failure(ReasonCode.RATE_LIMITED, "451 4.7.1 Rate limit exceeded", Scope.ACCOUNT)));
    }

    @Test
    void aMessageRefusedForGoodFailsAndARecipientAfterEarlierAcceptanceIsPartlySent() {
        SendFailure unknown = failure(ReasonCode.RECIPIENT_REJECTED, "550 5.1.1 unknown", Scope.RECIPIENT,
                refused("gone@x.example", "550 5.1.1 unknown"));

        assertThat(AttemptJudge.failed(FRESH, unknown)).isInstanceOf(Verdict.Failed.class);
        Verdict later = AttemptJudge.failed(new AttemptJudge.Facts(false, true, UncertainPolicy.RETRY_ONCE, false), unknown);
        assertThat(later).isInstanceOf(Verdict.Sent.class);
        assertThat(later.code()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        Verdict content = AttemptJudge.failed(new AttemptJudge.Facts(false, true, UncertainPolicy.RETRY_ONCE, false),
                failure(ReasonCode.MESSAGE_REJECTED, "550 5.7.1 message content rejected", Scope.MESSAGE));
        assertThat(content).as("the message's fault stays FAILED").isInstanceOf(Verdict.Failed.class);
    }

    @Test
    void someRecipientsAcceptedOthersTemporarilyRefusedIsPartlyDeferred() {
        SendFailure partly = failure(ReasonCode.PARTIALLY_ACCEPTED, "250 2.0.0 Ok", Scope.RECIPIENT,
                refused("full@x.example", "452 4.2.2 mailbox full"));
        SendFailure partlyForGood = failure(ReasonCode.PARTIALLY_ACCEPTED, "250 2.0.0 Ok", Scope.RECIPIENT,
                refused("gone@x.example", "550 5.1.1 unknown"));

        assertThat(AttemptJudge.failed(FRESH, partly)).isEqualTo(new Verdict.Deferred(ReasonCode.PARTIALLY_DEFERRED, partly));
        assertThat(AttemptJudge.failed(FRESH, partlyForGood))
                .isEqualTo(new Verdict.Sent(ReasonCode.PARTIALLY_ACCEPTED, partlyForGood.reply(), partlyForGood));
    }

    @Test
    void noReplyAfterTheDataIsUncertainAndResentAtMostOnce() {
        SendFailure noReply = failure(ReasonCode.DELIVERY_UNCERTAIN, null, Scope.ACCOUNT);

        assertThat(AttemptJudge.failed(FRESH, noReply)).isEqualTo(new Verdict.Uncertain(noReply, true));
        assertThat(AttemptJudge.failed(FRESH, noReply).code()).isEqualTo(ReasonCode.UNCERTAIN_RETRY);
        assertThat(AttemptJudge.failed(new AttemptJudge.Facts(false, false, UncertainPolicy.RETRY_ONCE, true), noReply))
                .as("uncertain before").isEqualTo(new Verdict.Uncertain(noReply, false));
        assertThat(AttemptJudge.failed(new AttemptJudge.Facts(false, false, UncertainPolicy.HOLD, false), noReply).code())
                .isEqualTo(ReasonCode.DELIVERY_UNCERTAIN);
    }

    @Test
    void aVerdictCannotCarryACodeOfAnotherStatus() {
        assertThatThrownBy(() -> new Verdict.Failed(ReasonCode.ACCEPTED, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accepted");
    }
}
