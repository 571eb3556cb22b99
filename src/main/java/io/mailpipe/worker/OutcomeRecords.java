package io.mailpipe.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.pipeline.Conclusion;
import io.mailpipe.pipeline.RecordHeader;

/**
 * Maps a {@link Conclusion} to the Kafka records that carry it (the edge between the pipeline and Kafka): the outcome
 * event on {@code mail.outcomes} keyed by the request id (with the replay key header of a replayed record), and the
 * original record on {@code mail.dlq} or {@code mail.retry} with mailpipe's headers (README "Contract").
 */
public final class OutcomeRecords {

    private final KafkaSettings.Topics topics;

    public OutcomeRecords(KafkaSettings.Topics topics) {
        this.topics = topics;
    }

    /** The records to publish, in order (none for a duplicate). */
    public List<ProducerRecord<byte[], byte[]>> records(Conclusion c) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        byte[] requestKey = c.requestId() == null ? null : c.requestId().getBytes(StandardCharsets.UTF_8);
        if (c.outcome() != null) {
            ProducerRecord<byte[], byte[]> outcome = new ProducerRecord<>(topics.outcomes(), null, requestKey,
                    OutcomeJson.write(c.outcome()));
            put(outcome.headers(), MailpipeHeaders.STATUS, c.outcome().status().name());
            String replayKey = c.source().replayKey();
            if (replayKey != null) {
                put(outcome.headers(), MailpipeHeaders.REPLAY, replayKey);
            }
            records.add(outcome);
        }
        if (c.followUp() instanceof Conclusion.DeadLetter dl) {
            records.add(deadLetter(c, dl));
        } else if (c.followUp() instanceof Conclusion.Retry retry) {
            records.add(retry(c, requestKey, retry));
        }
        return records;
    }

    private ProducerRecord<byte[], byte[]> deadLetter(Conclusion c, Conclusion.DeadLetter dl) {
        Headers headers = original(c);
        var source = c.source();
        put(headers, MailpipeHeaders.DLQ_SOURCE_TOPIC, source.topic());
        put(headers, MailpipeHeaders.DLQ_SOURCE_PARTITION, String.valueOf(source.partition()));
        put(headers, MailpipeHeaders.DLQ_SOURCE_OFFSET, String.valueOf(source.offset()));
        put(headers, MailpipeHeaders.DLQ_REQUEST_ID, c.requestId());
        put(headers, MailpipeHeaders.DLQ_ERROR_CLASS, dl.errorClass());
        put(headers, MailpipeHeaders.DLQ_REASON_CODE, dl.code().code());
        put(headers, MailpipeHeaders.DLQ_REASON, dl.reason());
        put(headers, MailpipeHeaders.DLQ_STATUS, dl.status().name());
        put(headers, MailpipeHeaders.DLQ_AT, dl.at().toString());
        return new ProducerRecord<>(topics.dlq(), null, source.key(), source.value(), headers);
    }

    private ProducerRecord<byte[], byte[]> retry(Conclusion c, byte[] requestKey, Conclusion.Retry retry) {
        Headers headers = original(c);
        put(headers, MailpipeHeaders.ATTEMPT, String.valueOf(retry.attempt()));
        put(headers, MailpipeHeaders.NOT_BEFORE, retry.notBefore().toString());
        put(headers, MailpipeHeaders.FIRST_ATTEMPT_AT, retry.firstAttemptAt().toString());
        addressList(headers, MailpipeHeaders.RECIPIENTS_ACCEPTED, retry.recipientsAccepted());
        addressList(headers, MailpipeHeaders.RECIPIENTS_REFUSED, retry.recipientsRefused());
        if (!retry.failovers().isEmpty()) {
            headers.remove(MailpipeHeaders.FAILOVERS);
            headers.add(MailpipeHeaders.FAILOVERS, OutcomeJson.writeFailovers(retry.failovers()));
        }
        if (retry.uncertainAt() != null) {
            put(headers, MailpipeHeaders.UNCERTAIN_AT, retry.uncertainAt());
        }
        return new ProducerRecord<>(topics.retry(), null, requestKey, c.source().value(), headers);
    }

    /** The record's headers as they arrived, without the ones mailpipe added on earlier hops (the replay key kept). */
    private static Headers original(Conclusion c) {
        RecordHeaders headers = new RecordHeaders();
        for (RecordHeader h : c.source().originalHeaders()) {
            headers.add(h.key(), h.value());
        }
        return headers;
    }

    private static void addressList(Headers headers, String name, List<String> addresses) {
        headers.remove(name);
        if (!addresses.isEmpty()) {
            headers.add(name, String.join(",", addresses).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
    }
}
