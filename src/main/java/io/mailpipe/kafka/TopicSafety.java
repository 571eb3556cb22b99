package io.mailpipe.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.config.KafkaSettings;

/**
 * Checks once at start-up that the topics mailpipe relies on are configured so that its guarantees hold on a
 * multi-broker cluster, and says what to change when they are not. Never fails the start: a warning per finding.
 *
 * <p>What mailpipe expects of a cluster of three or more brokers (docs/operations.md, "What mailpipe expects of the
 * Kafka cluster"):
 * <ul>
 *   <li>every topic replicated three times ({@link Rule#REPLICATION}) with {@code min.insync.replicas=2}
 *   ({@link Rule#MIN_IN_SYNC}): an acknowledged outcome survives the loss of one broker;</li>
 *   <li>no unclean leader election ({@link Rule#UNCLEAN_ELECTION}): a replica that missed acknowledged records never
 *   becomes leader (it would lose outcomes, and requests would be sent twice);</li>
 *   <li>{@code mail.dlq} kept until replayed ({@code retention.ms=-1}), {@code mail.quota} at least a day and a half
 *   ({@link Rule#RETENTION}: its day windows are rebuilt from it), {@code mail.suppressions} compacted
 *   ({@link Rule#COMPACTION}).</li>
 * </ul>
 * On a cluster of one broker (the local broker, development) replication cannot be had: that is said once, in one
 * line, and the replication rules are not checked.
 */
public final class TopicSafety {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSafety.class);

    /** The replication factor mailpipe expects on a cluster of at least this many brokers. */
    public static final int EXPECTED_REPLICATION = 3;
    /** The {@code min.insync.replicas} mailpipe expects with {@link #EXPECTED_REPLICATION}. */
    public static final int EXPECTED_MIN_IN_SYNC = 2;
    /** {@code mail.quota} must keep at least this much: the day windows are counted from it. */
    static final Duration QUOTA_MIN_RETENTION = Duration.ofHours(36);

    /** One thing that can be configured unsafely. */
    public enum Rule {
        /** Fewer replicas than min(3, brokers): one broker lost can lose acknowledged records or stop the pipeline. */
        REPLICATION,
        /** {@code min.insync.replicas} below 2 (an acknowledgement from one broker alone) or not below the replicas. */
        MIN_IN_SYNC,
        /** {@code unclean.leader.election.enable=true}: a stale replica may become leader and drop acknowledged records. */
        UNCLEAN_ELECTION,
        /** A retention shorter than what mailpipe reads back (dead letters, quota windows). */
        RETENTION,
        /** The suppression list not compacted: its entries would age out. */
        COMPACTION
    }

    /** One finding: a topic, the rule it breaks, and what to do. */
    public record Finding(String topic, Rule rule, String message) {
    }

    /** What one topic looks like: replicas per partition (the smallest) and its effective configuration. */
    record TopicState(int replicas, Map<String, String> config) {
    }

    private TopicSafety() {
    }

    /** Reads the cluster and logs the findings; a cluster that cannot be read is logged, not thrown. */
    public static List<Finding> check(KafkaSettings kafka) {
        KafkaSettings.Topics t = kafka.topics();
        List<String> topics = List.of(t.requests(), t.outcomes(), t.dlq(), t.retry(), t.quota(), t.suppressions(),
                t.bounces());
        try (Admin admin = Admin.create(kafka.connection().clientProperties())) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> present = topics.stream().filter(existing::contains).toList();
            Map<String, TopicDescription> descriptions = admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
            List<ConfigResource> resources = present.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            Map<String, TopicState> states = new LinkedHashMap<>();
            for (String name : present) {
                int replicas = descriptions.get(name).partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
                Map<String, String> config = new HashMap<>();
                configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).entries()
                        .forEach(e -> config.put(e.name(), e.value()));
                states.put(name, new TopicState(replicas, config));
            }
            List<Finding> findings = findings(t, brokers, states);
            report(brokers, findings);
            return findings;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            LOG.warn("Could not check the Kafka topics' replication and retention settings: {}", e.toString());
            return List.of();
        }
    }

    /** The findings for these topics on a cluster of {@code brokers} brokers. */
    static List<Finding> findings(KafkaSettings.Topics t, int brokers, Map<String, TopicState> states) {
        List<Finding> out = new ArrayList<>();
        states.forEach((topic, state) -> {
            Map<String, String> c = state.config();
            if (brokers > 1) {
                int wanted = Math.min(EXPECTED_REPLICATION, brokers);
                if (state.replicas() < wanted) {
                    out.add(new Finding(topic, Rule.REPLICATION, "has replication factor " + state.replicas() + " on a cluster of "
                            + brokers + " brokers: losing one broker can lose acknowledged records or stop mailpipe; use "
                            + wanted + " (kafka.replicationFactor for topics mailpipe creates, kafka-reassign-partitions for"
                            + " existing ones)"));
                }
                int minIsr = intOf(c.get("min.insync.replicas"), 1);
                if (state.replicas() >= EXPECTED_REPLICATION && minIsr < EXPECTED_MIN_IN_SYNC) {
                    out.add(new Finding(topic, Rule.MIN_IN_SYNC, "has min.insync.replicas=" + minIsr + ": an outcome counts as"
                            + " written when one broker has it; set min.insync.replicas=" + EXPECTED_MIN_IN_SYNC));
                } else if (state.replicas() > 1 && minIsr >= state.replicas()) {
                    out.add(new Finding(topic, Rule.MIN_IN_SYNC, "has min.insync.replicas=" + minIsr + " with "
                            + state.replicas() + " replicas: any broker restart stops writes; set it to " + (state.replicas() - 1)));
                }
            }
            if (Boolean.parseBoolean(c.getOrDefault("unclean.leader.election.enable", "false"))) {
                out.add(new Finding(topic, Rule.UNCLEAN_ELECTION, "has unclean.leader.election.enable=true: a replica that"
                        + " missed acknowledged records may become leader (lost outcomes mean messages sent twice); set it to false"));
            }
            long retention = longOf(c.get("retention.ms"), -1);
            if (topic.equals(t.dlq()) && retention >= 0) {
                out.add(new Finding(topic, Rule.RETENTION, "has retention.ms=" + retention + ": dead letters disappear before"
                        + " anyone replays them; set retention.ms=-1"));
            }
            if (topic.equals(t.quota()) && retention >= 0 && retention < QUOTA_MIN_RETENTION.toMillis()) {
                out.add(new Finding(topic, Rule.RETENTION, "has retention.ms=" + retention + ": shorter than the day windows"
                        + " it is read back for; set at least " + QUOTA_MIN_RETENTION.toMillis()));
            }
            if (topic.equals(t.suppressions()) && !c.getOrDefault("cleanup.policy", "delete").contains("compact")) {
                out.add(new Finding(topic, Rule.COMPACTION, "has cleanup.policy=" + c.getOrDefault("cleanup.policy", "delete")
                        + ": suppression entries would age out; set cleanup.policy=compact"));
            }
        });
        return out;
    }

    private static void report(int brokers, Collection<Finding> findings) {
        if (brokers == 1) {
            LOG.info("Kafka has one broker: mailpipe's topics have no replicas (fine for development; production wants {}"
                    + " brokers, replication factor {}, min.insync.replicas {})", EXPECTED_REPLICATION, EXPECTED_REPLICATION,
                    EXPECTED_MIN_IN_SYNC);
        }
        for (Finding f : findings) {
            LOG.warn("Kafka topic {} {}", f.topic(), f.message());
        }
    }

    private static int intOf(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long longOf(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
