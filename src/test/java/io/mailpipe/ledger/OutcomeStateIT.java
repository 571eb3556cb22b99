package io.mailpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.kafka.KafkaConnection;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.TestKafka;

/**
 * The delivery ledger's partitioned state through a real broker: a worker restores only the partitions of
 * {@code mail.outcomes} its consumers hold, restores others on demand, keeps its stores across restarts (reading only
 * the tail), restores a wiped store from the topic, and drops a store that is ahead of the topic.
 */
class OutcomeStateIT {

    private static final int PARTITIONS = 4;
    private final String bootstrap = TestKafka.bootstrapServers();
    private final String prefix = "state-" + UUID.randomUUID().toString().substring(0, 8);
    private final String outcomes = prefix + ".mail.outcomes";
    private final String requests = prefix + ".mail.requests";
    private final Object consumerA = new Object();
    private final List<OutcomeState> opened = new ArrayList<>();
    private KafkaIO kafka;

    @TempDir
    Path stateDir;

    @BeforeEach
    void topics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(outcomes, PARTITIONS, (short) 1), new NewTopic(requests, PARTITIONS, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        kafka = new KafkaIO(bootstrap);
    }

    @AfterEach
    void close() {
        opened.forEach(OutcomeState::close);
        kafka.close();
    }

    private OutcomeState open(Path dir) {
        OutcomeState state = new OutcomeState(KafkaConnection.of(bootstrap), outcomes, List.of(requests), dir, Duration.ofDays(30))
                .start();
        opened.add(state);
        return state;
    }

    /** Opens the state, gives it these partitions of the requests topic as one consumer would, waits until restored. */
    private OutcomeState openHolding(Path dir, int... requestPartitions) {
        OutcomeState state = open(dir);
        state.assigned(consumerA, partitions(requests, requestPartitions));
        state.awaitCaughtUp(Duration.ofSeconds(30));
        return state;
    }

    /** Ids whose outcomes land in each partition (Kafka's default partitioner on the request id). */
    private static Map<Integer, List<String>> idsPerPartition(int each) {
        Map<Integer, List<String>> ids = new HashMap<>();
        while (ids.values().stream().mapToInt(List::size).sum() < each * PARTITIONS) {
            String id = UUID.randomUUID().toString();
            List<String> list = ids.computeIfAbsent(OutcomeState.partitionOf(id, PARTITIONS), k -> new ArrayList<>());
            if (list.size() < each) {
                list.add(id);
            }
        }
        return ids;
    }

    private void finished(String id) {
        kafka.send(outcomes, id, "{\"requestId\":\"" + id + "\",\"status\":\"SENT\"}");
    }

    private void deferred(String id) {
        kafka.send(outcomes, id, "{\"requestId\":\"" + id + "\",\"status\":\"DEFERRED\"}");
    }

    private static List<TopicPartition> partitions(String topic, int... numbers) {
        List<TopicPartition> list = new ArrayList<>();
        for (int n : numbers) {
            list.add(new TopicPartition(topic, n));
        }
        return list;
    }

    @Test
    void restoresOnlyTheHeldPartitionsAndOthersOnlyOnDemand() {
        Map<Integer, List<String>> ids = idsPerPartition(50);
        ids.values().forEach(list -> list.forEach(this::finished));
        String notFinished = idsPerPartition(1).get(0).get(0); // in a held partition: asking about it restores nothing else
        deferred(notFinished);
        kafka.flush();

        OutcomeState state = openHolding(stateDir, 0, 1);

        OutcomeState.Progress progress = state.progress();
        assertThat(progress.partitions()).containsOnlyKeys(0, 1);
        assertThat(progress.restoredRecords()).as("records read: partitions 0 and 1 only")
                .isEqualTo(ids.get(0).size() + ids.get(1).size() + 1);
        assertThat(ids.get(0)).allMatch(state::isFinished);
        assertThat(ids.get(1)).allMatch(state::isFinished);
        assertThat(state.isFinished(notFinished)).as("a DEFERRED outcome does not finish a request").isFalse();

        // an id of a partition this worker does not consume: restored on demand, answered right
        assertThat(state.isFinished(ids.get(3).get(0))).isTrue();
        assertThat(state.progress().partitions()).containsKey(3);
        assertThat(state.progress().partitions().get(3).onDemand()).isTrue();
        assertThat(state.progress().partitions()).doesNotContainKey(2);
    }

    @Test
    void keptStoreReadsOnlyTheTailAndWipedStoreRestoresEverything() {
        Map<Integer, List<String>> ids = idsPerPartition(40);
        ids.get(2).forEach(this::finished);
        kafka.flush();
        OutcomeState first = openHolding(stateDir, 2);
        assertThat(first.progress().restoredRecords()).isEqualTo(40);
        first.close();

        // written while no worker held the partition
        List<String> later = idsPerPartition(5).get(2);
        later.forEach(this::finished);
        kafka.flush();

        OutcomeState second = openHolding(stateDir, 2);
        assertThat(second.progress().restoredRecords()).as("only the tail is read with the store kept").isEqualTo(5);
        assertThat(ids.get(2)).allMatch(second::isFinished);
        assertThat(later).allMatch(second::isFinished);
        second.close();

        // a wiped disk (new pod without its volume): everything comes back from the topic
        Path wiped = stateDir.resolve("elsewhere");
        OutcomeState third = openHolding(wiped, 2);
        assertThat(third.progress().restoredRecords()).isEqualTo(45);
        assertThat(ids.get(2)).allMatch(third::isFinished);
        assertThat(later).allMatch(third::isFinished);
    }

    @Test
    void releasedPartitionIsDroppedAndAStoreAheadOfTheTopicIsRestoredAgain() throws Exception {
        Map<Integer, List<String>> ids = idsPerPartition(10);
        ids.get(1).forEach(this::finished);
        kafka.flush();
        OutcomeState state = openHolding(stateDir, 1);
        state.released(consumerA, partitions(requests, 1));
        await("partition 1 dropped").atMost(Duration.ofSeconds(10)).until(() -> state.progress().partitions().isEmpty());
        state.close();

        // the topic is deleted and created again (or the worker is pointed at another cluster): the store is ahead
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(Set.of(outcomes)).all().get(30, TimeUnit.SECONDS);
            await("topic deleted").atMost(Duration.ofSeconds(30))
                    .until(() -> !admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(outcomes));
            await("topic created again").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                admin.createTopics(List.of(new NewTopic(outcomes, PARTITIONS, (short) 1))).all().get(10, TimeUnit.SECONDS);
                return true;
            });
        }
        String fresh = idsPerPartition(1).get(1).get(0);
        finished(fresh);
        kafka.flush();
        OutcomeState again = openHolding(stateDir, 1);
        assertThat(again.isFinished(fresh)).isTrue();
        assertThat(again.isFinished(ids.get(1).get(0))).as("the store of the old topic was dropped").isFalse();
        assertThat(Files.exists(stateDir.resolve(outcomes).resolve("partition-1"))).isTrue();
    }
}
