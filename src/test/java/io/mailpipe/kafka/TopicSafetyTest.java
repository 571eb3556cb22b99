package io.mailpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.TopicSafety.Finding;
import io.mailpipe.kafka.TopicSafety.Rule;
import io.mailpipe.kafka.TopicSafety.TopicState;

class TopicSafetyTest {

    static final KafkaSettings.Topics T = new KafkaSettings.Topics(null, null, null, null);

    /** What mailpipe creates with replicationFactor 3. */
    static TopicState safe(String topic) {
        Map<String, String> c = new java.util.HashMap<>(Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "false",
                "retention.ms", "604800000", "cleanup.policy", "delete"));
        if (topic.equals(T.dlq())) {
            c.put("retention.ms", "-1");
        }
        if (topic.equals(T.suppressions())) {
            c.put("cleanup.policy", "compact");
        }
        return new TopicState(3, c);
    }

    static Map<String, TopicState> all(Map<String, TopicState> overrides) {
        Map<String, TopicState> states = new LinkedHashMap<>();
        for (String t : List.of(T.requests(), T.outcomes(), T.dlq(), T.retry(), T.quota(), T.suppressions())) {
            states.put(t, safe(t));
        }
        states.putAll(overrides);
        return states;
    }

    @Test
    void theTopicsMailpipeCreatesOnAThreeBrokerClusterAreSafe() {
        assertThat(TopicSafety.findings(T, 3, all(Map.of()))).isEmpty();
    }

    @Test
    void eachUnsafeSettingIsOneFindingNamingTheTopicAndTheFix() {
        Map<String, TopicState> states = all(Map.of(
                T.requests(), new TopicState(1, Map.of("min.insync.replicas", "1")),
                T.outcomes(), new TopicState(3, Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "true")),
                T.retry(), new TopicState(3, Map.of("min.insync.replicas", "1")),
                T.dlq(), new TopicState(3, Map.of("min.insync.replicas", "2", "retention.ms", "604800000")),
                T.quota(), new TopicState(3, Map.of("min.insync.replicas", "3", "retention.ms", "3600000")),
                T.suppressions(), new TopicState(3, Map.of("min.insync.replicas", "2", "cleanup.policy", "delete"))));
        List<Finding> findings = TopicSafety.findings(T, 3, states);
        assertThat(findings).extracting(Finding::topic, Finding::rule).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(T.requests(), Rule.REPLICATION),
                org.assertj.core.groups.Tuple.tuple(T.outcomes(), Rule.UNCLEAN_ELECTION),
                org.assertj.core.groups.Tuple.tuple(T.retry(), Rule.MIN_IN_SYNC),
                org.assertj.core.groups.Tuple.tuple(T.dlq(), Rule.RETENTION),
                org.assertj.core.groups.Tuple.tuple(T.quota(), Rule.MIN_IN_SYNC),
                org.assertj.core.groups.Tuple.tuple(T.quota(), Rule.RETENTION),
                org.assertj.core.groups.Tuple.tuple(T.suppressions(), Rule.COMPACTION));
        assertThat(findings.get(0).message()).contains("replication factor 1 on a cluster of 3 brokers").contains("use 3");
        assertThat(findings).filteredOn(f -> f.rule() == Rule.UNCLEAN_ELECTION).first()
                .extracting(Finding::message).asString().contains("set it to false");
    }

    @Test
    void aSingleBrokerIsNotWarnedAboutReplicationAtAll() {
        Map<String, TopicState> states = new LinkedHashMap<>();
        for (String t : List.of(T.requests(), T.outcomes(), T.dlq(), T.retry(), T.quota())) {
            TopicState s = safe(t);
            states.put(t, new TopicState(1, Map.of("retention.ms", s.config().get("retention.ms"))));
        }
        assertThat(TopicSafety.findings(T, 1, states)).isEmpty();
    }

    @Test
    void topicsCreatedWithThreeReplicasGetTwoInSyncAndNoUncleanElection() {
        NewTopic created = TopicAdmin.replicated(new NewTopic("x", 4, (short) 3).configs(Map.of("retention.ms", "-1")));
        assertThat(created.configs()).containsEntry("min.insync.replicas", "2")
                .containsEntry("unclean.leader.election.enable", "false").containsEntry("retention.ms", "-1");
        assertThat(TopicAdmin.replicated(new NewTopic("y", 4, (short) 1)).configs()).isNullOrEmpty();
    }
}
