package io.mailpipe.loadtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Everything one run of the {@link RestoreBenchmark} measured. */
record RestoreRun(RestoreOptions options, String runId, Instant started, Instant ended, String machine, String gitVersion,
                  String broker, List<String> workerJvmOptions, List<Fill> fills, List<Measurement> measurements,
                  List<String> problems) {

    /** What kind of start a measurement is. */
    enum Kind {
        /** One worker, an empty state folder: it restores every partition. */
        ONE("1 worker"),
        /** {@code --workers} workers started together in one group: each should restore its share. */
        MANY("%d workers"),
        /** One worker started again on the state folder the ONE worker left: it should read only the tail. */
        RESTART("restart, kept stateDir");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label(int workers) {
            return label.formatted(workers);
        }
    }

    /**
     * One growth of the history.
     *
     * @param terminal terminal outcomes on the topic afterwards
     * @param records  records on the topic afterwards (terminal and DEFERRED)
     * @param bytes    bytes of record values on the topic afterwards
     * @param seconds  how long this growth took
     */
    record Fill(long terminal, long records, long bytes, double seconds) {
        double recordsPerSecond(Fill before) {
            return (records - (before == null ? 0 : before.records)) / seconds;
        }
    }

    /**
     * One start of one or more workers against the history as it was then.
     *
     * @param historyTerminal terminal outcomes on the topic
     * @param historyRecords  records on the topic (what a worker holding every partition reads)
     * @param workers         each worker's figures
     * @param machineBusy     share of all CPUs of the machine busy from start to ready (0..1)
     * @param loadAverage     load average (1/5/15 min) once ready
     */
    record Measurement(Kind kind, long historyTerminal, long historyRecords, List<RestoreWatch.WorkerRestore> workers,
                       double machineBusy, String loadAverage) {

        RestoreWatch.WorkerRestore slowest() {
            return workers.stream().max(java.util.Comparator.comparingDouble(RestoreWatch.WorkerRestore::readySeconds)).orElseThrow();
        }

        double fastestReadySeconds() {
            return workers.stream().mapToDouble(RestoreWatch.WorkerRestore::readySeconds).min().orElse(Double.NaN);
        }

        long restoredRecordsTotal() {
            return workers.stream().mapToLong(RestoreWatch.WorkerRestore::restoredRecords).sum();
        }
    }

    /** Measurements of one kind, in history order. */
    List<Measurement> of(Kind kind) {
        List<Measurement> list = new ArrayList<>();
        for (Measurement m : measurements) {
            if (m.kind() == kind) {
                list.add(m);
            }
        }
        return list;
    }
}
