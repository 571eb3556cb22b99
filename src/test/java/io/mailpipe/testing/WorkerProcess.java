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

    /**
     * {@code java <jvmOptions> -jar mailpipe.jar run --config <config>} in the jar's folder, as an operator starts a
     * worker. In that folder because the build's class-data sharing archive ({@code mailpipe.jsa}, the
     * {@code cds-archive} step) records the class path as {@code mailpipe.jar} relative to it: started from elsewhere,
     * the JVM refuses the archive ("Required classpath entry does not exist: mailpipe.jar") and runs without it.
     */
    public static Process startJar(Path jar, List<String> jvmOptions, Path config, Path log, Map<String, String> environment)
            throws IOException {
        Path absoluteJar = jar.toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(absoluteJar.getFileName().toString());
        cmd.add("run");
        cmd.add("--config");
        cmd.add(config.toAbsolutePath().toString());
        return launch(cmd, log, environment, absoluteJar.getParent());
    }

    private static Process launch(List<String> cmd, Path log, Map<String, String> environment) throws IOException {
        return launch(cmd, log, environment, null);
    }

    private static Process launch(List<String> cmd, Path log, Map<String, String> environment, Path directory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toAbsolutePath().toFile());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        // several workers run at once: each takes a free management port unless the test chose one
        builder.environment().putIfAbsent("MAILPIPE_MANAGEMENT_PORT", "0");
        return builder.start();
    }
}
