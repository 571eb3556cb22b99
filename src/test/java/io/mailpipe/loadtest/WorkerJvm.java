package io.mailpipe.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.testing.PrometheusText;
import io.mailpipe.testing.WorkerProcess;

/**
 * One mailpipe worker as an operator runs it: {@code java -Xmx<heap> -jar mailpipe.jar run --config <generated yaml>},
 * its accounts on the smtp-sink, plain SMTP without authentication. The driver reads its CPU time from the operating
 * system ({@link ProcessHandle}, i.e. /proc/PID/stat) and its heap from its own Prometheus endpoint.
 */
public final class WorkerJvm implements AutoCloseable {

    /**
     * JVM options a worker starts with wherever users start one (image, Helm chart, {@code ./mailpipe}; checked by
     * ComposeFileTest): the C1 compiler only. A fresh worker spent as much CPU compiling with C2 as sending, for a
     * campaign of tens of thousands of messages (load-tests/RESULTS.md). A later {@code --worker-jvm-opt} overrides.
     */
    public static final List<String> USER_DEFAULTS = List.of("-XX:TieredStopAtLevel=1");
    private final Process process;
    private final int managementPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<String> jvmOptions;
    final String configYaml;

    private WorkerJvm(Process process, int managementPort, Path log, List<String> jvmOptions, String configYaml) {
        this.process = process;
        this.managementPort = managementPort;
        this.log = log;
        this.jvmOptions = jvmOptions;
        this.configYaml = configYaml;
    }

    /** The worker's configuration: the run's topics and group, {@code accounts} accounts on the sink. */
    static String configYaml(String bootstrap, KafkaSettings.Topics topics, String groupId, int partitions, Path dataDir,
                             int sinkPort, int accounts, int concurrency, boolean limits, int messages) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("""
                kafka:
                  bootstrapServers: %s
                  groupId: %s
                  partitions: %d
                  topics: {requests: %s, outcomes: %s, dlq: %s, retry: %s, bounces: %s, bouncesUnparsed: %s, suppressions: %s, quota: %s, replays: %s}
                worker:
                  dataDir: %s
                management:
                  enabled: true
                  host: 127.0.0.1
                accounts:
                """.formatted(bootstrap, groupId, partitions, topics.requests(), topics.outcomes(), topics.dlq(),
                topics.retry(), topics.bounces(), topics.bouncesUnparsed(), topics.suppressions(), topics.quota(),
                topics.replays(), dataDir.toAbsolutePath()));
        // far above N: the quota router leases sends, but no limit is ever reached
        long far = Math.min(Integer.MAX_VALUE, Math.max(1_000_000L, 100L * messages));
        for (int a = 1; a <= accounts; a++) {
            yaml.append("""
                      - name: load-%d
                        host: 127.0.0.1
                        port: %d
                        security: none
                        from: "%s"
                        allowSenderOverride: true
                    """.formatted(a, sinkPort, LoadMessage.FROM));
            if (limits) {
                yaml.append("    limits: {perHour: %d, perDay: %d, concurrency: %d}\n".formatted(far, far, concurrency));
            }
        }
        return yaml.toString();
    }

    /**
     * The options a worker starts with as users start it: {@link #USER_DEFAULTS}, the build's class-data sharing
     * archive ({@code mailpipe.jsa} next to the jar, made by the {@code cds-archive} step of {@code mvn package}) when
     * there is one and {@code cds}, then {@code extra} (which may override both).
     */
    static List<String> asUsersStartIt(Path jar, List<String> extra, boolean cds) {
        List<String> options = new ArrayList<>(USER_DEFAULTS);
        Path archive = jar.toAbsolutePath().resolveSibling("mailpipe.jsa");
        if (cds && Files.isRegularFile(archive) && extra.stream().noneMatch(o -> o.contains("SharedArchiveFile"))) {
            options.add("-XX:SharedArchiveFile=" + archive);
        }
        options.addAll(extra);
        return options;
    }

    static WorkerJvm start(Path jar, String heap, List<String> extraJvmOptions, String configYaml, Path dir) throws IOException {
        return start(jar, heap, extraJvmOptions, configYaml, dir, Map.of());
    }

    /** As {@link #start(Path, String, List, String, Path)}, with these {@code MAILPIPE_*} overrides in its environment. */
    static WorkerJvm start(Path jar, String heap, List<String> extraJvmOptions, String configYaml, Path dir,
                           Map<String, String> environment) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The worker jar " + jar + " does not exist: build it with `mvn -DskipTests package`");
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("worker.yaml");
        Files.writeString(config, configYaml);
        Path log = dir.resolve("worker.log");
        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + heap);
        jvm.addAll(extraJvmOptions);
        int port = SmtpSink.freePort();
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("MAILPIPE_MANAGEMENT_PORT", String.valueOf(port));
        Process p = WorkerProcess.startJar(jar, jvm, config, log, env);
        return new WorkerJvm(p, port, log, List.copyOf(jvm), configYaml);
    }

    /** Waits until {@code /observe/health/ready} answers 200 (ledger read, Kafka and SMTP reachable). */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkAlive();
            try {
                HttpResponse<String> r = get("/observe/health/ready");
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker was not ready within " + timeout.toSeconds() + " s; see " + log);
            }
            SmtpSink.sleep(200);
        }
    }

    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the worker exited with code " + process.exitValue() + "; see " + log);
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** CPU time (user + system) the worker JVM has used since it started. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Heap figures from the worker's {@code /observe/metrics}, or null when it does not answer. */
    HeapSample heap() {
        try {
            HttpResponse<String> r = get("/observe/metrics");
            if (r.statusCode() != 200) {
                return null;
            }
            return HeapSample.of(PrometheusText.parse(r.body()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The worker's {@code /observe/metrics}, or null when it does not answer (yet). */
    PrometheusText metrics() {
        try {
            HttpResponse<String> r = get("/observe/metrics");
            return r.statusCode() == 200 ? PrometheusText.parse(r.body()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code /observe/health/ready} answers 200 now (false while it does not listen yet). */
    boolean ready() {
        try {
            return get("/observe/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code jcmd PID GC.run}: a full collection ({@code System.gc()}); false when jcmd is missing or fails. */
    boolean fullGc() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(List.of(jcmd.toString(), String.valueOf(process.pid()), "GC.run"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Resident memory of the worker process now and at its highest ({@code VmRSS}, {@code VmHWM} of /proc/PID/status):
     * heap, metaspace, code, thread stacks and RocksDB's native memory together. -1 each when unreadable.
     */
    Rss rss() {
        try {
            long now = -1;
            long peak = -1;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    now = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line);
                }
            }
            return new Rss(now, peak);
        } catch (IOException | RuntimeException e) {
            return new Rss(-1, -1);
        }
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", "")) * 1024;
    }

    /** Resident set size now and at its peak, bytes. */
    record Rss(long bytes, long peakBytes) {
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * {@code jcmd PID GC.class_histogram}: forces a full collection and lists the live objects by class. Written to
     * {@code file}; returns the live heap in bytes (its "Total" line), or -1 when jcmd is missing or fails.
     */
    long classHistogram(Path file) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder(List.of(jcmd.toString(), String.valueOf(process.pid()), "GC.class_histogram"))
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return -1;
            }
            for (String line : Files.readAllLines(file)) {
                String t = line.trim();
                if (t.startsWith("Total")) {
                    String[] f = t.split("\\s+");
                    return Long.parseLong(f[2]);
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Stops the worker with SIGTERM (it drains), killing it after 60 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param usedBytes     heap in use now (sum of {@code jvm_memory_used_bytes{area="heap"}} over the pools)
     * @param oldGenBytes   of that, the old generation ({@code id="G1 Old Gen"}, "Tenured Gen", "PS Old Gen"), -1 if absent
     */
    record HeapSample(long usedBytes, long oldGenBytes) {
        static HeapSample of(PrometheusText metrics) {
            long used = 0;
            long old = -1;
            boolean any = false;
            for (Map.Entry<String, Double> e : metrics.samples().entrySet()) {
                if (e.getKey().startsWith("jvm_memory_used_bytes{") && e.getKey().contains("area=\"heap\"")) {
                    used += e.getValue().longValue();
                    any = true;
                    if (e.getKey().contains("Old Gen") || e.getKey().contains("Tenured")) {
                        old = Math.max(0, old) + e.getValue().longValue();
                    }
                }
            }
            return any ? new HeapSample(used, old) : null;
        }
    }
}
