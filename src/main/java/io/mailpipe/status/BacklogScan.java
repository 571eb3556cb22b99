package io.mailpipe.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.KafkaConnection;

/**
 * The requests waiting now: the consumer lag of the workers' groups on {@code mail.requests} (group
 * {@code kafka.groupId}) and {@code mail.retry} ({@code groupId.retry}), and the waiting records themselves, read from
 * the committed offsets (at most {@link #SAMPLE} per topic, then counted as a sample) to learn their pools and
 * notAfter. Writes nothing and joins no group.
 */
public final class BacklogScan {

    /** Waiting records read per topic at most; a larger backlog is grouped from these. */
    public static final int SAMPLE = 20_000;

    /** What was found. */
    public record Result(List<StatusSnapshot.Lag> lags, WaitingRequests waiting) {
    }

    private final KafkaConnection connection;
    private final Duration timeout;

    public BacklogScan(KafkaConnection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    public Result scan(KafkaSettings kafka) {
        WaitingRequests waiting = new WaitingRequests();
        List<StatusSnapshot.Lag> lags = new ArrayList<>();
        Map<String, Object> props = connection.clientProperties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-status");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            String[][] consumed = {{kafka.topics().requests(), kafka.groupId()}, {kafka.topics().retry(), kafka.groupId() + ".retry"}};
            for (String[] c : consumed) {
                Map<TopicPartition, Long> from = committedOrEarliest(admin, c[0], c[1]);
                Map<TopicPartition, Long> end = offsets(admin, from.keySet(), OffsetSpec.latest());
                long lag = 0;
                for (var e : from.entrySet()) {
                    lag += Math.max(0, end.get(e.getKey()) - e.getValue());
                }
                lags.add(new StatusSnapshot.Lag(c[0], c[1], lag));
                if (lag > 0) {
                    new TopicReads(connection, timeout).from(from, SAMPLE, r -> waiting.add(r.value()));
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the consumer lag: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer about the consumer lag within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Result(lags, waiting);
    }

    /** Each partition's committed offset, or its earliest when nothing is committed (the group starts there). */
    private Map<TopicPartition, Long> committedOrEarliest(Admin admin, String topic, String group)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic)
                    .partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of();
            }
            throw e;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndMetadata c = committed.get(p);
            out.put(p, c == null ? earliest.get(p) : Math.max(c.offset(), earliest.get(p)));
        }
        return out;
    }

    private Map<TopicPartition, Long> offsets(Admin admin, java.util.Collection<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(query).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((p, i) -> out.put(p, i.offset()));
        return out;
    }
}
