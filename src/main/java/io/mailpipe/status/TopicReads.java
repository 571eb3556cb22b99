package io.mailpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.mailpipe.kafka.KafkaConnection;

/**
 * Reads a stretch of a topic up to the end offsets it had when reading began, without a consumer group and without
 * creating the topic: from a time on (records with a timestamp at or after it), or from given offsets for at most so
 * many records. The tools of this package read only this way.
 */
final class TopicReads {

    private final KafkaConnection connection;
    private final Duration timeout;

    TopicReads(KafkaConnection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /** Every record written at or after {@code since}; false when the topic does not exist. */
    boolean since(String topic, Instant since, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return false;
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> from = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = start.get(p);
                from.put(p, at == null ? end.get(p) : at.offset());
            }
            drain(consumer, from, end, Long.MAX_VALUE, each);
            return true;
        }
    }

    /** At most {@code limit} records from these offsets to the end offsets; returns how many were read. */
    long from(Map<TopicPartition, Long> from, long limit, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        if (from.isEmpty()) {
            return 0;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>(from.keySet());
            consumer.assign(partitions);
            return drain(consumer, from, consumer.endOffsets(partitions, timeout), limit, each);
        }
    }

    private long drain(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> from, Map<TopicPartition, Long> end,
                       long limit, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> open = new ArrayList<>();
        for (var e : from.entrySet()) {
            if (e.getValue() < end.get(e.getKey())) {
                consumer.seek(e.getKey(), e.getValue());
                open.add(e.getKey());
            }
        }
        consumer.pause(from.keySet().stream().filter(p -> !open.contains(p)).toList());
        long read = 0;
        long deadline = System.nanoTime() + timeout.multipliedBy(12).toNanos();
        while (!open.isEmpty() && read < limit) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading " + open + " took longer than " + timeout.multipliedBy(12).toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition p = new TopicPartition(r.topic(), r.partition());
                if (r.offset() < end.get(p) && read < limit) {
                    each.accept(r);
                    read++;
                }
            }
            open.removeIf(p -> consumer.position(p, timeout) >= end.get(p));
        }
        return read;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        List<TopicPartition> out = new ArrayList<>();
        if (infos != null) {
            infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        }
        return out;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = connection.asProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "mailpipe-status");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
