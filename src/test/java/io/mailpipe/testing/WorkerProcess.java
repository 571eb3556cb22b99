package io.mailpipe.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mailpipe run --config FILE} as a real separate process, its output in a log file: with the test classpath
 * ({@link #start}), or from the packaged {@code mailpipe.jar} with chosen JVM options ({@link #startJar}, the load driver).
 */
public final class WorkerProcess {
    private WorkerProcess() {
    }

    public static Process start(Path config, Path log, Map<String, String> environment) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.mailpipe.cli.MailpipeCli");
        cmd.add("run");
        cmd.add("--config");
        cmd.add(config.toString());
        return launch(cmd, log, environment);
    }

    /** {@code java <jvmOptions> -jar <jar> run --config <config>}, as an operator starts a worker. */
    public static Process startJar(Path jar, List<String> jvmOptions, Path config, Path log, Map<String, String> environment)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("run");
        cmd.add("--config");
        cmd.add(config.toString());
        return launch(cmd, log, environment);
    }

    private static Process launch(List<String> cmd, Path log, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        // several workers run at once: each takes a free management port unless the test chose one
        builder.environment().putIfAbsent("MAILPIPE_MANAGEMENT_PORT", "0");
        return builder.start();
    }
}
