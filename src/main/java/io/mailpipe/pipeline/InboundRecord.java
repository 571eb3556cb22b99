package io.mailpipe.pipeline;

import java.util.List;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;


import io.mailpipe.kafka.MailpipeHeaders;

/**
 * A request record as read from {@code mail.requests} or {@code mail.retry}: bytes and headers exactly as they
 * arrived, and where they came from.
 */
public record InboundRecord(String topic, int partition, long offset, byte[] key, byte[] value, List<RecordHeader> headers) {

    public InboundRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** The key as text, or null. */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The attempt this record is for: 1 on {@code mail.requests}, the {@code mailpipe.attempt} header on retries. */
    public int attempt() {
        String value = header(MailpipeHeaders.ATTEMPT);
        try {
            return value == null ? 1 : Math.max(1, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** First attempt time carried by a retry record, or null on a first attempt. */
    public Instant firstAttemptAt() {
        return instantHeader(MailpipeHeaders.FIRST_ATTEMPT_AT);
    }

    /** When a retry record may be tried, or null. */
    public Instant notBefore() {
        return instantHeader(MailpipeHeaders.NOT_BEFORE);
    }

    /** Bare, lower-case addresses of a comma-separated address-list header (empty when absent). */
    public java.util.Set<String> addressSet(String name) {
        String value = header(name);
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    set.add(part.trim().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return set;
    }

    /** The last value of a header as UTF-8 text, or null. */
    public String header(String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            RecordHeader h = headers.get(i);
            if (h.key().equals(name)) {
                return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private Instant instantHeader(String name) {
        String value = header(name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The replay key of a record re-published by {@code mailpipe replay}, or null. */
    public String replayKey() {
        return header(MailpipeHeaders.REPLAY);
    }

    /** The record's headers without the ones mailpipe added on earlier hops (the replay key is kept). */
    public List<RecordHeader> originalHeaders() {
        List<RecordHeader> copy = new java.util.ArrayList<>(headers.size());
        for (RecordHeader h : headers) {
            if (!h.key().startsWith(MailpipeHeaders.PREFIX) || h.key().equals(MailpipeHeaders.REPLAY)) {
                copy.add(h);
            }
        }
        return copy;
    }

    /** Identifies the record in logs and as a last-resort request id: topic-partition@offset. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }
}
