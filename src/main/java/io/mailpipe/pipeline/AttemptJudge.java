package io.mailpipe.pipeline;

import java.util.List;

import io.mailpipe.config.UncertainPolicy;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.smtp.RecipientFailure;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SmtpReply;

/**
 * The judge of one send attempt: from the attempt's facts and what the SMTP transaction came to (already read by the
 * classifier and the account's pushback judge), the {@link Verdict}. Pure: no state, no clock, no side effects;
 * acting on the verdict is the delivery's job ({@link DeliveryService}).
 */
public final class AttemptJudge {

    /**
     * What the judge needs to know of the attempt.
     *
     * @param partsStarted        an earlier part of this (split) request went out in this try: moving the rest to
     *                            another account would send some recipients a second copy, so no failover
     * @param someAcceptedBefore  an earlier attempt reached some recipients (the request is at least partly SENT)
     * @param uncertainPolicy     {@code retry.uncertain}
     * @param uncertainBefore     an earlier attempt of this request ended with delivery uncertain
     */
    public record Facts(boolean partsStarted, boolean someAcceptedBefore, UncertainPolicy uncertainPolicy,
                        boolean uncertainBefore) {
    }

    private AttemptJudge() {
    }

    /** The server accepted the message for every recipient of this attempt's envelope. */
    public static Verdict accepted(SmtpReply reply, boolean someRefusedOrSuppressed) {
        return new Verdict.Sent(someRefusedOrSuppressed ? ReasonCode.PARTIALLY_ACCEPTED : ReasonCode.ACCEPTED, reply, null);
    }

    /** The attempt failed, wholly or for some recipients, as {@code failure} says. */
    public static Verdict failed(Facts facts, SendFailure failure) {
        if (failure.reason() == ReasonCode.DELIVERY_UNCERTAIN) {
            return new Verdict.Uncertain(failure,
                    facts.uncertainPolicy() == UncertainPolicy.RETRY_ONCE && !facts.uncertainBefore());
        }
        boolean accountLevel = failure.scope() == SendFailure.Scope.ACCOUNT;
        boolean unexplained = failure.scope() == SendFailure.Scope.UNEXPLAINED;
        // a failover only when nobody got the message in this try: otherwise some would get it twice
        if ((accountLevel || unexplained) && failure.reason() != ReasonCode.PARTIALLY_ACCEPTED && !facts.partsStarted()) {
            return new Verdict.Failover(failure, unexplained);
        }
        SendFailure judged = failure;
        if (unexplained) {
            // a part of a split request after others went out: not FAILED for an unexplained reply, tried again later
            judged = new SendFailure(ReasonCode.REFUSAL_UNEXPLAINED, failure.reply(), failure.rejectedRecipients(),
                    failure.detail(), failure.scope());
        }
        ReasonCode code = codeAfterFailure(judged.reason(), judged.rejectedRecipients(), accountLevel,
                facts.someAcceptedBefore());
        return switch (code.status()) {
            case SENT -> new Verdict.Sent(code, judged.reply(), judged);
            case DEFERRED -> new Verdict.Deferred(code, judged);
            case REJECTED -> new Verdict.Rejected(code, judged);
            case FAILED -> new Verdict.Failed(code, judged);
            case UNCERTAIN -> new Verdict.Uncertain(judged, false);
            case EXPIRED, SUPPRESSED -> throw new IllegalStateException("a send failure cannot be " + code.code());
        };
    }

    /**
     * The reason code of a failed attempt once its recipients are counted: accepted for some and 4xx for others
     * (or refused at account level) is {@code partially_deferred}; the last recipients refused for good after earlier
     * attempts reached others is {@code partially_accepted} (SENT for those). Otherwise the failure's reason.
     */
    static ReasonCode codeAfterFailure(ReasonCode code, List<RecipientFailure> refused, boolean accountLevel,
                                       boolean someAcceptedBefore) {
        if (code == ReasonCode.PARTIALLY_ACCEPTED) {
            boolean someTemporary = refused.stream()
                    .anyMatch(r -> accountLevel || r.reply() != null && r.reply().isTransient());
            return someTemporary ? ReasonCode.PARTIALLY_DEFERRED : code;
        }
        if (code.status() == Status.FAILED && code != ReasonCode.MESSAGE_REJECTED && someAcceptedBefore) {
            return ReasonCode.PARTIALLY_ACCEPTED;
        }
        return code;
    }
}
