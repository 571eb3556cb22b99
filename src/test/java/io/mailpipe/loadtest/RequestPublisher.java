package io.mailpipe.loadtest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes the requests of a phase to {@code mail.requests}: keyed by id, each record's timestamp (CreateTime) set to
 * the moment it is handed to the producer, which {@link OutcomeWatcher} subtracts from the outcome's timestamp.
 * At a fixed rate (requests started at t0 + i/rate) or as fast as Kafka takes them.
 */
final class RequestPublisher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();

    RequestPublisher(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(64 * 1024 * 1024));
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /**
     * Publishes requests {@code phase.id(0..count-1)}; returns once all are acknowledged.
     *
     * @param rate requests per second, 0 for as fast as possible
     */
    void publish(OutcomeWatcher.Phase phase, LoadMessage message, double rate) {
        long start = System.nanoTime();
        for (int i = 0; i < phase.size(); i++) {
            if (rate > 0) {
                long due = start + (long) (i * 1e9 / rate);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            String id = phase.id(i);
            long now = System.currentTimeMillis();
            phase.published(i, now);
            producer.send(new ProducerRecord<>(topic, null, now, id.getBytes(StandardCharsets.UTF_8),
                    requestJson(message, id)), (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            acknowledged.incrementAndGet();
                        }
                    });
            if (failure.get() != null) {
                break;
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("publishing requests to " + topic + " failed: " + failure.get(), failure.get());
        }
    }

    /** The JSON request of the message under {@code id}, as upstream publishes it. */
    static byte[] requestJson(LoadMessage message, String id) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode request = JSON.createObjectNode()
                    .put("id", id)
                    .put("from", message.from());
            request.putArray("to").add(message.to());
            request.put("subject", message.subject()).put("text", message.body());
            return JSON.writeValueAsBytes(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
