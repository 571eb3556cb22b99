package io.mailpipe.kafka;

/**
 * Kafka record header names mailpipe writes. Public contract (README "Dead letters" and "Retries").
 * Values are UTF-8 strings.
 */
public final class MailpipeHeaders {
    private MailpipeHeaders() {
    }

    /**
     * On {@code mail.outcomes}: the event's {@code status} (SENT, DEFERRED, ...), so that a reader that needs only the
     * status (the delivery ledger's restore) does not parse the JSON. The JSON stays the authority.
     */
    public static final String STATUS = "mailpipe.status";
    /** On {@code mail.retry}: the number of the attempt this record is for (2 for the first retry). */
    public static final String ATTEMPT = "mailpipe.attempt";
    /** On {@code mail.retry}: ISO-8601 instant before which the attempt must not start. */
    public static final String NOT_BEFORE = "mailpipe.notBefore";
    /** On {@code mail.retry}: ISO-8601 instant of the first attempt (for {@code retry.maxAge}). */
    public static final String FIRST_ATTEMPT_AT = "mailpipe.firstAttemptAt";

    /**
     * On {@code mail.retry}: recipients (bare addresses, comma-separated) that accepted the message in an earlier
     * attempt; later attempts do not send to them again.
     */
    /**
     * On {@code mail.retry}: set (to the time) when an earlier attempt of the request was uncertain (data sent, no
     * reply); such a request is never resent a second time for that cause.
     */
    public static final String UNCERTAIN_AT = "mailpipe.uncertainAt";
    public static final String RECIPIENTS_ACCEPTED = "mailpipe.recipients.accepted";
    /** On {@code mail.retry}: recipients permanently (5xx) refused in an earlier attempt; not tried again. */
    public static final String RECIPIENTS_REFUSED = "mailpipe.recipients.refused";
    /**
     * On {@code mail.retry}: the accounts the message was moved away from in earlier attempts, as a JSON array of the
     * outcome event's {@code failovers} entries (the next outcomes list them too; a second unexplained refusal of the
     * message ends it FAILED).
     */
    public static final String FAILOVERS = "mailpipe.failovers";

    /** On {@code mail.dlq}: topic the original record was read from. */
    public static final String DLQ_SOURCE_TOPIC = "mailpipe.dlq.source.topic";
    /** On {@code mail.dlq}: its partition. */
    public static final String DLQ_SOURCE_PARTITION = "mailpipe.dlq.source.partition";
    /** On {@code mail.dlq}: its offset. */
    public static final String DLQ_SOURCE_OFFSET = "mailpipe.dlq.source.offset";
    /** On {@code mail.dlq}: the request id when it could be read. */
    public static final String DLQ_REQUEST_ID = "mailpipe.dlq.request.id";
    /** On {@code mail.dlq}: fully qualified class of the error. */
    public static final String DLQ_ERROR_CLASS = "mailpipe.dlq.error.class";
    /** On {@code mail.dlq}: the reason code (same vocabulary as outcome events). */
    public static final String DLQ_REASON_CODE = "mailpipe.dlq.reason.code";
    /** On {@code mail.dlq}: the human-readable reason. */
    public static final String DLQ_REASON = "mailpipe.dlq.reason";
    /** On {@code mail.dlq}: the status the request ended with (REJECTED or EXPIRED). */
    public static final String DLQ_STATUS = "mailpipe.dlq.status";
    /** On {@code mail.dlq}: ISO-8601 instant the record was dead-lettered. */
    public static final String DLQ_AT = "mailpipe.dlq.at";

    /**
     * On {@code mail.requests} records written by {@code mailpipe replay}, and on the outcome, retry and dead-letter
     * records that follow from them: the replay key ({@code <request id>@<topic>-<partition>@<offset>} of the record
     * whose processing ended in the replayed failure). A replayed request is a new attempt under the same id: the
     * delivery ledger tracks it apart from the id's earlier, failed processing. Kept when a record is re-published.
     */
    public static final String REPLAY = "mailpipe.replay";

    /** Prefix of every header mailpipe adds; stripped from a record before it is re-published. */
    public static final String PREFIX = "mailpipe.";
}
