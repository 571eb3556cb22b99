package io.mailpipe.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.TopicAdmin;

/**
 * What {@code mailpipe replay} re-published, kept in Kafka so that it survives restarts and is shared by every
 * operator: the compacted topic {@code mail.replays}, one record per replayed failure, keyed by its replay key
 * ({@link FailedRequest#replayKey()}), value a JSON object (see docs/operations.md).
 */
final class ReplayLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final io.mailpipe.kafka.KafkaConnection bootstrapServers;
    private final String topic;

    ReplayLog(io.mailpipe.kafka.KafkaConnection bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /** Replay key to the JSON of its entry, for everything replayed so far (empty when the topic does not exist yet). */
    Map<String, String> read() {
        Map<String, String> done = new HashMap<>();
        TopicSnapshot.read(bootstrapServers, topic, r -> {
            if (r.key() == null) {
                return;
            }
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                done.remove(key); // a tombstone: an operator allowed this failure to be replayed again
            } else {
                done.put(key, new String(r.value(), StandardCharsets.UTF_8));
            }
        });
        return done;
    }

    /** Creates the compacted topic when it is missing. */
    void ensureTopic(KafkaSettings kafka) {
        TopicAdmin.createMissing(bootstrapServers, java.util.List.of(new NewTopic(topic, 1, kafka.replicationFactor())
                .configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1"))), "the replay log topic " + topic);
    }

    /** The entry that records one replay. */
    ProducerRecord<byte[], byte[]> entry(FailedRequest r, RecordMetadata published, Instant at) {
        ObjectNode v = JSON.createObjectNode();
        v.put("replayKey", r.replayKey());
        v.put("requestId", r.requestId());
        v.put("status", r.status());
        v.put("reasonCode", r.reasonCode());
        v.put("failedRecord", r.failedRecord());
        v.put("foundAt", r.foundAt());
        v.put("publishedTo", published.topic() + "-" + published.partition() + "@" + published.offset());
        v.put("replayedAt", at.toString());
        try {
            return new ProducerRecord<>(topic, r.replayKey().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(v));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
