package io.mailpipe.pipeline;

import java.time.Instant;
import java.util.List;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;

/**
 * What an attempt concluded, to be written (by the worker, which maps it to Kafka records): the outcome event, and a
 * dead letter or a retry record that follows from it. Immutable.
 *
 * @param source    the record the attempt read (its key, bytes and headers travel into a dead letter or retry record)
 * @param requestId the request id (the key of the outcome and of a retry record)
 * @param outcome   the outcome event, or null when there is none (a retry record put back before its time)
 * @param followUp  what else is written
 * @param terminal  whether this ends the request
 */
public record Conclusion(InboundRecord source, String requestId, OutcomeEvent outcome, FollowUp followUp, boolean terminal) {

    /** What follows an outcome. */
    public sealed interface FollowUp permits None, DeadLetter, Retry {
    }

    /** Nothing more. */
    public record None() implements FollowUp {
    }

    /**
     * The original record goes to the dead-letter topic (REJECTED, EXPIRED, UNCERTAIN).
     *
     * @param errorClass the class of the error or of the component that decided
     * @param at         when it was dead-lettered
     */
    public record DeadLetter(ReasonCode code, String reason, Status status, String errorClass, Instant at) implements FollowUp {
    }

    /**
     * The original record goes to the retry topic for a later attempt.
     *
     * @param attempt            the attempt number of the next try
     * @param notBefore          when it may be tried
     * @param firstAttemptAt     when the request was first attempted
     * @param recipientsAccepted recipients reached so far (not sent to again)
     * @param recipientsRefused  recipients refused for good so far (not sent to again)
     * @param uncertainAt        when a delivery of the request was first uncertain, or null
     * @param failovers          the moves between accounts so far (carried on), oldest first
     */
    public record Retry(int attempt, Instant notBefore, Instant firstAttemptAt, List<String> recipientsAccepted,
                        List<String> recipientsRefused, String uncertainAt, List<OutcomeEvent.Failover> failovers)
            implements FollowUp {
        public Retry {
            recipientsAccepted = List.copyOf(recipientsAccepted);
            recipientsRefused = List.copyOf(recipientsRefused);
            failovers = List.copyOf(failovers);
        }
    }

    /** Nothing to write (a duplicate). */
    static Conclusion nothing(InboundRecord source, String requestId) {
        return new Conclusion(source, requestId, null, new None(), false);
    }

    /** Whether there is nothing to write. */
    public boolean isEmpty() {
        return outcome == null && followUp instanceof None;
    }
}
