package io.mailpipe.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.WorkerProcess;

/**
 * What the fault-injection tests share: a folder per test, worker processes ({@code mailpipe run}) and what can be
 * seen of them from outside (CPU time, log), and what the SMTP server received per request id. Black-box on
 * purpose: nothing here knows how the worker consumes, batches or sends.
 */
final class FaultKit {

    /** {@code -Dmailpipe.faults.big=true}: the bigger variants whose figures README reports. */
    static final boolean BIG = Boolean.getBoolean("mailpipe.faults.big");

    private FaultKit() {
    }

    static Path dir(String name) throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("mailpipe.itDir", "target"), "faults-it", name));
    }

    static Path writeConfig(Path dir, String name, String yaml) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    static Process startWorker(Path config, Path log) throws IOException {
        return WorkerProcess.start(config, log, Map.of("MAILPIPE_LOG_FORMAT", "text"));
    }

    /** A worker whose Kafka client logs at INFO too (group joins and partition assignments show in its log). */
    static Process startWorkerWithKafkaLog(Path config, Path log) throws IOException {
        return WorkerProcess.start(config, log, Map.of("MAILPIPE_LOG_FORMAT", "text", "MAILPIPE_LOG_LIBRARY_LEVEL", "INFO"));
    }

    /** Stops a worker with SIGTERM (or SIGKILL after 60 s). */
    static void stop(Process worker) throws InterruptedException {
        if (worker != null && worker.isAlive()) {
            worker.destroy();
            if (!worker.waitFor(60, TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** CPU time the process (all its threads) used so far, read by the operating system. */
    static Duration cpu(Process process) {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not report the CPU time of pid " + process.pid()));
    }

    /** A valid request with one recipient. */
    static String request(String id) {
        return "{\"id\":\"" + id + "\",\"to\":[\"r@example.org\"],\"subject\":\"s " + id + "\",\"text\":\"t\"}";
    }

    /** How many messages the server read per request id (X-Mailpipe-Id), accepted or dropped after the data. */
    static Map<String, Integer> receivedPerId(ScriptedSmtpServer server) {
        Map<String, Integer> counts = new TreeMap<>();
        Stream.concat(server.received().stream(), server.droppedAfterData().stream())
                .forEach(r -> counts.merge(String.valueOf(r.requestId()), 1, Integer::sum));
        return counts;
    }

    static String log(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /** Occurrences of {@code needle} in {@code text}. */
    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** A line for the test report (surefire keeps stdout in target/failsafe-reports). */
    static void report(String fault, String figures) {
        System.out.println("FAULT-FIGURES " + fault + ": " + figures);
    }
}
