package io.mailpipe.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code mailpipe} as an operator runs it: its own JVM (this test's classpath, main class {@code MailpipeCli}), with the
 * environment given, output captured, time measured.
 */
public final class CliProcess {

    /** What the command did. */
    public record Result(int exit, String out, String err, Duration took) {
        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private CliProcess() {
    }

    public static Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "io.mailpipe.cli.MailpipeCli"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MAILPIPE_") || k.equals("KAFKA_BOOTSTRAP_SERVERS"));
        pb.environment().putAll(env);
        pb.environment().put("MAILPIPE_LOG_FORMAT", "json");
        long start = System.nanoTime();
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        StringBuilder errText = new StringBuilder();
        Thread errReader = new Thread(() -> {
            try {
                errText.append(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                errText.append(e);
            }
        });
        errReader.start();
        String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mailpipe " + List.of(args) + " did not end within 120 s");
        }
        errReader.join();
        return new Result(p.exitValue(), outText, errText.toString(), Duration.ofNanos(System.nanoTime() - start));
    }
}
