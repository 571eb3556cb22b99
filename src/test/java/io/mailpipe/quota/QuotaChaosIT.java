package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.SendWindows;
import io.mailpipe.testing.TestWorkers;
import io.mailpipe.testing.WorkerProcess;

/**
 * A load test, not part of the normal run (it takes minutes): three worker JVMs share one small limit while a chaos
 * loop kills one of them with SIGKILL every few seconds and starts it again. At the end it prints the busiest window
 * the SMTP server saw against the limit, and fails if any window held more. Run it with
 * {@code mvn verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=QuotaChaosIT -Dmailpipe.chaos=true}
 * (see load-tests/README.md).
 */
class QuotaChaosIT {

    @Test
    void killingWorkersOverAndOverNeverPushesAWindowPastTheLimit() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("mailpipe.chaos"), "a load test: run with -Dmailpipe.chaos=true");
        int limit = Integer.getInteger("mailpipe.chaos.limit", 8);
        int requests = Integer.getInteger("mailpipe.chaos.requests", 120);
        Duration window = Duration.ofSeconds(Integer.getInteger("mailpipe.chaos.windowSeconds", 6));
        Random random = new Random(Long.getLong("mailpipe.chaos.seed", 1));
        Path dir = Files.createDirectories(Path.of(System.getProperty("mailpipe.itDir", "target"), "quota-chaos"));
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(); KafkaIO kafka = new KafkaIO()) {
            KafkaSettings.Topics topics = TestWorkers.topics("chaos");
            TestWorkers.config(topics, List.of());
            Path config = dir.resolve("worker.yaml");
            Files.writeString(config, TestWorkers.kafkaYaml(topics) + """
                    retry: {initialBackoff: PT0.5S, maxBackoff: PT2S, maxAttempts: 50, maxAge: PT1H}
                    quota: {hourWindow: PT%dS, leaseSize: 3, leaseTtl: PT1S, sendGrace: PT1S, idleRelease: PT0.2S, maxInlineWait: PT1S}
                    accounts:
                      - {name: shared, host: 127.0.0.1, port: %d, security: none, from: shared@example.com, limits: {perHour: %d}}
                    """.formatted(window.toSeconds(), smtp.port(), limit));
            List<Process> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(WorkerProcess.start(config, dir.resolve("worker-" + i + "-0.log"), Map.of()));
            }
            List<String> ids = IntStream.range(0, requests).mapToObj(i -> "x-" + i).toList();
            int kills = 0;
            try (KafkaIO.Collector outcomes = new KafkaIO.Collector(topics.outcomes())) {
                ids.forEach(id -> kafka.send(topics.requests(), id,
                        "{\"id\":\"" + id + "\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}"));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(Integer.getInteger("mailpipe.chaos.minutes", 10));
                while (!sent(outcomes).containsAll(ids) && System.nanoTime() < deadline) {
                    Thread.sleep(2000 + random.nextInt(4000)); // the chaos loop's own pace, not a wait for a condition
                    int victim = random.nextInt(workers.size());
                    workers.get(victim).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    kills++;
                    workers.set(victim, WorkerProcess.start(config, dir.resolve("worker-" + victim + "-" + kills + ".log"), Map.of()));
                }
                await().atMost(Duration.ofMinutes(3)).until(() -> sent(outcomes).containsAll(ids));
            } finally {
                for (Process p : workers) {
                    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
            List<ScriptedSmtpServer.Received> all = smtp.received();
            Map<String, Integer> times = new HashMap<>();
            all.forEach(r -> times.merge(r.requestId(), 1, Integer::sum));
            long twice = times.values().stream().filter(n -> n > 1).count();
            int busiest = SendWindows.busiest(all, window);
            System.out.printf("QuotaChaosIT: %d requests, %d kills, %d sends (%d requests sent twice after a kill), limit %d per %s,"
                    + " busiest window %d, worst over-send %d%n", requests, kills, all.size(), twice, limit, window, busiest,
                    Math.max(0, busiest - limit));
            assertThat(busiest).isLessThanOrEqualTo(limit);
        }
    }

    private static Set<String> sent(KafkaIO.Collector outcomes) {
        return outcomes.outcomes().stream().filter(e -> e.status() == Status.SENT).map(OutcomeEvent::id)
                .collect(Collectors.toSet());
    }
}
