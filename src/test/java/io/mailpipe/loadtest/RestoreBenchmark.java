package io.mailpipe.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.mailpipe.testing.KafkaCluster;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.WorkerSettings;
import io.mailpipe.kafka.LocalKafkaBroker;
import io.mailpipe.kafka.TopicAdmin;

/**
 * The delivery ledger's restore benchmark (issue 16): how long a worker takes to be ready, and how much memory it needs,
 * against the size of the history on {@code mail.outcomes}. Not a timed test: run it when asked for
 * (load-tests/README.md).
 *
 * <p>For each history size, ascending: the run's {@code mail.outcomes} is grown to that many terminal outcomes
 * ({@link OutcomeHistory}), then
 * <ol>
 *   <li>one worker starts with an empty {@code worker.stateDir} (it restores every partition);</li>
 *   <li>{@code --workers} workers start together in one group (each should restore about its share);</li>
 *   <li>{@code --restart-tail} more outcomes are written and a worker starts again on the first one's kept state folder
 *       (it should read only those).</li>
 * </ol>
 * Each worker is a JVM of its own as users start it ({@link WorkerJvm}: {@code -Xmx256m}, {@link WorkerJvm#USER_DEFAULTS},
 * the class-data sharing archive), one account on a Postfix smtp-sink so that readiness can pass, and is watched by a
 * {@link RestoreWatch}; a measurement ends when every worker has been ready for a few seconds in a row. Prints the
 * report ({@link RestoreReport}) and appends it, with a chart, to {@code --results}. Exit code 1 when a worker died or
 * was not ready within {@code --ready-timeout}; the sizes measured until then are reported.
 */
public final class RestoreBenchmark {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final long SAMPLE_MILLIS = 250;
    /** How long every worker of a measurement must stay ready before it counts as done (rebalances come late). */
    private static final Duration SETTLE_ONE = Duration.ofSeconds(3);
    private static final Duration SETTLE_MANY = Duration.ofSeconds(10);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RestoreOptions options;

    RestoreBenchmark(RestoreOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        RestoreOptions options;
        try {
            options = RestoreOptions.parse(args);
        } catch (picocli.CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("restore-bench: " + e.getMessage());
            new picocli.CommandLine(new RestoreOptions()).usage(System.err);
            System.exit(2);
            return;
        }
        if (options.help) {
            new picocli.CommandLine(new RestoreOptions()).usage(System.out);
            return;
        }
        RestoreRun run = new RestoreBenchmark(options).run();
        LoadReport.finish("restore-bench", RestoreReport.markdown(run) + chart(run, options), options.results, run.problems());
    }

    /** Runs every size; a worker that dies or is never ready ends the run (recorded in {@link RestoreRun#problems()}). */
    RestoreRun run() throws Exception {
        Postfix.ensureInstalled(!options.noInstall);
        String runId = "restore-" + STAMP.format(Instant.now());
        Path runDir = Files.createDirectories(options.workDir.resolve(runId)).toAbsolutePath();
        Instant started = Instant.now();
        LocalKafkaBroker broker = null;
        String bootstrap = options.bootstrap;
        if (bootstrap == null) {
            log("starting the local Kafka broker (" + runDir.resolve("kafka") + ")");
            broker = LocalKafkaBroker.start(runDir.resolve("kafka")).stopOnlyWhenClosed();
            bootstrap = broker.bootstrapServers();
        }
        KafkaSettings.Topics topics = KafkaSettings.Topics.withPrefix(runId + ".");
        TopicAdmin.ensureTopics(new KafkaSettings(bootstrap, runId, topics, options.partitions, null, null, null, null, null, null),
                WorkerSettings.defaults().maxRequestBytes());
        Path jar = options.jar != null ? options.jar : LoadDriver.defaultJar();
        List<String> jvmOptions = WorkerJvm.asUsersStartIt(jar, options.workerJvmOptions, !options.noCds);
        List<RestoreRun.Fill> fills = new ArrayList<>();
        List<RestoreRun.Measurement> measurements = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (SmtpSink sink = SmtpSink.start();
             OutcomeHistory history = new OutcomeHistory(bootstrap, topics.outcomes(), topics.requests(), options.deferredShare)) {
            Starts starts = new Starts(jar, jvmOptions, bootstrap, topics, sink.port(), runDir);
            for (long size : options.history) {
                fills.add(grow(history, size, runDir));
                String tag = RestoreReport.count(size).toLowerCase().replace(",", "");
                Path oneState = runDir.resolve("state").resolve(tag + "-one");
                measurements.add(starts.measure(RestoreRun.Kind.ONE, history, runId + "-" + tag + "-one", List.of(oneState)));
                if (options.multiAt(size)) {
                    List<Path> states = new ArrayList<>();
                    for (int i = 1; i <= options.workers; i++) {
                        states.add(runDir.resolve("state").resolve(tag + "-many-" + i));
                    }
                    measurements.add(starts.measure(RestoreRun.Kind.MANY, history, runId + "-" + tag + "-many", states));
                    states.forEach(KafkaCluster::deleteTree);
                }
                if (options.restartTail > 0) {
                    fills.add(grow(history, history.terminal() + options.restartTail, runDir));
                    measurements.add(starts.measure(RestoreRun.Kind.RESTART, history, runId + "-" + tag + "-one", List.of(oneState)));
                }
                KafkaCluster.deleteTree(oneState);
            }
        } catch (WorkerFailed e) {
            problems.add(e.getMessage());
            log("run stopped: " + e.getMessage());
        } finally {
            deleteTopics(bootstrap, runId + ".");
            if (broker != null) {
                broker.close();
                KafkaCluster.deleteTree(runDir.resolve("kafka"));
            }
            KafkaCluster.deleteTree(runDir.resolve("state"));
        }
        return new RestoreRun(options, runId, started, Instant.now(), Machine.describe(), Machine.gitVersion(options.results),
                broker != null ? "local KRaft broker (io.mailpipe.kafka.LocalKafkaBroker), " + bootstrap : bootstrap,
                jvmOptions, fills, measurements, problems);
    }

    private static RestoreRun.Fill grow(OutcomeHistory history, long terminal, Path runDir) {
        if (history.terminal() >= terminal) {
            return new RestoreRun.Fill(history.terminal(), history.records(), history.bytes(), 0);
        }
        long before = history.records();
        log("writing outcomes: " + RestoreReport.count(history.terminal()) + " -> " + RestoreReport.count(terminal)
                + " terminal (acks=1, 100 ms linger, 1 MB batches: as fast as the broker takes them)");
        long t0 = System.nanoTime();
        history.fillTo(terminal);
        double seconds = (System.nanoTime() - t0) / 1e9;
        log("history: %,d terminal outcomes, %,d records, %,d MB of values (%,.0f records/s); %,d GB free on %s".formatted(
                history.terminal(), history.records(), history.bytes() >> 20, (history.records() - before) / seconds,
                usableGigabytes(runDir), runDir));
        return new RestoreRun.Fill(history.terminal(), history.records(), history.bytes(), seconds);
    }

    /** Starts workers of one measurement and watches them until every one has been ready for a while. */
    private final class Starts {
        private final Path jar;
        private final List<String> jvmOptions;
        private final String bootstrap;
        private final KafkaSettings.Topics topics;
        private final int sinkPort;
        private final Path runDir;

        Starts(Path jar, List<String> jvmOptions, String bootstrap, KafkaSettings.Topics topics, int sinkPort, Path runDir) {
            this.jar = jar;
            this.jvmOptions = jvmOptions;
            this.bootstrap = bootstrap;
            this.topics = topics;
            this.sinkPort = sinkPort;
            this.runDir = runDir;
        }

        /** One worker per state folder, all in group {@code groupId}, started at once. */
        RestoreRun.Measurement measure(RestoreRun.Kind kind, OutcomeHistory history, String groupId, List<Path> stateDirs)
                throws IOException, InterruptedException {
            String what = kind.label(stateDirs.size()) + ", " + RestoreReport.count(history.terminal()) + " terminal outcomes";
            log(what + ": starting");
            Machine.CpuTicks ticks = Machine.CpuTicks.now();
            List<RestoreWatch> watches = new ArrayList<>();
            try {
                for (int i = 0; i < stateDirs.size(); i++) {
                    String name = stateDirs.get(i).getFileName().toString() + (kind == RestoreRun.Kind.RESTART ? "-restart" : "");
                    Path dir = runDir.resolve(name);
                    String yaml = WorkerJvm.configYaml(bootstrap, topics, groupId, options.partitions, dir.resolve("data"), sinkPort,
                            1, 8, false, 1);
                    long startNanos = System.nanoTime();
                    WorkerJvm worker = WorkerJvm.start(jar, options.heap, jvmOptions, yaml, dir, environment(stateDirs.get(i)));
                    watches.add(new RestoreWatch(name, worker, startNanos, stateDirs.get(i)));
                }
                awaitSettled(watches, kind == RestoreRun.Kind.MANY ? SETTLE_MANY : SETTLE_ONE, what);
                double busy = Machine.CpuTicks.now().busySince(ticks);
                String load = Machine.loadAverage();
                List<RestoreWatch.WorkerRestore> figures = new ArrayList<>();
                for (RestoreWatch w : watches) {
                    figures.add(w.finish());
                }
                closeAll(watches);
                List<RestoreWatch.WorkerRestore> withStores = new ArrayList<>();
                for (int i = 0; i < watches.size(); i++) {
                    withStores.add(figures.get(i).withStoreBytes(watches.get(i).storeBytes()));
                }
                RestoreRun.Measurement m = new RestoreRun.Measurement(kind, history.terminal(), history.records(), withStores, busy, load);
                log(what + ": " + RestoreReport.oneLine(m));
                return m;
            } catch (IllegalStateException e) {
                throw new WorkerFailed(what + ": " + e.getMessage(), e);
            } finally {
                closeAll(watches);
            }
        }

        /**
         * The worker's state folder, and 60 s instead of 5 s for its start-up check that Kafka answers: with several
         * JVMs starting at once on a small machine next to the broker, 5 s was once not enough (the worker exits).
         * Either can be set in the environment of the run as well.
         */
        private static Map<String, String> environment(Path stateDir) {
            return Map.of("MAILPIPE_WORKER_STATE_DIR", stateDir.toString(),
                    "MAILPIPE_CLI_KAFKA_TIMEOUT", System.getenv().getOrDefault("MAILPIPE_CLI_KAFKA_TIMEOUT", "PT60S"));
        }

        private void awaitSettled(List<RestoreWatch> watches, Duration settle, String what) throws InterruptedException {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(options.readyTimeoutSeconds);
            long allReadySince = -1;
            long nextProgress = start + PROGRESS_NANOS;
            while (true) {
                Thread.sleep(SAMPLE_MILLIS);
                boolean allReady = true;
                for (RestoreWatch w : watches) {
                    w.sample();
                    allReady &= w.ready();
                }
                long now = System.nanoTime();
                if (!allReady) {
                    allReadySince = -1;
                } else if (allReadySince < 0) {
                    allReadySince = now;
                } else if (now - allReadySince >= settle.toNanos()) {
                    return;
                }
                if (now > deadline) {
                    throw new IllegalStateException("not every worker was ready within " + options.readyTimeoutSeconds
                            + " s; see " + watches.get(0).worker().log().getParent());
                }
                if (now >= nextProgress) {
                    nextProgress = now + PROGRESS_NANOS;
                    log("  " + what + ": " + Math.round((now - start) / 1e9) + " s, "
                            + watches.stream().map(RestoreWatch::progress).reduce((a, b) -> a + "; " + b).orElse("")
                            + "; load " + Machine.loadAverage());
                }
            }
        }
    }

    private static void closeAll(List<RestoreWatch> watches) throws InterruptedException {
        List<Thread> stopping = new ArrayList<>();
        for (RestoreWatch w : watches) {
            Thread t = new Thread(w.worker()::close, "stop-" + w.worker().pid());
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            t.join();
        }
    }

    /** A worker died or was not ready in time: the run stops there. */
    static final class WorkerFailed extends RuntimeException {
        WorkerFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static long usableGigabytes(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace() >> 30;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Deletes the run's topics (those whose name starts with {@code prefix}; the workers create a few of their own). */
    private static void deleteTopics(String bootstrap, String prefix) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> run = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> t.startsWith(prefix)).toList();
            admin.deleteTopics(run).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log("could not delete every topic of the run (" + e.getMessage() + "); check " + bootstrap);
        }
    }

    static void log(String text) {
        System.out.println("[restore " + DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC).format(Instant.now()).substring(0, 8)
                + "] " + text);
    }

    /** Draws restore time and memory against history size (PNG in charts/ next to the results file); the Markdown link. */
    private static String chart(RestoreRun run, RestoreOptions options) {
        Path folder = options.results != null ? options.results.toAbsolutePath().getParent().resolve("charts")
                : options.workDir.resolve(run.runId()).toAbsolutePath();
        Path png = folder.resolve(run.runId() + ".png");
        try {
            if (!RestoreChart.write(run, png)) {
                return "";
            }
        } catch (IOException | RuntimeException e) {
            return "(no chart: " + e + ")\n\n";
        }
        String link = options.results != null ? "charts/" + png.getFileName() : png.toString();
        System.out.println("chart: " + png);
        return "![restore time and memory against history size](" + link + ")\n\n";
    }
}
