package io.mailpipe.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import io.mailpipe.testing.PrometheusText;

/**
 * Watches one worker JVM restore its delivery ledger, from the moment its process was started. Every {@link #sample()}
 * reads its {@code /observe/metrics} (heap; {@code mailpipe_ledger_partitions{state}} and
 * {@code mailpipe_ledger_restored_records_total}) and {@code /observe/health/ready}.
 *
 * <p><b>Ready</b> means: readiness answers 200 (which it does only with {@code checks.ledgerRestoring} empty) and the
 * worker holds at least one restored partition. The second half matters: until its consumers are given partitions a
 * worker restores nothing and readiness already answers 200, so readiness alone would count a worker that has not
 * begun as ready. The time to ready is the last time the worker became ready (a rebalance that gives it a partition
 * to restore makes it not ready again), as fine as the sampling (every 250 ms).
 */
final class RestoreWatch {

    private final String name;
    private final WorkerJvm worker;
    private final long startNanos;
    private final Path stateDir;
    private double firstHeldSeconds = Double.NaN;
    private double firstReadinessSeconds = Double.NaN;
    private double readySeconds = Double.NaN;
    private boolean ready;
    private long peakHeap = -1;
    private long peakOldGen = -1;
    private long restoredRecords;
    private int partitions;
    private int partitionsRestored;
    private long lastHeap = -1;

    /**
     * @param startNanos {@link System#nanoTime()} just before the worker's process was started
     * @param stateDir   its {@code worker.stateDir}, to measure the stores on disk
     */
    RestoreWatch(String name, WorkerJvm worker, long startNanos, Path stateDir) {
        this.name = name;
        this.worker = worker;
        this.startNanos = startNanos;
        this.stateDir = stateDir;
    }

    WorkerJvm worker() {
        return worker;
    }

    boolean ready() {
        return ready;
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** One look at the worker; throws when its process ended. */
    void sample() {
        worker.checkAlive();
        PrometheusText metrics = worker.metrics();
        boolean readiness = worker.ready();
        double t = secondsSinceStart();
        if (metrics == null) {
            return;
        }
        WorkerJvm.HeapSample heap = WorkerJvm.HeapSample.of(metrics);
        if (heap != null) {
            peakHeap = Math.max(peakHeap, heap.usedBytes());
            peakOldGen = Math.max(peakOldGen, heap.oldGenBytes());
            lastHeap = heap.usedBytes();
        }
        long restoring = Math.round(sum(metrics, "mailpipe_ledger_partitions", "state=\"restoring\""));
        long restored = Math.round(sum(metrics, "mailpipe_ledger_partitions", "state=\"restored\""));
        restoredRecords = Math.round(sum(metrics, "mailpipe_ledger_restored_records_total", ""));
        partitions = (int) (restoring + restored);
        partitionsRestored = (int) restored;
        if (partitions > 0 && Double.isNaN(firstHeldSeconds)) {
            firstHeldSeconds = t;
        }
        if (readiness && Double.isNaN(firstReadinessSeconds)) {
            firstReadinessSeconds = t;
        }
        boolean readyNow = readiness && restored >= 1 && restoring == 0;
        if (readyNow && !ready) {
            readySeconds = t;
        }
        ready = readyNow;
    }

    /** "name: 3 of 8 partitions restored, 1,234,567 records, heap 80 MB" for the progress lines. */
    String progress() {
        return "%s: %d of %d partitions restored, %,d records, heap %s MB%s".formatted(name, partitionsRestored, partitions,
                restoredRecords, LoadReport.mb(lastHeap), ready ? ", ready" : "");
    }

    /**
     * What the start measured, once it is ready: forces a full collection ({@code jcmd GC.run}) and reads the heap left,
     * the resident set size, the CPU used until then and the CPU by thread.
     */
    WorkerRestore finish() {
        double cpuSeconds = worker.cpu().toNanos() / 1e9;
        Map<String, Double> cpuByThread = ThreadCpu.byGroup(worker.pid());
        boolean collected = worker.fullGc();
        PrometheusText metrics = worker.metrics();
        WorkerJvm.HeapSample after = metrics == null || !collected ? null : WorkerJvm.HeapSample.of(metrics);
        WorkerJvm.Rss rss = worker.rss();
        return new WorkerRestore(name, readySeconds, firstReadinessSeconds, firstHeldSeconds, restoredRecords, partitions,
                peakHeap, peakOldGen, after == null ? -1 : after.usedBytes(), after == null ? -1 : after.oldGenBytes(),
                rss.bytes(), rss.peakBytes(), -1, cpuSeconds, cpuByThread, worker.log());
    }

    /** The stores' size on disk (call after the worker stopped: it flushes them then), -1 without a state folder. */
    long storeBytes() {
        return directorySize(stateDir);
    }

    static long directorySize(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sum of the samples of metric {@code name} whose labels contain {@code labelFragment} (whatever other tags they carry). */
    static double sum(PrometheusText metrics, String name, String labelFragment) {
        double total = 0;
        for (Map.Entry<String, Double> e : metrics.samples().entrySet()) {
            String key = e.getKey();
            if ((key.equals(name) || key.startsWith(name + "{")) && key.contains(labelFragment)) {
                total += e.getValue();
            }
        }
        return total;
    }

    /**
     * One worker start, times in seconds since its process was started (NaN: never happened).
     *
     * @param readySeconds          the last time it became ready (see {@link RestoreWatch})
     * @param firstReadinessSeconds the first 200 of {@code /observe/health/ready}, whatever it held then
     * @param firstHeldSeconds      the first time it held a partition of {@code mail.outcomes} (its restore began)
     * @param restoredRecords       {@code mailpipe_ledger_restored_records_total}: outcome records its restores read,
     *                              including those of partitions a rebalance took away again
     * @param partitions            partitions of {@code mail.outcomes} it held at the end
     * @param peakHeap              highest heap use seen while restoring (bytes; young generation included)
     * @param peakOldGen            highest old-generation use seen while restoring
     * @param heapAfterGc           heap in use after a full collection once ready ({@code jcmd GC.run}), -1 if unknown
     * @param oldGenAfterGc         of that, the old generation
     * @param rss                   resident set size once ready ({@code VmRSS}): heap, RocksDB's native memory, the rest
     * @param peakRss               highest resident set size since start ({@code VmHWM})
     * @param storeBytes            its ledger stores on disk after it stopped (flushed), -1 if unknown
     * @param cpuSeconds            CPU (user + system) of the process from start until measured (ready, plus the few
     *                              seconds the run waits to see every worker stay ready)
     * @param cpuByThread           that CPU by thread group ({@link ThreadCpu})
     */
    record WorkerRestore(String name, double readySeconds, double firstReadinessSeconds, double firstHeldSeconds,
                         long restoredRecords, int partitions, long peakHeap, long peakOldGen, long heapAfterGc,
                         long oldGenAfterGc, long rss, long peakRss, long storeBytes, double cpuSeconds,
                         Map<String, Double> cpuByThread, Path log) {

        /** Seconds from holding its first partition to ready: the restore itself, JVM and Camel start-up excluded. */
        double restoreSeconds() {
            return readySeconds - firstHeldSeconds;
        }

        /** Records read per second of {@link #restoreSeconds()}; NaN when nothing was read. */
        double recordsPerSecond() {
            double s = restoreSeconds();
            return restoredRecords == 0 || !(s > 0) ? Double.NaN : restoredRecords / s;
        }

        WorkerRestore withStoreBytes(long bytes) {
            return new WorkerRestore(name, readySeconds, firstReadinessSeconds, firstHeldSeconds, restoredRecords, partitions,
                    peakHeap, peakOldGen, heapAfterGc, oldGenAfterGc, rss, peakRss, bytes, cpuSeconds, cpuByThread, log);
        }
    }
}
