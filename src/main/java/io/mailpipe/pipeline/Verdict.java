package io.mailpipe.pipeline;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SmtpReply;

/**
 * What one send attempt (one part, through one account) came to, as {@link AttemptJudge} decides it from the
 * attempt's facts and the SMTP transaction alone. The delivery then acts on it: records the outcome, moves the
 * message to another account, or schedules the next attempt. Immutable; one per attempt.
 */
public sealed interface Verdict {

    /** The reason code the attempt's outcome carries (before it is combined with a split request's other parts). */
    ReasonCode code();

    /** The failure as judged (an unexplained refusal may become {@code refusal_unexplained}); null when all accepted. */
    SendFailure failure();

    /** The message went out: to the whole envelope ({@code accepted}) or to some of it ({@code partially_accepted}). */
    record Sent(ReasonCode code, SmtpReply reply, SendFailure failure) implements Verdict {
        public Sent {
            requireStatus(code, Status.SENT);
        }
    }

    /** Not delivered now, tried again later through the retry topic (4xx, some recipients 4xx, an unexplained refusal). */
    record Deferred(ReasonCode code, SendFailure failure) implements Verdict {
        public Deferred {
            requireStatus(code, Status.DEFERRED);
        }
    }

    /** Refused before anything was sent (a From the account may not use, too large for the account ...): REJECTED. */
    record Rejected(ReasonCode code, SendFailure failure) implements Verdict {
        public Rejected {
            requireStatus(code, Status.REJECTED);
        }
    }

    /** Refused for good by the server for the message or its recipients: FAILED, never sent again. */
    record Failed(ReasonCode code, SendFailure failure) implements Verdict {
        public Failed {
            requireStatus(code, Status.FAILED);
        }
    }

    /**
     * The data and its final dot went out and no reply came: it may have been delivered. Never moved to another
     * account; {@code resendOnce} when the policy allows the one resend with the same Message-ID.
     */
    record Uncertain(SendFailure failure, boolean resendOnce) implements Verdict {
        @Override
        public ReasonCode code() {
            return resendOnce ? ReasonCode.UNCERTAIN_RETRY : ReasonCode.DELIVERY_UNCERTAIN;
        }
    }

    /**
     * Nothing was delivered and the account (or a refusal no rule explains) is to blame: the message moves to the next
     * account that can send now; when none can, it waits for one ({@code code} is the failure's reason).
     */
    record Failover(SendFailure failure, boolean unexplained) implements Verdict {
        @Override
        public ReasonCode code() {
            return failure.reason();
        }
    }

    private static void requireStatus(ReasonCode code, Status status) {
        if (code.status() != status) {
            throw new IllegalArgumentException(code.code() + " is " + code.status() + ", not " + status);
        }
    }
}
