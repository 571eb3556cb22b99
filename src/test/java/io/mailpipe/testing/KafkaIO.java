package io.mailpipe.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.mailpipe.kafka.TopicTail;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;

/** Publishing requests and reading topics in tests. */
public final class KafkaIO implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaIO() {
        this(TestKafka.bootstrapServers());
    }

    /** A producer (acks=all, idempotent: the client's defaults) on another broker or cluster. */
    public KafkaIO(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(64 * 1024 * 1024));
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void send(String topic, String key, byte[] value, Header... headers) {
        try {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, List.of(headers));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends without waiting for the acknowledgement; {@link #flush()} waits for all. */
    public void sendAsync(String topic, String key, String json) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
    }

    public void flush() {
        producer.flush();
    }

    public void send(String topic, String key, String json) {
        send(topic, key, json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** Collects a topic's records in the background while a test runs. */
    public static final class Collector implements AutoCloseable {
        private final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        public Collector(String topic) {
            this(TestKafka.bootstrapServers(), topic);
        }

        /** Collects a topic of another broker or cluster. */
        public Collector(String bootstrapServers, String topic) {
            TopicTail tail = new TopicTail(bootstrapServers, topic);
            thread = new Thread(() -> {
                try (tail) {
                    while (running) {
                        records.addAll(tail.poll(Duration.ofMillis(100)));
                    }
                }
            }, "collector-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        public List<ConsumerRecord<byte[], byte[]>> records() {
            return new ArrayList<>(records);
        }

        public List<OutcomeEvent> outcomes() {
            List<OutcomeEvent> out = new ArrayList<>();
            for (var r : records) {
                try {
                    out.add(OutcomeJson.read(r.value()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("unreadable outcome", e);
                }
            }
            return out;
        }

        public List<OutcomeEvent> outcomesFor(String id) {
            return outcomes().stream().filter(e -> id.equals(e.id())).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
