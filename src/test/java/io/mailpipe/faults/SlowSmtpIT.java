package io.mailpipe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;

/**
 * Fault 5: an SMTP server that takes seconds to answer each message. Throughput drops to what the server allows,
 * every request is SENT once, and the consumer group does not rebalance (counted from the worker's Kafka client
 * log: each join of the request consumer's group, and the group's members at the end).
 */
class SlowSmtpIT {

    static final Duration REPLY = Duration.ofMillis(FaultKit.BIG ? 3000 : 1500);
    static final int REQUESTS = FaultKit.BIG ? 40 : 16;

    @Test
    void aSlowServerSlowsSendingDownWithoutRebalancesOrDuplicates() throws Exception {
        Path dir = FaultKit.dir("slow-smtp");
        ScriptedSmtpServer smtp = new ScriptedSmtpServer().slowData(REPLY);
        KafkaSettings.Topics topics = TestWorkers.topics("slow-smtp");
        TestWorkers.config(topics, List.of(TestWorkers.account("a", smtp.port(), "A <a@a.example>", false, null)));
        Path config = FaultKit.writeConfig(dir, "worker", TestWorkers.kafkaYaml(topics) + """
                retry: {initialBackoff: PT1S, maxBackoff: PT4S}
                accounts:
                  - {name: a, host: 127.0.0.1, port: %d, security: none, from: "A <a@a.example>", timeout: PT20S}
                """.formatted(smtp.port()));
        Path log = dir.resolve("worker.log");
        String group = "g-" + topics.requests();
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "slow-" + i).toList();
        Process worker = null;
        try (KafkaIO kafka = new KafkaIO(); KafkaIO.Collector outcomes = new KafkaIO.Collector(topics.outcomes())) {
            worker = FaultKit.startWorkerWithKafkaLog(config, log);
            Path logFile = log;
            // the worker has joined its group before the first request arrives: the clock starts with the first request
            await().atMost(Duration.ofSeconds(90)).until(() -> joins(FaultKit.log(logFile), group) >= 1);
            long start = System.nanoTime();
            ids.forEach(id -> kafka.send(topics.requests(), id, FaultKit.request(id)));
            await().atMost(Duration.ofSeconds(60 + REQUESTS * REPLY.toSeconds() * 2)).until(() -> terminal(outcomes).keySet().containsAll(ids));
            double seconds = (System.nanoTime() - start) / 1e9;

            Map<String, List<OutcomeEvent>> terminal = terminal(outcomes);
            for (String id : ids) {
                assertThat(terminal.get(id)).as("terminal outcomes of " + id).hasSize(1);
                assertThat(terminal.get(id).get(0).status()).isEqualTo(Status.SENT);
            }
            long deferred = outcomes.outcomes().stream().filter(e -> e.status() == Status.DEFERRED).count();
            assertThat(FaultKit.receivedPerId(smtp).values()).as("each request received once").containsOnly(1);
            String text = FaultKit.log(log);
            int joins = joins(text, group);
            assertThat(joins).as("times the worker joined the request consumer group (1 = no rebalance)").isEqualTo(1);
            ConsumerGroupDescription description;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
                description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            }
            assertThat(description.members()).as("members of the group at the end").hasSize(1);
            double perSecond = REQUESTS / seconds;
            int parallel = smtp.mostOpenAtOnce();
            FaultKit.report("smtp-slow", String.format("%d requests, %.1f s per reply: all SENT once in %.1f s (%.2f msg/s;"
                            + " %d SMTP transaction(s) open at once at most), %d DEFERRED, %d group join(s) = %d rebalance(s)",
                    REQUESTS, REPLY.toMillis() / 1000.0, seconds, perSecond, parallel, deferred, joins, joins - 1));
        } finally {
            FaultKit.stop(worker);
            smtp.close();
        }
    }

    /** Lines where the Kafka client says the consumer of {@code group} joined it (one per (re)balance). */
    private static int joins(String log, String group) {
        return (int) log.lines().filter(l -> l.contains("groupId=" + group + "]") && l.contains("Successfully joined group")).count();
    }

    private static Map<String, List<OutcomeEvent>> terminal(KafkaIO.Collector outcomes) {
        return outcomes.outcomes().stream().filter(e -> e.status().isTerminal()).collect(Collectors.groupingBy(OutcomeEvent::id));
    }
}
