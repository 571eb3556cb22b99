package io.mailpipe.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;


import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.smtp.RecipientFailure;
import io.mailpipe.suppression.SuppressionList;

/**
 * Which recipients of a request have been reached, across attempts. When some recipients accept the message and
 * others get a temporary (4xx) refusal, the next attempt goes to those others only. The lists travel on the retry
 * record ({@code mailpipe.recipients.accepted}, {@code mailpipe.recipients.refused}). Addresses are kept bare and
 * in lower case.
 */
final class RecipientProgress {

    private final Set<String> acceptedBefore;
    private final Set<String> refusedBefore;
    private final Set<String> acceptedNow = new LinkedHashSet<>();
    private final Set<String> refusedNow = new LinkedHashSet<>();
    /** Recipients on the suppression list: never in the envelope, reported in rejectedRecipients (issue 4). */
    private Set<String> suppressed = Set.of();
    private List<String> envelope = List.of();

    RecipientProgress(InboundRecord source) {
        this.acceptedBefore = source.addressSet(MailpipeHeaders.RECIPIENTS_ACCEPTED);
        this.refusedBefore = source.addressSet(MailpipeHeaders.RECIPIENTS_REFUSED);
    }

    /**
     * Leaves the suppressed recipients out of this attempt. They are checked again on every attempt (the list may
     * change), so they do not travel on the retry record.
     *
     * @return true when every recipient is suppressed and no earlier attempt reached anyone (then nothing was or
     *         will be sent, and the request is SUPPRESSED)
     */
    boolean suppress(SuppressionList.Verdict verdict) {
        // recipients an earlier attempt reached or refused are reported as such, not as suppressed
        Set<String> left = new LinkedHashSet<>(verdict.suppressed());
        left.removeAll(acceptedBefore);
        left.removeAll(refusedBefore);
        suppressed = left;
        return verdict.all() && acceptedBefore.isEmpty();
    }

    /** True when no earlier attempt reached or refused any recipient, and none is suppressed. */
    boolean isFresh() {
        return acceptedBefore.isEmpty() && refusedBefore.isEmpty() && suppressed.isEmpty();
    }

    /** Chooses this attempt's envelope: the recipients earlier attempts did not reach or refuse for good. */
    List<String> planEnvelope(List<String> allRecipients) {
        envelope = allRecipients.stream().filter(a -> !acceptedBefore.contains(lower(a)) && !refusedBefore.contains(lower(a))
                        && !suppressed.contains(lower(a))).toList();
        return envelope;
    }

    /** Earlier attempts reached someone (the request is at least partly delivered). */
    boolean someAcceptedBefore() {
        return !acceptedBefore.isEmpty();
    }

    /** Number of recipients that accepted the message, in this attempt or before. */
    int acceptedCount() {
        return acceptedBefore.size() + acceptedNow.size();
    }

    /** The whole envelope of this attempt accepted the message; the reason code for the outcome. */
    ReasonCode allAccepted() {
        envelope.forEach(a -> acceptedNow.add(lower(a)));
        return refusedBefore.isEmpty() && suppressed.isEmpty() ? ReasonCode.ACCEPTED : ReasonCode.PARTIALLY_ACCEPTED;
    }

    /**
     * Records what a failed attempt did to the recipients; returns its reason code once they are counted
     * ({@link AttemptJudge#codeAfterFailure}): accepted for some and 4xx for others is PARTIALLY_DEFERRED; the last
     * recipients refused for good after earlier ones accepted is PARTIALLY_ACCEPTED (the request is SENT for those).
     */
    ReasonCode afterFailure(ReasonCode code, List<RecipientFailure> refused) {
        return afterFailure(code, refused, false);
    }

    /**
     * As {@link #afterFailure(ReasonCode, List)}; when {@code accountLevel}, the refusals were about the account
     * (throttled, blocked), not the recipients: every refused recipient is tried again, whatever the reply's class.
     */
    ReasonCode afterFailure(ReasonCode code, List<RecipientFailure> refused, boolean accountLevel) {
        ReasonCode counted = AttemptJudge.codeAfterFailure(code, refused, accountLevel, someAcceptedBefore());
        if (code == ReasonCode.PARTIALLY_ACCEPTED) {
            Set<String> refusedAddresses = new HashSet<>();
            for (RecipientFailure r : refused) {
                refusedAddresses.add(lower(r.address()));
                if (!accountLevel && (r.reply() == null || !r.reply().isTransient())) {
                    refusedNow.add(lower(r.address()));
                }
            }
            envelope.stream().map(RecipientProgress::lower).filter(a -> !refusedAddresses.contains(a)).forEach(acceptedNow::add);
        } else if (code.status() == Status.DEFERRED) {
            // recipients refused for good are not tried again
            refused.stream().filter(r -> r.reply() != null && r.reply().isPermanent())
                    .forEach(r -> refusedNow.add(lower(r.address())));
        } else if (counted == ReasonCode.PARTIALLY_ACCEPTED) {
            refused.forEach(r -> refusedNow.add(lower(r.address())));
        }
        return counted;
    }

    /** Whether some recipient was refused for good, in an earlier attempt or this one. */
    boolean someRefused() {
        return !refusedBefore.isEmpty() || !refusedNow.isEmpty();
    }

    /**
     * The recipients of the current envelope that did not accept, marked refused for good: a part of a split request
     * that the server refused as a whole (5xx to the message, or a reason that is not retried) is not sent again.
     */
    List<String> refuseRestOfEnvelope() {
        List<String> refused = new ArrayList<>();
        for (String a : envelope) {
            String lower = lower(a);
            if (!acceptedNow.contains(lower) && refusedNow.add(lower)) {
                refused.add(a);
            }
        }
        return refused;
    }

    /** Recipients refused in earlier attempts, for the outcome's {@code rejectedRecipients} (their replies are in earlier events). */
    List<OutcomeEvent.RejectedRecipient> earlierRefusals() {
        List<OutcomeEvent.RejectedRecipient> list = new ArrayList<>();
        refusedBefore.forEach(a -> list.add(new OutcomeEvent.RejectedRecipient(a, null)));
        suppressed.forEach(a -> list.add(new OutcomeEvent.RejectedRecipient(a, null, ReasonCode.SUPPRESSED.code())));
        return list;
    }

    /** Writes the lists onto a retry record's headers. */
    /** Recipients reached so far, earlier attempts' first: not sent to again (the retry record carries them). */
    List<String> acceptedSoFar() {
        Set<String> all = new LinkedHashSet<>(acceptedBefore);
        all.addAll(acceptedNow);
        return List.copyOf(all);
    }

    /** Recipients refused for good so far, earlier attempts' first: not sent to again. */
    List<String> refusedSoFar() {
        Set<String> all = new LinkedHashSet<>(refusedBefore);
        all.addAll(refusedNow);
        return List.copyOf(all);
    }

    private static String lower(String address) {
        return address.toLowerCase(Locale.ROOT);
    }
}
