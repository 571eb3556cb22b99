package io.mailpipe.loadtest;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.WorkerSettings;
import io.mailpipe.kafka.LocalKafkaBroker;
import io.mailpipe.kafka.TopicAdmin;

/**
 * The throughput driver of issue 7: broker (started or given), Postfix smtp-sink as SMTP server, N requests published to
 * the run's own {@code mail.requests}, one mailpipe worker JVM from {@code mailpipe.jar}, wait for N terminal outcomes;
 * then the baselines against the same sink. Prints the report (Markdown) and appends it to {@code --results}.
 * Exit code 0 when every request reached exactly one terminal outcome, all were SENT, the sink received each once and
 * every baseline delivered all its messages; 1 otherwise. How to run it: load-tests/README.md.
 */
public final class LoadDriver {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final LoadOptions options;

    LoadDriver(LoadOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (picocli.CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("load-driver: " + e.getMessage());
            new picocli.CommandLine(new LoadOptions()).usage(System.err);
            System.exit(2);
            return;
        }
        if (options.helpRequested()) {
            new picocli.CommandLine(new LoadOptions()).usage(System.out);
            return;
        }
        LoadRun run = new LoadDriver(options).run();
        LoadReport.finish("load-driver: the run is not complete", LoadReport.markdown(run) + chart(run, options), options.results,
                run.problems());
    }

    /** Runs everything once; throws when the run cannot be carried out (worker dies, stalls, broker missing). */
    LoadRun run() throws Exception {
        Postfix.ensureInstalled(!options.noInstall);
        String runId = "load-" + STAMP.format(Instant.now());
        Path runDir = Files.createDirectories(options.workDir.resolve(runId));
        String loadStart = Machine.loadAverage();
        Instant started = Instant.now();
        LocalKafkaBroker broker = null;
        String bootstrap = options.bootstrap;
        if (bootstrap == null) {
            log("starting the local Kafka broker (" + runDir.resolve("kafka") + ")");
            broker = LocalKafkaBroker.start(runDir.resolve("kafka")).stopOnlyWhenClosed();
            bootstrap = broker.bootstrapServers();
        }
        KafkaSettings.Topics topics = KafkaSettings.Topics.withPrefix(runId + ".");
        // the topics as the worker would create them, with the run's partition count
        TopicAdmin.ensureTopics(new KafkaSettings(bootstrap, runId, topics, options.partitions, null, null, null, null, null, null),
                WorkerSettings.defaults().maxRequestBytes());
        LoadMessage message = LoadMessage.ofBodySize(options.bodyBytes);
        try (SmtpSink sink = SmtpSink.start();
             OutcomeWatcher watcher = new OutcomeWatcher(bootstrap, topics.outcomes());
             RequestPublisher publisher = new RequestPublisher(bootstrap, topics.requests())) {
            log("smtp-sink on 127.0.0.1:" + sink.port() + "; topics " + topics.requests() + ", " + topics.outcomes());
            String yaml = WorkerJvm.configYaml(bootstrap, topics, runId, options.partitions, runDir.resolve("worker-data"),
                    sink.port(), options.accounts, options.concurrency, !options.noLimits, options.messages());
            Path jar = options.jar != null ? options.jar : defaultJar();
            LoadRun.Mailpipe mailpipe;
            long sinkBefore;
            try (WorkerJvm worker = WorkerJvm.start(jar, options.heap, WorkerJvm.asUsersStartIt(jar, options.workerJvmOptions, !options.noCds), yaml, runDir)) {
                log("worker pid " + worker.pid() + " (" + worker.log() + "), waiting until it is ready");
                worker.awaitReady(Duration.ofSeconds(180));
                sinkBefore = sink.messages();
                long sessionsBefore = sink.sessions();
                Duration cpuBefore = worker.cpu();
                Duration startupCpu = cpuBefore;
                Machine.CpuTicks ticksBefore = Machine.CpuTicks.now();
                HeapTracker heap = new HeapTracker();

                OutcomeWatcher.Phase main = watcher.phase("main", runId, options.messages());
                log("publishing " + main.size() + " requests of " + options.bodyBytes + " bytes"
                        + (options.rate > 0 ? " at " + options.rate + "/s" : " as fast as Kafka takes them"));
                runPhase(main, message, options.rate, publisher, worker, watcher, heap);
                OutcomeWatcher.Result mainResult = main.result();
                Duration cpuMain = worker.cpu().minus(cpuBefore);
                double busyMain = Machine.CpuTicks.now().busySince(ticksBefore);
                String loadMain = Machine.loadAverage();

                LoadRun.LatencyPhase latency = null;
                double maxRate = mainResult.rateFirstToLast();
                if (options.latencySeconds() > 0 && maxRate > 0) {
                    double halfRate = maxRate / 2;
                    int count = (int) Math.max(1, Math.round(halfRate * options.latencySeconds()));
                    OutcomeWatcher.Phase half = watcher.phase("half rate", runId + "-half", count);
                    log("latency phase: " + count + " requests at " + "%.1f".formatted(halfRate) + "/s (half the measured rate)");
                    runPhase(half, message, halfRate, publisher, worker, watcher, heap);
                    latency = new LoadRun.LatencyPhase(halfRate, half.result());
                }
                // the live heap once everything is done: a full GC, then the objects by class
                Path histogram = runDir.resolve("worker-class-histogram.txt");
                long liveHeapAtEnd = worker.classHistogram(histogram);
                long sent = mainResult.sent() + (latency == null ? 0 : latency.result().sent());
                long sinkMessages = sink.awaitMessages(sinkBefore + sent, Duration.ofSeconds(10)) - sinkBefore;
                mailpipe = new LoadRun.Mailpipe(mainResult, latency, startupCpu, cpuMain, busyMain, loadMain,
                        heap.peakUsed, heap.peakOldGen, liveHeapAtEnd, liveHeapAtEnd < 0 ? null : histogram, heap.samples, heap.rows, sinkMessages, sink.sessions() - sessionsBefore, watcher.foreign(),
                        watcher.unreadable(), worker.jvmOptions, yaml);
                log("stopping the worker");
            }
            List<Baselines.Result> baselines = List.of();
            if (options.baselines()) {
                log("baselines: " + options.baselineMessages() + " messages each, " + options.baselineThreads + " threads/sessions");
                baselines = Baselines.runAll(sink, options.baselineThreads, options.baselineMessages(), options.bodyBytes);
            }
            return new LoadRun(options, runId, started, Instant.now(), Machine.describe(), Machine.gitVersion(options.results),
                    broker != null ? "local KRaft broker (io.mailpipe.kafka.LocalKafkaBroker), " + bootstrap : bootstrap,
                    loadStart, Machine.loadAverage(), mailpipe, baselines, runDir);
        } finally {
            deleteTopics(bootstrap, topics);
            if (broker != null) {
                broker.close();
                deleteTree(runDir.resolve("kafka"));
            }
        }
    }

    /** Publishes the phase's requests (in the background) and waits for a terminal outcome of each. */
    private void runPhase(OutcomeWatcher.Phase phase, LoadMessage message, double rate, RequestPublisher publisher,
                          WorkerJvm worker, OutcomeWatcher watcher, HeapTracker heap) throws InterruptedException {
        AtomicReference<RuntimeException> publishFailure = new AtomicReference<>();
        Thread publishing = new Thread(() -> {
            try {
                publisher.publish(phase, message, rate);
            } catch (RuntimeException e) {
                publishFailure.set(e);
            }
        }, "publisher");
        publishing.start();
        long start = System.nanoTime();
        long lastProgressAt = start;
        int lastFinished = 0;
        long nextRow = start + TimeUnit.SECONDS.toNanos(options.reportIntervalSeconds());
        int rowFinished = 0;
        long rowStart = start;
        while (phase.finished() < phase.size()) {
            Thread.sleep(1000);
            long now = System.nanoTime();
            heap.sample(worker);
            int finished = phase.finished();
            if (finished != lastFinished) {
                lastFinished = finished;
                lastProgressAt = now;
            }
            if (publishFailure.get() != null) {
                throw publishFailure.get();
            }
            worker.checkAlive();
            watcher.checkAlive();
            if (now - lastProgressAt > TimeUnit.SECONDS.toNanos(options.stallTimeoutSeconds)) {
                throw new IllegalStateException("no outcome for " + options.stallTimeoutSeconds + " s: " + finished + " of "
                        + phase.size() + " requests finished; see " + worker.log());
            }
            if (now >= nextRow) {
                double seconds = (now - rowStart) / 1e9;
                heap.row(phase.name(), phase.size(), (now - start) / 1e9, finished, (finished - rowFinished) / seconds);
                System.out.println("  " + heap.rows.get(heap.rows.size() - 1).line());
                rowFinished = finished;
                rowStart = now;
                nextRow = now + TimeUnit.SECONDS.toNanos(options.reportIntervalSeconds());
            }
        }
        publishing.join();
        heap.sample(worker);
        if (publishFailure.get() != null) {
            throw publishFailure.get();
        }
    }

    /** Heap of the worker over time, from its Prometheus endpoint, sampled every second. */
    static final class HeapTracker {
        long peakUsed = -1;
        long peakOldGen = -1;
        int samples;
        final List<LoadRun.Row> rows = new ArrayList<>();
        private long rowMinUsed = Long.MAX_VALUE;
        private long rowMaxUsed = -1;
        private long lastOldGen = -1;

        void sample(WorkerJvm worker) {
            WorkerJvm.HeapSample s = worker.heap();
            if (s == null) {
                return;
            }
            samples++;
            peakUsed = Math.max(peakUsed, s.usedBytes());
            peakOldGen = Math.max(peakOldGen, s.oldGenBytes());
            rowMinUsed = Math.min(rowMinUsed, s.usedBytes());
            rowMaxUsed = Math.max(rowMaxUsed, s.usedBytes());
            lastOldGen = s.oldGenBytes();
        }

        void row(String phase, int of, double elapsedSeconds, int finished, double rate) {
            rows.add(new LoadRun.Row(phase, of, elapsedSeconds, finished, rate, rowMinUsed == Long.MAX_VALUE ? -1 : rowMinUsed,
                    rowMaxUsed, lastOldGen, Machine.loadAverage()));
            rowMinUsed = Long.MAX_VALUE;
            rowMaxUsed = -1;
        }
    }

    /** mailpipe.jar next to the classes this driver was loaded with: target/mailpipe.jar of the project. */
    static Path defaultJar() {
        try {
            Path classes = Path.of(LocalKafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(classes) ? classes.getParent().resolve("mailpipe.jar") : classes;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTopics(String bootstrap, KafkaSettings.Topics topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(List.of(topics.requests(), topics.outcomes(), topics.dlq(), topics.retry(), topics.quota()))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log("could not delete the run's topics (" + e.getMessage() + "); they stay on " + bootstrap);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log("could not delete " + dir + ": " + e.getMessage());
        }
    }

    static void log(String text) {
        System.out.println("[load " + DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC).format(Instant.now()).substring(0, 8)
                + "] " + text);
    }

    /** Draws the run's throughput and heap (PNG next to the results file, else in the run folder); the Markdown link. */
    private static String chart(LoadRun run, LoadOptions options) {
        if (run.mailpipe() == null) {
            return "";
        }
        Path folder = options.results != null ? options.results.toAbsolutePath().getParent().resolve("charts") : run.runDir();
        Path png = folder.resolve(run.runId() + ".png");
        try {
            if (!LoadChart.write(run.mailpipe().rows(), "mailpipe " + run.runId() + " (" + run.gitVersion() + ")", png)) {
                return "";
            }
        } catch (IOException | RuntimeException e) {
            return "(no chart: " + e + ")\n\n";
        }
        String link = options.results != null ? "charts/" + png.getFileName() : png.toString();
        System.out.println("chart: " + png);
        return "![throughput and heap over time](" + link + ")\n\n";
    }
}
