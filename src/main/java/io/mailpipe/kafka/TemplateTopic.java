package io.mailpipe.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.compose.CompositionException;
import io.mailpipe.compose.TemplateSource;
import io.mailpipe.outcome.ReasonCode;

/**
 * Templates on a compacted topic ({@code compose.templatesTopic}, e.g. {@code mail.templates}): key = template id
 * (UTF-8), value = UTF-8 JSON {@code {"subject": "...", "text": "...", "html": "..."}} (text and/or html), a
 * tombstone (null value) deletes the template. Every worker reads the whole topic from the beginning (no consumer
 * group) and keeps following it, so a new record changes the template for the next requests of every worker.
 * {@link #start} returns once everything already on the topic has been read, so that a worker never rejects a
 * request because it has not read a template yet. A record that is not such a JSON object makes its template
 * TEMPLATE_ERROR until a valid record replaces it.
 */
public final class TemplateTopic implements TemplateSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateTopic.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());

    /** The JSON value of one record. */
    record Value(String subject, String text, String html) {
    }

    /** What the topic says about one id: a template, or why its record is unusable. */
    private record Entry(Template template, String problem) {
    }

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Entry> templates = new ConcurrentHashMap<>();
    private final Thread follower;
    private volatile boolean running = true;

    private TemplateTopic(KafkaConnection connection, String topic) {
        this.topic = topic;
        Properties props = connection.asProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "mailpipe-templates");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.follower = new Thread(this::follow, "mailpipe-templates");
        this.follower.setDaemon(true);
    }

    /**
     * Creates the topic (compacted, one partition) when {@code create} and it is missing, reads it to its end, and
     * keeps following it.
     */
    public static TemplateTopic start(KafkaConnection connection, String topic, boolean create, short replicationFactor,
                                      Duration timeout) {
        if (create) {
            ensureTopic(connection, topic, replicationFactor);
        }
        TemplateTopic tail = new TemplateTopic(connection, topic);
        try {
            tail.readToEnd(timeout);
        } catch (RuntimeException e) {
            tail.consumer.close(Duration.ofSeconds(5));
            throw e;
        }
        tail.follower.start();
        LOG.info("Read {} template(s) from {}", tail.templates.size(), topic);
        return tail;
    }

    @Override
    public Template find(String id) throws CompositionException {
        Entry entry = templates.get(id);
        if (entry == null) {
            return null;
        }
        if (entry.problem() != null) {
            throw new CompositionException("template.id", entry.problem(), ReasonCode.TEMPLATE_ERROR);
        }
        return entry.template();
    }

    private void readToEnd(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Templates topic " + topic + " does not exist; create it (compacted) or set"
                    + " kafka.createTopics");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read the templates topic " + topic + " within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(this::apply);
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void follow() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(500)).forEach(this::apply);
            }
        } catch (WakeupException e) {
            // close() stops the follower
        } catch (RuntimeException e) {
            LOG.error("Stopped following the templates topic {}: {}; templates stay as last read", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String id = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            templates.remove(id);
            return;
        }
        String where = topic + "[" + id + "]";
        String at = record.topic() + "-" + record.partition() + "@" + record.offset();
        try {
            Value v = JSON.readValue(record.value(), Value.class);
            if (v == null) {
                throw new IOException("null");
            }
            templates.put(id, new Entry(new Template(v.subject(), v.text(), v.html(), at, where), null));
        } catch (IOException e) {
            // the parser's message may quote the template text; only the place is kept
            templates.put(id, new Entry(null, "the record of template '" + id + "' at " + at + " is not a JSON object"
                    + " with subject, text and html"));
            LOG.warn("Unusable template record at {}", at);
        }
    }

    private static void ensureTopic(KafkaConnection connection, String topic, short replicationFactor) {
        TopicAdmin.createMissing(connection, List.of(new NewTopic(topic, 1, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                "the templates topic " + topic);
    }

    @Override
    public void close() {
        running = false;
        try {
            consumer.wakeup();
        } catch (IllegalStateException e) {
            // the follower stopped and closed the consumer already
        }
        try {
            follower.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
