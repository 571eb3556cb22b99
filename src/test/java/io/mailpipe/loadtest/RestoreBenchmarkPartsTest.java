package io.mailpipe.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.PrometheusText;

/** The pieces of the restore benchmark that need no broker or worker. */
class RestoreBenchmarkPartsTest {

    @Test
    void historySizesAcceptSuffixesAndMustAscend() {
        RestoreOptions o = RestoreOptions.parse("--history", "1M,5_000_000,10m", "--multi-max", "500k");
        assertThat(o.history).containsExactly(1_000_000L, 5_000_000L, 10_000_000L);
        assertThat(o.multiAt(100_000)).isTrue();
        assertThat(o.multiAt(1_000_000)).isFalse();
        assertThat(RestoreOptions.parse().history).containsExactly(1_000_000L, 5_000_000L, 10_000_000L);
        assertThat(RestoreOptions.parse("--workers", "1").multiAt(0)).isFalse();
        assertThat(RestoreOptions.count("2.5M")).isEqualTo(2_500_000L);
        assertThatThrownBy(() -> RestoreOptions.parse("--history", "5M,1M")).hasMessageContaining("ascending");
        assertThatThrownBy(() -> RestoreOptions.parse("--history", "lots")).hasMessageContaining("not a count");
    }

    @Test
    void countsAreWrittenAsTheIssueWritesThem() {
        assertThat(RestoreReport.count(0)).isEqualTo("0");
        assertThat(RestoreReport.count(100_000)).isEqualTo("100k");
        assertThat(RestoreReport.count(1_000_000)).isEqualTo("1M");
        assertThat(RestoreReport.count(1_100_000)).isEqualTo("1.1M");
        assertThat(RestoreReport.count(10_000_000)).isEqualTo("10M");
        assertThat(RestoreReport.count(1_234_567)).isEqualTo("1,234,567");
    }

    @Test
    void historyEventsAreRealOutcomesOfAbout500BytesThatTheLedgerReads() throws Exception {
        try (OutcomeHistory history = new OutcomeHistory("127.0.0.1:1", "x.mail.outcomes", "x.mail.requests", 0.02)) {
            byte[] sent = history.event("0b6f3c1e-8e0a-4f0e-9d55-5a1f1b2c3d4e", Status.SENT, 1, Instant.now());
            byte[] deferred = history.event("0b6f3c1e-8e0a-4f0e-9d55-5a1f1b2c3d4e", Status.DEFERRED, 1, Instant.now());
            assertThat(sent.length).isBetween(380, 600);
            assertThat(deferred.length).isBetween(380, 600);
            assertThat(OutcomeJson.read(sent).status()).isEqualTo(Status.SENT);
            assertThat(OutcomeJson.readStatus(sent).isTerminal()).isTrue();
            assertThat(OutcomeJson.readStatus(deferred).isTerminal()).isFalse();
            assertThat(OutcomeJson.read(deferred).retryAt()).isNotNull();
        }
    }

    @Test
    void ledgerMetricsAreSummedWhateverOtherTagsTheyCarry() {
        PrometheusText metrics = PrometheusText.parse("""
                # TYPE mailpipe_ledger_partitions gauge
                mailpipe_ledger_partitions{application="mailpipe",state="restoring"} 3.0
                mailpipe_ledger_partitions{application="mailpipe",state="restored"} 5.0
                mailpipe_ledger_restored_records_total{application="mailpipe"} 1234567.0
                """);
        assertThat(RestoreWatch.sum(metrics, "mailpipe_ledger_partitions", "state=\"restoring\"")).isEqualTo(3.0);
        assertThat(RestoreWatch.sum(metrics, "mailpipe_ledger_partitions", "state=\"restored\"")).isEqualTo(5.0);
        assertThat(RestoreWatch.sum(metrics, "mailpipe_ledger_restored_records_total", "")).isEqualTo(1_234_567.0);
        assertThat(RestoreWatch.sum(metrics, "mailpipe_ledger_restored_records", "")).isZero();
    }

    @Test
    void threadCpuIsReadFromProcStatLinesAndGroupedByPool() {
        String stat = "4242 (GC Thread#1) S 1 2 3 0 -1 4194368 10 0 0 0 250 30 0 0 20 0 40 0 100 0 0";
        assertThat(ThreadCpu.name(stat)).isEqualTo("GC Thread#1");
        assertThat(ThreadCpu.ticks(stat)).isEqualTo(280);
        assertThat(ThreadCpu.group("GC Thread#1")).isEqualTo("GC Thread");
        assertThat(ThreadCpu.group("rocksdb:low0")).isEqualTo("rocksdb:low");
        assertThat(ThreadCpu.group("mailpipe-ledger")).isEqualTo("mailpipe-ledger");
        assertThat(ThreadCpu.name("7 (a (weird) name) R 1")).isEqualTo("a (weird) name");
        assertThat(ThreadCpu.describe(Map.of("a", 3.0), 5)).isEqualTo("a 3.0 s");
        assertThat(ThreadCpu.byGroup(ProcessHandle.current().pid())).isNotEmpty();
    }

    @Test
    void theReportHasOneRowPerStartAndSaysWhichTargetsAreMet() {
        RestoreOptions o = RestoreOptions.parse("--history", "1M,10M");
        RestoreRun run = new RestoreRun(o, "restore-x", Instant.EPOCH, Instant.EPOCH, "2 CPUs", "abc", "local", List.of("-Xmx256m"),
                List.of(new RestoreRun.Fill(1_000_000, 1_020_000, 480_000_000, 10), new RestoreRun.Fill(10_000_000, 10_200_000, 4_800_000_000L, 90)),
                List.of(measurement(RestoreRun.Kind.ONE, 1_000_000, 6.5, 1_020_000),
                        measurement(RestoreRun.Kind.ONE, 10_000_000, 21.0, 10_200_000),
                        new RestoreRun.Measurement(RestoreRun.Kind.MANY, 10_000_000, 10_200_000, List.of(
                                worker("w1", 12.0, 2_550_000), worker("w2", 13.0, 2_600_000),
                                worker("w3", 14.0, 2_500_000), worker("w4", 16.0, 5_100_000)), 0.9, "3.0 2.0 1.0")),
                List.of());
        String md = RestoreReport.markdown(run);
        assertThat(md).contains("## Delivery ledger restore (1970-01-01 00:00 UTC)");
        assertThat(md).contains("| 1M | 1 worker | **6.5 s** | 1,020,000 |");
        assertThat(md).contains("| 10M | 4 workers | **16.0 s** (first 12.0 s) | 12,750,000 in all; per worker 2,500,000 to 5,100,000 (25 % to 50 % of the topic)");
        assertThat(md).contains("| 1M | 1 worker | w | 6.5 | 4.0 | 4.5 | 1,020,000 (100 %) |");
        assertThat(md).contains("- 10M, 1 worker: 20.0 s (mailpipe-ledger 12.0 s); mailpipe-ledger 1.2 µs per record read");
        assertThat(md).contains("ready <= 15 s with 10M terminal outcomes (1 worker): 21.0 s, missed");
        assertThat(md).contains("heap flat (live heap after a full GC, 1 worker): 1M 30 MB, 10M 30 MB, flat");
        assertThat(md).contains("with 4 workers each restores about 1/4 (10M): 25 % to 50 % of the topic per worker, missed");
        assertThat(md).contains("exec:exec@restore-bench -Drestore.args=\"--history 1M,10M\"");
    }

    private static RestoreRun.Measurement measurement(RestoreRun.Kind kind, long terminal, double ready, long records) {
        return new RestoreRun.Measurement(kind, terminal, records, List.of(worker("w", ready, records)), 0.8, "2.0 2.0 2.0");
    }

    private static RestoreWatch.WorkerRestore worker(String name, double ready, long records) {
        return new RestoreWatch.WorkerRestore(name, ready, 4.0, 4.5, records, 8, 120L << 20, 40L << 20, 30L << 20, 20L << 20,
                300L << 20, 350L << 20, 200L << 20, 20, Map.of("mailpipe-ledger", 12.0), Path.of("worker.log"));
    }
}
