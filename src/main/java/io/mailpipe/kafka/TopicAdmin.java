package io.mailpipe.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.config.KafkaSettings;

/**
 * Creates mailpipe's topics when they are missing (kafka.createTopics). Their {@code max.message.bytes} allows a
 * request of {@code worker.maxRequestBytes} plus headers, so that a large request can also be written to
 * {@code mail.retry} and {@code mail.dlq}.
 */
public final class TopicAdmin {

    /** Room for headers and record overhead on top of the largest request accepted. */
    static final long RECORD_OVERHEAD = 1024 * 1024;

    /** The largest record mailpipe writes for requests of at most {@code maxRequestBytes}. */
    public static long maxRecordBytes(long maxRequestBytes) {
        return maxRequestBytes + RECORD_OVERHEAD;
    }

    /** How long the quota ledger keeps reservations: well beyond the longest window (a day) they count in. */
    public static final Duration QUOTA_RETENTION = Duration.ofDays(3);

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    public static void ensureTopics(KafkaSettings kafka, long maxRequestBytes) {
        String maxMessageBytes = String.valueOf(maxRecordBytes(maxRequestBytes));
        KafkaSettings.Topics t = kafka.topics();
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : List.of(t.requests(), t.outcomes(), t.dlq(), t.retry())) {
            NewTopic topic = new NewTopic(name, kafka.partitions(), kafka.replicationFactor());
            if (name.equals(t.dlq())) {
                // dead letters are kept until replayed or removed by an operator
                topic.configs(Map.of("retention.ms", "-1", "max.message.bytes", maxMessageBytes));
            } else {
                topic.configs(Map.of("max.message.bytes", maxMessageBytes));
            }
            wanted.add(topic);
        }
        // one partition: the ledger's order is the order in which reservations are decided
        wanted.add(new NewTopic(t.quota(), 1, kafka.replicationFactor()).configs(Map.of(
                "message.timestamp.type", "LogAppendTime",
                "retention.ms", String.valueOf(QUOTA_RETENTION.toMillis()),
                "segment.ms", String.valueOf(Duration.ofHours(1).toMillis()))));
        createMissing(kafka.connection(), wanted, "the topics");
    }

    /**
     * A topic with {@link TopicSafety#EXPECTED_REPLICATION} or more replicas gets {@code min.insync.replicas=2} (an
     * acknowledged record is on two brokers) and no unclean leader election, unless it says otherwise.
     */
    static NewTopic replicated(NewTopic topic) {
        if (topic.replicationFactor() < TopicSafety.EXPECTED_REPLICATION) {
            return topic;
        }
        Map<String, String> configs = new java.util.HashMap<>(topic.configs() == null ? Map.of() : topic.configs());
        configs.putIfAbsent("min.insync.replicas", String.valueOf(TopicSafety.EXPECTED_MIN_IN_SYNC));
        configs.putIfAbsent("unclean.leader.election.enable", "false");
        return new NewTopic(topic.name(), topic.numPartitions(), topic.replicationFactor()).configs(configs);
    }

    /**
     * Creates those of {@code wanted} that do not exist yet (one that appears meanwhile is fine); existing topics
     * are left as they are.
     *
     * @param what what the topics are, for the error message ("the templates topic")
     * @throws IllegalStateException when the topics cannot be listed or created
     */
    public static void createMissing(String bootstrapServers, List<NewTopic> wanted, String what) {
        createMissing(KafkaConnection.of(bootstrapServers), wanted, what);
    }

    /** As {@link #createMissing(String, List, String)}, with the configured client settings. */
    public static void createMissing(KafkaConnection connection, List<NewTopic> wanted, String what) {
        String bootstrapServers = connection.bootstrapServers();
        if (wanted.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(connection.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(n -> !existing.contains(n.name())).map(TopicAdmin::replicated).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not list or create " + what + " on " + bootstrapServers + ": "
                    + (e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e.getMessage())
                    + (e.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException
                            ? " (the broker refused mailpipe's login: check kafka.properties, e.g. sasl.mechanism and the"
                            + " user and password in sasl.jaas.config, and security.protocol)" : ""), e);
        }
    }
}
