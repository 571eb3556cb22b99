package io.mailpipe.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.mailpipe.kafka.KafkaConnection;

/**
 * The topic settings a guarantee relies on, checked before a tool relies on them: the replay log must be compacted
 * (a mark deleted by retention lets the same failure be replayed twice) and have one partition (as it is created); the
 * suppression list must be compacted (else removed and re-added addresses come back with retention).
 */
final class TopicChecks {

    /** What a topic is, as far as these checks care; null fields when it does not exist. */
    record Shape(boolean exists, int partitions, String cleanupPolicy) {
        boolean compacted() {
            return cleanupPolicy != null && cleanupPolicy.contains("compact") && !cleanupPolicy.contains("delete");
        }
    }

    private TopicChecks() {
    }

    static Shape shape(KafkaConnection connection, String topic, Duration timeout) {
        Map<String, Object> props = connection.clientProperties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-cli-topics");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            var policy = config.get("cleanup.policy");
            return new Shape(true, d.partitions().size(), policy == null ? null : policy.value());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new Shape(false, 0, null);
            }
            throw new CliException(CliException.UNAVAILABLE, "cannot describe topic " + topic + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new CliException(CliException.UNAVAILABLE, "Kafka did not describe topic " + topic + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNAVAILABLE, "interrupted");
        }
    }

    /**
     * The replay log must be compacted with one partition: refuses an uncompacted one (its marks would age out and the
     * same failures be replayed again), and a partitioned one (a tombstone for a key can land beside its mark's
     * partition once partitions were added). A missing topic is fine: the first replay creates it.
     */
    static void requireReplayLog(KafkaConnection connection, String topic, Duration timeout) {
        Shape s = shape(connection, topic, timeout);
        if (!s.exists()) {
            return;
        }
        if (!s.compacted()) {
            throw new CliException(CliException.USAGE, "topic " + topic + " has cleanup.policy=" + s.cleanupPolicy()
                    + ", but replay needs it compacted (cleanup.policy=compact), or its marks age out and failures are "
                    + "replayed twice: kafka-configs --alter --entity-type topics --entity-name " + topic
                    + " --add-config cleanup.policy=compact, or name a new topic in kafka.topics.replays");
        }
        if (s.partitions() != 1) {
            throw new CliException(CliException.USAGE, "topic " + topic + " has " + s.partitions() + " partitions, but replay "
                    + "keeps its marks in one (partitions cannot be removed): delete and re-create it with 1 partition "
                    + "(after copying its records) or name a new topic in kafka.topics.replays");
        }
    }

    /** Warns (one line) when the suppression list is not compacted. */
    static void warnUnlessCompacted(KafkaConnection connection, String topic, Duration timeout, PrintWriter err) {
        Shape s = shape(connection, topic, timeout);
        if (s.exists() && !s.compacted()) {
            err.println("mailpipe: warning: topic " + topic + " has cleanup.policy=" + s.cleanupPolicy()
                    + "; the suppression list needs cleanup.policy=compact, or entries disappear with retention");
            err.flush();
        }
    }
}
