package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.account.Limits;
import io.mailpipe.cli.MailpipeCli;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;
import picocli.CommandLine;

/**
 * The quota ledger on a real broker: workers racing for the same account get exactly the limit between them,
 * decided in log order; the round trip a reservation costs; and {@code mailpipe quota} reading it back.
 */
class KafkaQuotaLedgerIT {

    static final Duration SEND_FOR = Duration.ofSeconds(15);
    static final Duration HOLD = Duration.ofSeconds(75);

    @Test
    void racingWorkersGetExactlyTheLimitBetweenThem(@TempDir Path dir) throws Exception {
        KafkaSettings.Topics topics = TestWorkers.topics("ledger");
        TestWorkers.config(topics, List.of());
        int limit = 60;
        Map<String, Limits> limits = Map.of("acct", new Limits(limit, null));
        List<KafkaQuotaLedger> ledgers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            QuotaBook book = new QuotaBook("w" + w, Duration.ofHours(1), Duration.ofDays(1), limits);
            ledgers.add(new KafkaQuotaLedger(TestKafka.bootstrapServers(), topics.quota(), book, Duration.ofDays(2),
                    Clock.systemUTC()).start(Duration.ofSeconds(30)));
        }
        AtomicInteger granted = new AtomicInteger();
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int w = t % 3;
                done.add(pool.submit(() -> {
                    while (true) {
                        long start = System.nanoTime();
                        QuotaBook.Grant g = ledgers.get(w).reserve(new QuotaRecord.Reserve(UUID.randomUUID().toString(), "acct",
                                "w" + w, 4, 1, SEND_FOR, HOLD));
                        micros.add((System.nanoTime() - start) / 1000);
                        if (g.granted() == 0) {
                            return null;
                        }
                        granted.addAndGet(g.granted());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(granted.get()).as("granted across 3 workers and 6 threads").isEqualTo(limit);
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        System.out.printf("KafkaQuotaLedgerIT: %d reservations, round trip median %d us, p99 %d us%n", sorted.size(),
                sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.99)));

        Path config = dir.resolve("mailpipe.yaml");
        Files.writeString(config, TestWorkers.kafkaYaml(topics) + """
                accounts:
                  - {name: acct, host: 127.0.0.1, port: 25, security: none, from: a@a.example, limits: {perHour: %d, perDay: 1000}}
                  - {name: other, host: 127.0.0.1, port: 25, security: none, from: o@o.example}
                """.formatted(limit));
        StringWriter out = new StringWriter();
        CommandLine cli = MailpipeCli.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("quota", "--config", config.toString())).isZero();
        assertThat(out.toString()).containsPattern("acct\\s+60/60\\s+60/1000\\s+\\d+/-\\s+20\\d\\d-")
                .containsPattern("other\\s+0/-\\s+0/-\\s+0/-\\s+now");
        ledgers.forEach(KafkaQuotaLedger::close);
    }
}
