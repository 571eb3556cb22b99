package io.mailpipe.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Everything one run of the {@link LoadDriver} measured. */
record LoadRun(LoadOptions options, String runId, Instant started, Instant ended, String machine, String gitVersion,
               String broker, String loadAverageAtStart, String loadAverageAtEnd, Mailpipe mailpipe,
               List<Baselines.Result> baselines, Path runDir) {

    /**
     * @param main              the phase at the publishing rate asked for (default: as fast as possible)
     * @param latency           the phase at half the main phase's rate, or null
     * @param startupCpu        CPU the worker used until it was ready
     * @param cpuMain           CPU the worker used during the main phase
     * @param machineBusyMain   share of all CPUs of the machine busy during the main phase (0..1)
     * @param loadAverageMain   load average at the end of the main phase
     * @param peakHeapUsed      highest heap use seen (bytes), -1 if never read
     * @param peakOldGen        highest old-generation use seen (bytes), -1 if unknown
     * @param liveHeapAtEnd     live heap after a full GC once all phases were done (jcmd GC.class_histogram), -1 if unknown
     * @param histogram         where that class histogram was written, or null
     * @param sinkMessages      messages smtp-sink received while the worker ran
     * @param sinkSessions      SMTP sessions smtp-sink saw while the worker ran (connections opened)
     * @param foreignOutcomes   outcome events whose id belongs to no request of this run
     */
    record Mailpipe(OutcomeWatcher.Result main, LatencyPhase latency, Duration startupCpu, Duration cpuMain,
                    double machineBusyMain, String loadAverageMain, long peakHeapUsed, long peakOldGen, long liveHeapAtEnd, Path histogram, int heapSamples,
                    List<Row> rows, long sinkMessages, long sinkSessions, long foreignOutcomes, long unreadableOutcomes,
                    List<String> workerJvmOptions, String workerConfig) {
    }

    record LatencyPhase(double rate, OutcomeWatcher.Result result) {
    }

    /**
     * One progress line of a phase: outcomes so far, rate within the interval, heap use lowest..highest within the
     * interval (the lowest is close to the heap left after a collection), old generation at the end of it.
     */
    record Row(String phase, int of, double elapsedSeconds, int finished, double rate, long heapMin, long heapMax, long oldGen,
               String loadAverage) {
        String line() {
            return "%-9s %6.0f s  %,9d / %,d outcomes  %,8.0f msg/s  heap %s..%s MB  old gen %s MB  load %s".formatted(
                    phase, elapsedSeconds, finished, of, rate, LoadReport.mb(heapMin), LoadReport.mb(heapMax), LoadReport.mb(oldGen),
                    loadAverage);
        }
    }

    /** What is wrong with the run, empty when every check holds (see {@link LoadDriver}). */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        check(problems, "main phase", mailpipe.main());
        if (mailpipe.latency() != null) {
            check(problems, "latency phase", mailpipe.latency().result());
        }
        long sent = mailpipe.main().sent() + (mailpipe.latency() == null ? 0 : mailpipe.latency().result().sent());
        if (mailpipe.sinkMessages() != sent) {
            problems.add("smtp-sink received " + mailpipe.sinkMessages() + " messages for " + sent + " SENT outcomes");
        }
        for (Baselines.Result b : baselines) {
            if (!b.complete()) {
                problems.add("baseline (" + b.name() + "): " + b.sent() + " sent, " + b.failed() + " failed, sink received "
                        + b.sinkMessages() + " of " + b.messages() + (b.firstError().isEmpty() ? "" : ": " + b.firstError()));
            }
        }
        return problems;
    }

    private static void check(List<String> problems, String what, OutcomeWatcher.Result r) {
        if (r.missing() > 0) {
            problems.add(what + ": " + r.missing() + " requests without a terminal outcome");
        }
        if (r.extraTerminal() > 0) {
            problems.add(what + ": " + r.extraTerminal() + " terminal outcomes beyond the first of their request");
        }
        if (r.sent() != r.requests()) {
            problems.add(what + ": " + r.sent() + " of " + r.requests() + " requests SENT; outcomes by status " + r.statusCounts());
        }
    }
}
