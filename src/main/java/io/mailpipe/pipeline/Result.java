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
 */
record Result(ReasonCode reasonCode, String reason, OutcomeEvent.Smtp smtp, List<OutcomeEvent.RejectedRecipient> rejected,
              Instant retryAt, boolean countsAsAttempt, String errorClass) {

    static Result of(ReasonCode code, String reason) {
        return new Result(code, reason, null, null, null, true, null);
    }

    static Result invalid(ReasonCode code, String reason, Class<?> errorClass) {
        return new Result(code, reason, null, null, null, true, errorClass.getName());
    }
}
