package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.testing.KafkaCluster;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;
import io.mailpipe.testing.WorkerProcess;

/**
 * Issue 16 through a real broker and real worker processes: the delivery ledger's state moves with the partitions.
 * Two workers share the requests; one dies (kill -9); the same requests arrive again (an upstream re-sending them):
 * the survivor restores the dead worker's partitions from {@code mail.outcomes} and sends none of them again. Then its
 * local store is wiped and it starts again; then it is killed in the middle of a restore and started again on the same
 * store: each time nothing is sent twice, and each worker holds only its share of the partitions.
 */
class StateHandoverIT {

    private static final int REQUESTS = 400;
    private static final int PARTITIONS = 4;
    private static final Pattern HELD = Pattern.compile("Delivery ledger: (?:restoring partition|partition) (\\d+) of \\S+ "
            + "(?:from offset|ready)");

    static ScriptedSmtpServer smtp;
    static KafkaIO kafka;
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createDirectories(Path.of(System.getProperty("mailpipe.itDir", "target"), "state-handover-it",
                UUID.randomUUID().toString().substring(0, 8)));
        smtp = new ScriptedSmtpServer();
        kafka = new KafkaIO();
    }

    @AfterAll
    static void stop() {
        kafka.close();
        smtp.close();
    }

    @Test
    void stateMovesWithThePartitionsAndNothingIsSentTwice() throws Exception {
        KafkaSettings.Topics topics = TestWorkers.topics("handover");
        String group = "g-" + topics.requests();
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "handover-" + i).toList();
        TestWorkers.config(topics, List.of(TestWorkers.account("a", smtp.port(), "A <a@a.example>", false, null))); // topics
        Path configA = writeConfig("a", topics);
        Path configB = writeConfig("b", topics);

        // 1. two workers share the work; every request is sent once
        Process a = WorkerProcess.start(configA, dir.resolve("a.log"), Map.of());
        Process b = WorkerProcess.start(configB, dir.resolve("b.log"), Map.of());
        try (KafkaIO.Collector outcomes = new KafkaIO.Collector(topics.outcomes())) {
            awaitLog(dir.resolve("a.log"), "mailpipe worker started");
            awaitLog(dir.resolve("b.log"), "mailpipe worker started");
            // once both have joined, each holds the state of its own partitions only (requests and retry aligned):
            // half each, disjoint (a worker alone first holds all four and gives two up at the rebalance)
            await("each worker holds the state of half the partitions").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        Set<Integer> heldByA = heldNow(dir.resolve("a.log"));
                        Set<Integer> heldByB = heldNow(dir.resolve("b.log"));
                        return heldByA.size() == PARTITIONS / 2 && heldByB.size() == PARTITIONS / 2
                                && java.util.Collections.disjoint(heldByA, heldByB);
                    });
            publish(topics, ids);
            await("every request SENT").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .until(() -> terminal(outcomes).keySet().containsAll(ids));
            awaitNoLag(group, topics.requests());

            // 2. worker a dies; the same requests come again: b restores a's partitions and sends none of them again
            a.destroyForcibly();
            assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
            publish(topics, ids);
            awaitNoLag(group, topics.requests());
            await("b took a's partitions with their state").atMost(Duration.ofSeconds(60))
                    .until(() -> heldNow(dir.resolve("b.log")).size() == PARTITIONS);
            assertSentOnce(ids);

            // 3. b stops; its store is wiped (a new pod without its volume); it restores everything from mail.outcomes
            b.destroy();
            assertThat(b.waitFor(60, TimeUnit.SECONDS)).isTrue();
            KafkaCluster.deleteTree(dir.resolve("state-b"));
            Process b2 = WorkerProcess.start(configB, dir.resolve("b2.log"), Map.of());
            try {
                awaitLog(dir.resolve("b2.log"), "mailpipe worker started");
                publish(topics, ids);
                awaitNoLag(group, topics.requests());
                assertThat(Files.readString(dir.resolve("b2.log"))).contains("no local store");
                assertSentOnce(ids);
                // a history big enough that the next start restores for a while
                fillHistory(topics.outcomes(), 80_000);
            } finally {
                b2.destroy();
                b2.waitFor(60, TimeUnit.SECONDS);
            }

            // 4. kill -9 in the middle of a restore, on the same store; started again, it completes and sends nothing twice
            KafkaCluster.deleteTree(dir.resolve("state-b"));
            Process b3 = WorkerProcess.start(configB, dir.resolve("b3.log"), Map.of());
            awaitLog(dir.resolve("b3.log"), "Delivery ledger: restoring partition");
            b3.destroyForcibly();
            assertThat(b3.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String killedLog = Files.readString(dir.resolve("b3.log"));
            long restoredBeforeKill = Pattern.compile("partition \\d+ of \\S+ restored").matcher(killedLog).results().count();
            Process b4 = WorkerProcess.start(configB, dir.resolve("b4.log"), Map.of());
            try {
                awaitLog(dir.resolve("b4.log"), "mailpipe worker started");
                publish(topics, ids);
                awaitNoLag(group, topics.requests());
                assertSentOnce(ids);
                System.out.println("STATE-HANDOVER: killed after " + restoredBeforeKill + " of " + PARTITIONS
                        + " partitions restored; the restart resumed from the kept store: "
                        + Files.readString(dir.resolve("b4.log")).contains("local store kept its earlier state"));
            } finally {
                b4.destroy();
                b4.waitFor(60, TimeUnit.SECONDS);
            }
            Map<String, List<OutcomeEvent>> byId = terminal(outcomes);
            for (String id : ids) {
                assertThat(byId.get(id)).as("terminal outcomes of " + id).hasSize(1);
            }
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    private static Path writeConfig(String name, KafkaSettings.Topics topics) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, TestWorkers.kafkaYaml(topics) + """
                worker: {shutdownTimeout: PT20S, stateDir: %s}
                management: {enabled: false}
                accounts:
                  - name: a
                    host: 127.0.0.1
                    port: %d
                    security: none
                    from: "A <a@a.example>"
                """.formatted(dir.resolve("state-" + name).toAbsolutePath(), smtp.port()));
        return file;
    }

    private static void publish(KafkaSettings.Topics topics, List<String> ids) {
        for (String id : ids) {
            kafka.send(topics.requests(), id, "{\"id\":\"" + id + "\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        }
        kafka.flush();
    }

    /** Terminal outcomes of other requests, as an upstream's long history (random ids, SENT). */
    private static void fillHistory(String outcomesTopic, int count) {
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            kafka.sendAsync(outcomesTopic, id, "{\"id\":\"" + id + "\",\"status\":\"SENT\",\"reasonCode\":\"accepted\"}");
        }
        kafka.flush();
    }

    private static void assertSentOnce(List<String> ids) {
        Map<String, Integer> received = new HashMap<>();
        for (ScriptedSmtpServer.Received r : smtp.received()) {
            if (r.requestId() != null && r.requestId().startsWith("handover-")) {
                received.merge(r.requestId(), 1, Integer::sum);
            }
        }
        assertThat(received.keySet()).as("every request reached the SMTP server").containsAll(ids);
        Set<String> twice = received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(twice).as("requests received twice").isEmpty();
    }

    /** Terminal outcomes of this test's requests (the history's records are not parsed). */
    private static Map<String, List<OutcomeEvent>> terminal(KafkaIO.Collector outcomes) throws IOException {
        Map<String, List<OutcomeEvent>> byId = new HashMap<>();
        for (var r : outcomes.records()) {
            if (r.key() != null && new String(r.key(), java.nio.charset.StandardCharsets.UTF_8).startsWith("handover-")) {
                OutcomeEvent e = OutcomeJson.read(r.value());
                if (e.status().isTerminal()) {
                    byId.computeIfAbsent(e.id(), k -> new java.util.ArrayList<>()).add(e);
                }
            }
        }
        return byId;
    }

    /** The partitions the worker's ledger holds at the end of its log (opened minus released). */
    private static Set<Integer> heldNow(Path log) throws IOException {
        Set<Integer> held = new TreeSet<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = HELD.matcher(line);
            if (m.find()) {
                held.add(Integer.parseInt(m.group(1)));
            }
            Matcher released = Pattern.compile("partition (\\d+) of \\S+ released").matcher(line);
            if (released.find()) {
                held.remove(Integer.parseInt(released.group(1)));
            }
        }
        return held;
    }

    private static void awaitLog(Path log, String text) {
        await(text + " in " + log.getFileName()).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(log) && Files.readString(log).contains(text));
    }

    /** Waits until the group has committed every record of the topic (all processed, duplicates skipped). */
    private static void awaitNoLag(String group, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            await("group " + group + " caught up on " + topic).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                        for (int p = 0; p < PARTITIONS; p++) {
                            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                        }
                        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all()
                                .get(10, TimeUnit.SECONDS);
                        return end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue().offset());
                    });
        }
    }
}
