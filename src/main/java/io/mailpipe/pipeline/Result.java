package io.mailpipe.pipeline;

import java.time.Instant;
import java.util.List;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.ReasonCode;

/**
 * What an attempt came to, before it is turned into records.
 *
 * @param reasonCode  the reason (its status is the outcome's status)
 * @param reason      human-readable reason
 * @param smtp        the server's reply, if any
 * @param rejected    recipients refused while others were accepted
 * @param retryAt     for DEFERRED: a fixed next-attempt time (account quota), or null to use the retry policy
 * @param countsAsAttempt for DEFERRED: whether the next try is a new attempt (false when nothing was tried)
 * @param errorClass  for dead letters: the class of the error
 * @param requeue     a retry record that is not due yet: put it back on the retry topic unchanged, no outcome
 */
record Result(ReasonCode reasonCode, String reason, OutcomeEvent.Smtp smtp, List<OutcomeEvent.RejectedRecipient> rejected,
              Instant retryAt, boolean countsAsAttempt, String errorClass, boolean requeue) {

    Result(ReasonCode reasonCode, String reason, OutcomeEvent.Smtp smtp, List<OutcomeEvent.RejectedRecipient> rejected,
           Instant retryAt, boolean countsAsAttempt, String errorClass) {
        this(reasonCode, reason, smtp, rejected, retryAt, countsAsAttempt, errorClass, false);
    }

    /** A retry record read before its time: back onto the retry topic as it is. */
    static Result notDueYet(Instant notBefore) {
        return new Result(ReasonCode.TEMPORARY_FAILURE, "not due before " + notBefore, null, null, notBefore, false, null, true);
    }

    /** Every recipient is on the suppression list: nothing is sent (issue 4). */
    static Result suppressed() {
        return new Result(ReasonCode.SUPPRESSED, "every recipient is on the suppression list", null, null, null, false, null);
    }

    static Result invalid(ReasonCode code, String reason, Class<?> errorClass) {
        return new Result(code, reason, null, null, null, true, errorClass.getName());
    }
}
