package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Limits;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;

/**
 * A benchmark, not part of the normal run: the time one lease reservation takes on the local broker (write the
 * reservation, read it back, decide), measured over many sequential reservations after a warm-up. Run it with
 * {@code -Dit.test=QuotaLatencyIT -Dmailpipe.bench=true} (see load-tests/README.md).
 */
class QuotaLatencyIT {

    @Test
    void reservationRoundTrip() {
        Assumptions.assumeTrue(Boolean.getBoolean("mailpipe.bench"), "a benchmark: run with -Dmailpipe.bench=true");
        int n = Integer.getInteger("mailpipe.bench.reservations", 500);
        KafkaSettings.Topics topics = TestWorkers.topics("latency");
        TestWorkers.config(topics, List.of());
        QuotaBook book = new QuotaBook("bench", Duration.ofHours(1), Duration.ofDays(1), Map.of("acct", new Limits(null, null, null, 1000)));
        try (KafkaQuotaLedger ledger = new KafkaQuotaLedger(TestKafka.bootstrapServers(), topics.quota(), book, Duration.ofDays(2),
                Clock.systemUTC()).start(Duration.ofSeconds(30))) {
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < n + 50; i++) {
                long start = System.nanoTime();
                QuotaBook.Grant g = ledger.reserve(new QuotaRecord.Reserve(UUID.randomUUID().toString(), "acct", "bench", 20, 1,
                        Duration.ofSeconds(15), Duration.ofSeconds(75)));
                ledger.release(new QuotaRecord.Release(g.lease(), "acct", 0));
                if (i >= 50) {
                    micros.add((System.nanoTime() - start) / 1000);
                }
                assertThat(g.granted()).isEqualTo(20);
            }
            Collections.sort(micros);
            System.out.printf("QuotaLatencyIT: %d reservations (each followed by its release), reserve+release median %d us,"
                    + " p90 %d us, p99 %d us%n", n, micros.get(n / 2), micros.get(n * 9 / 10), micros.get(n * 99 / 100));
        }
    }
}
