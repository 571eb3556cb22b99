package io.mailpipe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes JSON-lines send requests as they are (bytes untouched), keyed by each request's id; a line that is
 * not JSON, or has no id, is keyed {@code line-N} so its outcome can be found. Used by {@code demo} and {@code publish}.
 */
final class RequestLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestLines() {
    }

    /** Publishes every non-blank line; returns the keys used, in order. */
    static List<String> publish(io.mailpipe.kafka.KafkaConnection connection, String topic, List<String> lines)
            throws InterruptedException, ExecutionException {
        return publish(connection, topic, lines, java.time.Duration.ofSeconds(60));
    }

    /** As above, giving up on a record Kafka has not taken within {@code timeout} (the topic's metadata included). */
    static List<String> publish(io.mailpipe.kafka.KafkaConnection connection, String topic, List<String> lines,
                                java.time.Duration timeout) throws InterruptedException, ExecutionException {
        Properties props = connection.asProperties();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(64 * 1024 * 1024));
        List<String> keys = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            int n = 0;
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (String line : lines) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String key = keyOf(line, n);
                keys.add(key);
                sent.add(producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        line.getBytes(StandardCharsets.UTF_8))));
            }
            for (var f : sent) {
                f.get();
            }
        }
        return keys;
    }

    /** The request's id, or {@code line-N} for a line that is not a JSON object with an id. */
    static String keyOf(String line, int lineNumber) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node != null && node.hasNonNull("id") && node.get("id").isTextual() && !node.get("id").asText().isBlank()) {
                return node.get("id").asText();
            }
        } catch (IOException e) {
            // not JSON: the worker rejects it (malformed_json); the key still identifies it
        }
        return "line-" + lineNumber;
    }
}
