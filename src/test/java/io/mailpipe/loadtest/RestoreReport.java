package io.mailpipe.loadtest;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.mailpipe.loadtest.RestoreRun.Kind;
import io.mailpipe.loadtest.RestoreRun.Measurement;
import io.mailpipe.loadtest.RestoreWatch.WorkerRestore;

/** The report of a {@link RestoreRun} as Markdown: printed, and appended to load-tests/RESULTS.md when asked. */
final class RestoreReport {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    /** The target: a worker ready within this many seconds of its start at the largest history. */
    static final double READY_TARGET_SECONDS = 15;
    /** The thread of io.mailpipe.ledger.OutcomeState that reads mail.outcomes and writes the stores. */
    static final String LEDGER_THREAD = "mailpipe-ledger";

    private RestoreReport() {
    }

    static String markdown(RestoreRun run) {
        RestoreOptions o = run.options();
        StringBuilder md = new StringBuilder();
        md.append("## ").append(o.label).append(" (").append(WHEN.format(run.started())).append(")\n\n");
        md.append("- Command: `").append(command(o)).append("`\n");
        md.append("- Code: ").append(run.gitVersion()).append("; each worker `java ").append(String.join(" ", run.workerJvmOptions()))
                .append(" -jar mailpipe.jar run`, its own JVM, one account on Postfix smtp-sink, no requests to send; a fresh ")
                .append("`worker.stateDir` per start (`MAILPIPE_WORKER_STATE_DIR`) but for the restart; ").append(o.partitions)
                .append(" partitions each for requests, retry and outcomes\n");
        md.append("- Machine: ").append(run.machine()).append("\n");
        md.append("- Broker: ").append(run.broker()).append("\n");
        md.append("- History: random request ids, ").append(percent(o.deferredShare))
                .append(" of them with a DEFERRED outcome before the SENT one; ").append(fills(run)).append("\n");
        md.append("- Times are from the worker's process start; ready = `/observe/health/ready` 200 while the worker holds at ")
                .append("least one partition and restores none (sampled every 250 ms); restore rate = records read / (ready - first ")
                .append("partition held); heap from `/observe/metrics` (peak while restoring, then after `jcmd GC.run`); RSS = VmRSS ")
                .append("(peak: VmHWM) of the worker process, RocksDB included; stores on disk after the worker stopped\n\n");

        md.append("| history (terminal outcomes) | start | time to ready | restore: records read | restore rate | heap peak / after full GC | ")
                .append("old gen peak / after GC | RSS when ready (peak) | stores on disk | machine busy, load |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : run.measurements()) {
            md.append(row(m, o.workers)).append('\n');
        }
        md.append('\n');

        List<Measurement> all = run.measurements();
        if (!all.isEmpty()) {
            md.append("| history | start | worker | ready, s | first readiness 200, s | first partition held, s | records read (share of ")
                    .append("the topic) | partitions at the end | heap after GC | RSS | CPU, s |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Measurement m : all) {
                for (WorkerRestore w : m.workers()) {
                    md.append("| ").append(count(m.historyTerminal())).append(" | ").append(m.kind().label(m.workers().size()))
                            .append(" | ").append(w.name()).append(" | ").append(seconds(w.readySeconds())).append(" | ")
                            .append(seconds(w.firstReadinessSeconds())).append(" | ").append(seconds(w.firstHeldSeconds()))
                            .append(" | ").append(fmt(w.restoredRecords())).append(" (")
                            .append(percent((double) w.restoredRecords() / Math.max(1, m.historyRecords()))).append(") | ")
                            .append(w.partitions()).append(" | ").append(LoadReport.mb(w.heapAfterGc())).append(" MB | ")
                            .append(LoadReport.mb(w.rss())).append(" MB | ").append(seconds(w.cpuSeconds())).append(" |\n");
                }
            }
            md.append('\n');
        }

        md.append("CPU of the worker by thread, from start until measured (/proc/PID/task):\n\n");
        for (Measurement m : run.measurements()) {
            if (m.kind() == Kind.MANY) {
                continue;
            }
            WorkerRestore w = m.workers().get(0);
            md.append("- ").append(count(m.historyTerminal())).append(", ").append(m.kind().label(1)).append(": ")
                    .append(seconds(w.cpuSeconds())).append(" s (").append(ThreadCpu.describe(w.cpuByThread(), 5)).append(")")
                    .append(ledgerCpuPerRecord(w)).append("\n");
        }
        md.append('\n').append(targets(run)).append("\n\n");
        if (!run.problems().isEmpty()) {
            md.append("**Run incomplete:** ").append(String.join("; ", run.problems())).append("\n\n");
        }
        return md.toString();
    }

    /** One row of the main table. */
    static String row(Measurement m, int workers) {
        WorkerRestore slowest = m.slowest();
        String ready = "**" + seconds(slowest.readySeconds()) + " s**"
                + (m.workers().size() == 1 ? "" : " (first " + seconds(m.fastestReadySeconds()) + " s)");
        String records;
        String rate;
        if (m.workers().size() == 1) {
            records = fmt(slowest.restoredRecords());
            rate = perSecond(slowest.recordsPerSecond());
        } else {
            long min = m.workers().stream().mapToLong(WorkerRestore::restoredRecords).min().orElse(0);
            long max = m.workers().stream().mapToLong(WorkerRestore::restoredRecords).max().orElse(0);
            records = fmt(m.restoredRecordsTotal()) + " in all; per worker " + fmt(min) + " to " + fmt(max) + " ("
                    + percent((double) min / Math.max(1, m.historyRecords())) + " to " + percent((double) max / Math.max(1, m.historyRecords()))
                    + " of the topic)";
            double longest = m.workers().stream().mapToDouble(WorkerRestore::restoreSeconds).max().orElse(Double.NaN);
            rate = perSecond(m.restoredRecordsTotal() == 0 ? Double.NaN : m.restoredRecordsTotal() / longest) + " together";
        }
        long peakHeap = m.workers().stream().mapToLong(WorkerRestore::peakHeap).max().orElse(-1);
        long heapAfter = m.workers().stream().mapToLong(WorkerRestore::heapAfterGc).max().orElse(-1);
        long peakOld = m.workers().stream().mapToLong(WorkerRestore::peakOldGen).max().orElse(-1);
        long oldAfter = m.workers().stream().mapToLong(WorkerRestore::oldGenAfterGc).max().orElse(-1);
        long rss = m.workers().stream().mapToLong(WorkerRestore::rss).max().orElse(-1);
        long peakRss = m.workers().stream().mapToLong(WorkerRestore::peakRss).max().orElse(-1);
        long stores = m.workers().stream().mapToLong(w -> Math.max(0, w.storeBytes())).sum();
        String most = m.workers().size() == 1 ? "" : " (largest)";
        return "| " + count(m.historyTerminal()) + " | " + m.kind().label(workers) + " | " + ready + " | " + records + " | "
                + rate + " | " + LoadReport.mb(peakHeap) + " / " + LoadReport.mb(heapAfter) + " MB" + most + " | "
                + LoadReport.mb(peakOld) + " / " + LoadReport.mb(oldAfter) + " MB | " + LoadReport.mb(rss) + " (" + LoadReport.mb(peakRss)
                + ") MB" + most + " | " + LoadReport.mb(stores) + " MB" + (m.workers().size() == 1 ? "" : " in all") + " | "
                + percent(m.machineBusy()) + ", " + m.loadAverage() + " |";
    }

    /**
     * "; mailpipe-ledger 4.1 µs per record read": CPU of the ledger's reader thread (fetch, JSON status, SHA-256, RocksDB
     * write) per record, the figure least moved by other load on the machine; empty when nothing was read.
     */
    static String ledgerCpuPerRecord(WorkerRestore w) {
        Double ledger = w.cpuByThread().get(LEDGER_THREAD);
        if (ledger == null || w.restoredRecords() < 10_000) {
            return "";
        }
        return "; " + LEDGER_THREAD + " " + String.format(Locale.ROOT, "%.1f", ledger * 1e6 / w.restoredRecords()) + " µs per record read";
    }

    /** The three targets against the measurements: ready within 15 s at the largest size, heap flat, a share each. */
    static String targets(RestoreRun run) {
        List<Measurement> one = run.of(Kind.ONE);
        if (one.isEmpty()) {
            return "Targets of issue 16: nothing measured.";
        }
        Measurement largest = one.get(one.size() - 1);
        Measurement smallest = one.get(0);
        double ready = largest.slowest().readySeconds();
        StringBuilder sb = new StringBuilder("Targets of issue 16: ready <= ").append(Math.round(READY_TARGET_SECONDS)).append(" s with ")
                .append(count(largest.historyTerminal())).append(" terminal outcomes (1 worker): ").append(seconds(ready)).append(" s, ")
                .append(ready <= READY_TARGET_SECONDS ? "met" : "missed");
        sb.append("; heap flat (live heap after a full GC, 1 worker): ").append(one.stream()
                .map(m -> count(m.historyTerminal()) + " " + LoadReport.mb(m.workers().get(0).heapAfterGc()) + " MB")
                .collect(Collectors.joining(", ")));
        if (one.size() > 1) {
            long low = smallest.workers().get(0).heapAfterGc();
            long high = largest.workers().get(0).heapAfterGc();
            sb.append(low > 0 && high > 0 && high - low <= Math.max(8L << 20, low / 4) ? ", flat" : ", not flat");
        }
        List<Measurement> many = run.of(Kind.MANY);
        if (!many.isEmpty()) {
            Measurement m = many.get(many.size() - 1);
            int n = m.workers().size();
            double min = m.workers().stream().mapToLong(WorkerRestore::restoredRecords).min().orElse(0) / (double) Math.max(1, m.historyRecords());
            double max = m.workers().stream().mapToLong(WorkerRestore::restoredRecords).max().orElse(0) / (double) Math.max(1, m.historyRecords());
            sb.append("; with ").append(n).append(" workers each restores about 1/").append(n).append(" (")
                    .append(count(m.historyTerminal())).append("): ").append(percent(min)).append(" to ").append(percent(max))
                    .append(" of the topic per worker, ").append(max <= 1.25 / n ? "met" : "missed");
        }
        return sb.append('.').toString();
    }

    /** The measurement in one line, for the run's log. */
    static String oneLine(Measurement m) {
        WorkerRestore s = m.slowest();
        return "ready after " + seconds(s.readySeconds()) + " s, " + fmt(m.restoredRecordsTotal()) + " records read"
                + (m.workers().size() == 1 ? " at " + perSecond(s.recordsPerSecond())
                : " (per worker " + m.workers().stream().map(w -> fmt(w.restoredRecords())).collect(Collectors.joining(", ")) + ")")
                + ", heap after GC " + LoadReport.mb(s.heapAfterGc()) + " MB, RSS " + LoadReport.mb(s.rss()) + " MB";
    }

    private static String fills(RestoreRun run) {
        RestoreRun.Fill before = null;
        StringBuilder sb = new StringBuilder();
        for (RestoreRun.Fill f : run.fills()) {
            if (f.seconds() > 0) {
                sb.append(sb.isEmpty() ? "" : "; ").append(count(f.terminal())).append(" = ").append(fmt(f.records())).append(" records, ")
                        .append(LoadReport.mb(f.bytes())).append(" MB of values (").append(f.bytes() / Math.max(1, f.records()))
                        .append(" bytes each), written at ").append(perSecond(f.recordsPerSecond(before)));
            }
            before = f;
        }
        return sb.append(" (producer acks=1, 100 ms linger, 1 MB batches, no compression as the worker's: the fill is not measured)")
                .toString();
    }

    /** The command that reproduces the run. */
    static String command(RestoreOptions o) {
        String args = o.rawArgs.stream().map(a -> a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*") ? "'" + a.replace("'", "") + "'" : a)
                .collect(Collectors.joining(" "));
        return "mvn -o -q -DskipTests package exec:exec@restore-bench" + (args.isEmpty() ? "" : " -Drestore.args=\"" + args + "\"");
    }

    /** A count as the issue writes it: 0, 100k, 1M, 2.5M, 10M; other values with thousands separators. */
    static String count(long n) {
        if (n >= 1_000_000 && n % 100_000 == 0) {
            return n % 1_000_000 == 0 ? (n / 1_000_000) + "M" : "%.1fM".formatted(n / 1e6);
        }
        if (n >= 1_000 && n % 1_000 == 0) {
            return (n / 1_000) + "k";
        }
        return fmt(n);
    }

    static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f", s);
    }

    private static String perSecond(double v) {
        return Double.isNaN(v) ? "-" : fmt(Math.round(v)) + "/s";
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "?" : String.format(Locale.ROOT, "%.0f %%", 100 * share);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%,.1f", v);
    }

    private static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
