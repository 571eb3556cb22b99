package io.mailpipe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Fault 4: the SMTP server is down (nothing listens on its port) for a while, then back on the same port. Requests
 * are DEFERRED, the account cools down, the worker does not spin (its CPU time while the server is down is
 * measured), and once the server is back every request is SENT, each received once.
 */
class SmtpOutageIT {

    /** How long the server stays down: 30 s in the normal run, 60 s with -Dmailpipe.faults.big=true. */
    static final Duration DOWN = Duration.ofSeconds(Long.getLong("mailpipe.faults.smtpDownSeconds", FaultKit.BIG ? 60 : 30));
    static final int REQUESTS = FaultKit.BIG ? 200 : 30;

    @Test
    void downThenBackDefersCoolsDownWithoutSpinningThenSendsEachOnce() throws Exception {
        Path dir = FaultKit.dir("smtp-outage");
        int port = ScriptedSmtpServer.freePort();
        KafkaSettings.Topics topics = TestWorkers.topics("smtp-outage");
        TestWorkers.config(topics, List.of(TestWorkers.account("a", port, "A <a@a.example>", false, null)));
        Path config = FaultKit.writeConfig(dir, "worker", TestWorkers.kafkaYaml(topics) + """
                retry: {maxAttempts: 50, initialBackoff: PT1S, maxBackoff: PT8S}
                quota: {coolDown: PT2S, maxCoolDown: PT8S}
                accounts:
                  - {name: a, host: 127.0.0.1, port: %d, security: none, from: "A <a@a.example>", timeout: PT5S}
                """.formatted(port));
        Path log = dir.resolve("worker.log");
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "down-" + i).toList();
        Process worker = null;
        ScriptedSmtpServer smtp = null;
        try (KafkaIO kafka = new KafkaIO(); KafkaIO.Collector outcomes = new KafkaIO.Collector(topics.outcomes())) {
            worker = FaultKit.startWorker(config, log);
            ids.forEach(id -> kafka.send(topics.requests(), id, FaultKit.request(id)));
            // the first attempts fail: the server is not there
            await().atMost(Duration.ofSeconds(90)).until(() -> outcomes.outcomes().stream().anyMatch(e -> e.status() == Status.DEFERRED));

            // the outage itself (the scenario's time, nothing to wait for); CPU is measured after the first third,
            // once start-up work (class loading, JIT) is behind the worker
            Thread.sleep(DOWN.toMillis() / 3);
            Duration cpuBefore = FaultKit.cpu(worker);
            long wallBefore = System.nanoTime();
            int deferredBefore = deferred(outcomes).size();
            Thread.sleep(DOWN.toMillis() * 2 / 3);
            Duration cpuUsed = FaultKit.cpu(worker).minus(cpuBefore);
            double wall = (System.nanoTime() - wallBefore) / 1e9;
            double share = cpuUsed.toMillis() / 1000.0 / wall;
            int deferredDuring = deferred(outcomes).size() - deferredBefore;
            assertThat(worker.isAlive()).isTrue();

            smtp = new ScriptedSmtpServer(port);
            await().atMost(Duration.ofSeconds(120)).until(() -> terminal(outcomes).keySet().containsAll(ids));

            Map<String, List<OutcomeEvent>> terminal = terminal(outcomes);
            for (String id : ids) {
                assertThat(terminal.get(id)).as("terminal outcomes of " + id).hasSize(1);
                assertThat(terminal.get(id).get(0).status()).isEqualTo(Status.SENT);
            }
            Map<String, Integer> received = FaultKit.receivedPerId(smtp);
            assertThat(received.keySet()).containsAll(ids);
            assertThat(received.values()).as("each request received once").containsOnly(1);
            List<OutcomeEvent> deferred = deferred(outcomes);
            assertThat(deferred).extracting(OutcomeEvent::reasonCode).contains("connection_failed");
            String text = FaultKit.log(log);
            assertThat(text).as("the account cools down").contains("cools down");
            // no busy loop: a spinning thread would take a whole core; an idle worker JVM (Kafka polls and heartbeats of
            // its consumers, the management server) takes a few per cent; the bound leaves room for a busy machine
            assertThat(share).as("CPU share of one core while the server is down").isLessThan(0.25);
            // back-off, not a retry storm: a few DEFERRED events per request over the whole outage
            assertThat(deferred.size()).as("DEFERRED events").isLessThan(REQUESTS * (int) (DOWN.toSeconds() / 2 + 4));
            FaultKit.report("smtp-down", String.format("down %d s, %d requests: worker CPU %.2f s over %.1f s wall = %.1f %% of one core;"
                            + " %d DEFERRED events in all (%d during the measured window), reasons %s; %d cool-down log lines;"
                            + " then all SENT, 0 duplicates", DOWN.toSeconds(), REQUESTS, cpuUsed.toMillis() / 1000.0, wall,
                    share * 100, deferred.size(), deferredDuring,
                    deferred.stream().collect(Collectors.groupingBy(OutcomeEvent::reasonCode, Collectors.counting())),
                    FaultKit.count(text, "cools down")));
        } finally {
            FaultKit.stop(worker);
            if (smtp != null) {
                smtp.close();
            }
        }
    }

    private static List<OutcomeEvent> deferred(KafkaIO.Collector outcomes) {
        return outcomes.outcomes().stream().filter(e -> e.status() == Status.DEFERRED).toList();
    }

    private static Map<String, List<OutcomeEvent>> terminal(KafkaIO.Collector outcomes) {
        return outcomes.outcomes().stream().filter(e -> e.status().isTerminal()).collect(Collectors.groupingBy(OutcomeEvent::id));
    }
}
