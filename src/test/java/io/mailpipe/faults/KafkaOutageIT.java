package io.mailpipe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.LocalKafkaBroker;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.kafka.TopicTail;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Fault 3: the Kafka broker stops in the middle of a run and comes back (same data folder, same ports). The worker
 * stays up, reconnects and loses nothing; while it cannot write outcomes it sends (almost) nothing more: the SMTP
 * receipts during the outage are counted. Runs on its own broker, never on the shared test broker.
 */
class KafkaOutageIT {

    static final int REQUESTS = FaultKit.BIG ? 3000 : 400;
    /**
     * Longer than the producer's 30 s delivery timeout, so that publishing an outcome fails and a commit times out
     * while the broker is down: the case in which camel-kafka's default poll error handling skipped records.
     */
    static final Duration OUTAGE = Duration.ofSeconds(FaultKit.BIG ? 60 : 40);
    /** Records per poll of the worker (kafka.maxPollRecords): one batch, the most that can be in flight per consumer. */
    static final int MAX_POLL_RECORDS = KafkaSettings.defaults().maxPollRecords();

    @Test
    void aBrokerRestartLosesNothingAndNothingIsSentWhileOutcomesCannotBeWritten() throws Exception {
        Path dir = FaultKit.dir("kafka-outage");
        Path brokerDir = dir.resolve("broker-" + ProcessHandle.current().pid());
        int port = LocalKafkaBroker.freePort();
        int controllerPort = LocalKafkaBroker.freePort();
        LocalKafkaBroker broker = LocalKafkaBroker.start(brokerDir, port, controllerPort);
        String bootstrap = broker.bootstrapServers();
        ScriptedSmtpServer smtp = new ScriptedSmtpServer().slowData(Duration.ofMillis(15));
        KafkaSettings.Topics topics = TestWorkers.topics("kafka-outage");
        KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers(bootstrap).withTopics(topics)
                .withGroupId("g-" + topics.requests());
        TopicAdmin.ensureTopics(kafka, 32L * 1024 * 1024);
        Path config = FaultKit.writeConfig(dir, "worker", """
                kafka:
                  bootstrapServers: %s
                  groupId: g-%s
                  topics: {requests: %s, outcomes: %s, dlq: %s, retry: %s, bounces: %s, bouncesUnparsed: %s, suppressions: %s, quota: %s}

                retry: {initialBackoff: PT0.5S, maxBackoff: PT2S}
                accounts:
                  - {name: a, host: 127.0.0.1, port: %d, security: none, from: "A <a@a.example>"}
                """.formatted(bootstrap, topics.requests(), topics.requests(), topics.outcomes(), topics.dlq(), topics.retry(),
                topics.bounces(), topics.bouncesUnparsed(), topics.suppressions(), topics.quota(), smtp.port()));
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "kafka-down-" + i).toList();
        Process worker = null;
        Outcomes outcomes = null;
        try {
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                for (String id : ids) {
                    producer.send(new ProducerRecord<>(topics.requests(), bytes(id), bytes(FaultKit.request(id))));
                }
                producer.flush();
            }
            worker = FaultKit.startWorker(config, dir.resolve("worker.log"));
            Process w = worker;
            await().atMost(Duration.ofSeconds(120)).until(() -> smtp.received().size() >= REQUESTS / 4 || !w.isAlive());
            assertThat(worker.isAlive()).isTrue();

            broker.close();
            int atStop = smtp.received().size();
            Thread.sleep(OUTAGE.toMillis()); // the outage itself: the scenario's time, nothing to wait for
            int duringOutage = smtp.received().size() - atStop;
            assertThat(worker.isAlive()).as("the worker survives the outage").isTrue();

            broker = LocalKafkaBroker.start(brokerDir, port, controllerPort);
            long restartedAt = System.nanoTime();
            outcomes = new Outcomes(bootstrap, topics.outcomes());
            Outcomes o = outcomes;
            await().atMost(Duration.ofSeconds(180)).until(() -> o.terminalIds().containsAll(ids));
            double recovery = (System.nanoTime() - restartedAt) / 1e9;

            Map<String, List<OutcomeEvent>> terminal = outcomes.events.stream().filter(e -> e.status().isTerminal())
                    .collect(Collectors.groupingBy(OutcomeEvent::id));
            for (String id : ids) {
                assertThat(terminal.get(id)).as("terminal outcomes of " + id).hasSize(1);
                assertThat(terminal.get(id).get(0).status()).isEqualTo(Status.SENT);
            }
            Map<String, Integer> received = FaultKit.receivedPerId(smtp);
            assertThat(received.keySet()).containsAll(ids);
            List<String> duplicates = received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertThat(duplicates).as("requests received twice").isEmpty();
            // nothing goes out that cannot be recorded: at most what was already taken from one poll
            assertThat(duringOutage).as("messages sent while the broker was down").isLessThanOrEqualTo(MAX_POLL_RECORDS);
            FaultKit.report("kafka-down", String.format("%d requests, broker down %d s after %d receipts: %d message(s) sent during"
                            + " the outage, all %d SENT exactly once %.1f s after the restart, 0 duplicates",
                    REQUESTS, OUTAGE.toSeconds(), atStop, duringOutage, REQUESTS, recovery));
        } finally {
            FaultKit.stop(worker);
            if (outcomes != null) {
                outcomes.close();
            }
            broker.close();
            smtp.close();
            deleteTree(brokerDir);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = java.nio.file.Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads mail.outcomes of the dedicated broker in the background. */
    private static final class Outcomes implements AutoCloseable {
        final List<OutcomeEvent> events = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Outcomes(String bootstrap, String topic) {
            TopicTail tail = new TopicTail(bootstrap, topic);
            thread = new Thread(() -> {
                try (tail) {
                    while (running) {
                        for (var r : tail.poll(Duration.ofMillis(200))) {
                            try {
                                events.add(OutcomeJson.read(r.value()));
                            } catch (java.io.IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                }
            }, "outcomes-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        java.util.Set<String> terminalIds() {
            return events.stream().filter(e -> e.status().isTerminal()).map(OutcomeEvent::id).collect(Collectors.toSet());
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
