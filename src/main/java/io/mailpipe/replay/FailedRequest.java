package io.mailpipe.replay;

import java.time.Instant;

import org.apache.kafka.common.header.Headers;

/**
 * One failed request found by {@code mailpipe replay}: the original record (key, value bytes, the producer's own
 * headers) and what is known about its failure.
 *
 * @param requestId  the request id (or the key when the value is unreadable)
 * @param key        the original record key
 * @param value      the original value bytes
 * @param headers    the original headers, without any {@code mailpipe.*} header
 * @param status     REJECTED, EXPIRED or FAILED
 * @param reasonCode the failure's reason code
 * @param failedAt   when it failed
 * @param account    the account the request named, else the one it was last tried with, else null
 * @param campaign   the request's campaign, or null
 * @param failedRecord where the record whose processing failed was read: {@code topic-partition@offset}
 * @param foundAt    where the tool found it: {@code mail.dlq-0@12} or {@code mail.outcomes-3@40}
 */
public record FailedRequest(String requestId, byte[] key, byte[] value, Headers headers, String status, String reasonCode,
                            Instant failedAt, String account, String campaign, String failedRecord, String foundAt) {

    /** Identifies this failure for good: the same failure found in {@code mail.dlq} and in outcomes has the same key. */
    public String replayKey() {
        return requestId + "@" + failedRecord;
    }
}
