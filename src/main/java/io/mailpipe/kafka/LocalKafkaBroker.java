package io.mailpipe.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) started as its own
 * JVM from the {@code kafka_2.13} jars that the build resolves into {@code target/kafka-broker}
 * (see {@code broker/pom.xml}). It is the embedded default of {@code mailpipe demo}, of
 * {@code mailpipe run} without {@code KAFKA_BOOTSTRAP_SERVERS}, and of the tests.
 *
 * <p>The broker jars are kept out of mailpipe's own classpath on purpose: they need kafka-clients 4.x,
 * Camel 4.18 pins 3.9.1.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    /** System property naming the folder of the broker jars. */
    public static final String BROKER_LIB_PROPERTY = "mailpipe.brokerLib";
    /** Environment variable naming the folder of the broker jars. */
    public static final String BROKER_LIB_ENV = "MAILPIPE_BROKER_LIB";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final Process process;
    private final String bootstrapServers;
    private final String saslBootstrapServers;
    private final Thread shutdownHook;

    /**
     * A second listener, SASL_PLAINTEXT with SCRAM-SHA-256, and one SCRAM user created when the storage is formatted
     * ({@code kafka-storage format --add-scram}): to show Kafka client security settings working.
     *
     * @param user     SCRAM user name
     * @param password its password
     */
    public record ScramListener(String user, String password) {
        @Override
        public String toString() {
            return "ScramListener[" + user + "]";
        }
    }

    private LocalKafkaBroker(Path dataDir, Process process, String bootstrapServers, String saslBootstrapServers) {
        this.dataDir = dataDir;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
        this.shutdownHook = new Thread(this::stopProcess, "local-kafka-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker whose logs and data live under {@code dataDir} (created if missing; formatted on
     * first use, reused after). Returns once the broker answers metadata requests.
     */
    public static LocalKafkaBroker start(Path dataDir) {
        return start(dataDir, null);
    }

    /**
     * As {@link #start(Path)}, with a SASL_PLAINTEXT SCRAM-SHA-256 listener besides the PLAINTEXT one when {@code scram}
     * is given ({@link #saslBootstrapServers()}). The SCRAM user is created when the storage is formatted, so use a
     * fresh {@code dataDir}.
     */
    public static LocalKafkaBroker start(Path dataDir, ScramListener scram) {
        try {
            return doStart(dataDir.toAbsolutePath(), freePort(), freePort(), scram);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the local Kafka broker in " + dataDir, e);
        }
    }

    /**
     * As {@link #start(Path)}, on fixed ports: started again on the same data folder and ports after {@link #close()},
     * it is the same broker to its clients (a restart).
     */
    public static LocalKafkaBroker start(Path dataDir, int port, int controllerPort) {
        try {
            return doStart(dataDir.toAbsolutePath(), port, controllerPort, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the local Kafka broker in " + dataDir, e);
        }
    }

    private static LocalKafkaBroker doStart(Path dataDir, int port, int controllerPort, ScramListener scram) throws IOException {
        Path lib = brokerLib();
        Files.createDirectories(dataDir);
        int saslPort = scram == null ? -1 : freePort();
        Path logDir = dataDir.resolve("log");
        Path config = dataDir.resolve("server.properties");
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "4");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        if (scram != null) {
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                    + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
            props.put("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "mailpipe local broker (written at every start)");
        }
        Path log4j = dataDir.resolve("log4j2.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.file.ref=file",
                "appender.file.type=File",
                "appender.file.name=file",
                "appender.file.fileName=" + dataDir.resolve("broker.log"),
                "appender.file.layout.type=PatternLayout",
                "appender.file.layout.pattern=%d %p %c{1} %m%n", ""));

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            List<String> format = new java.util.ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", clusterId(),
                    "-c", config.toString()));
            if (scram != null) {
                format.addAll(List.of("--add-scram", "SCRAM-SHA-256=[name=" + scram.user() + ",password=" + scram.password() + "]"));
            }
            run(lib, dataDir, format, "format the storage");
        }
        List<String> cmd = javaCommand(lib, log4j);
        cmd.add("kafka.Kafka");
        cmd.add(config.toString());
        Process process = new ProcessBuilder(cmd)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.out").toFile()))
                .start();
        String bootstrap = "127.0.0.1:" + port;
        LocalKafkaBroker broker = new LocalKafkaBroker(dataDir, process, bootstrap,
                scram == null ? null : "127.0.0.1:" + saslPort);
        try {
            broker.awaitReady();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("Local Kafka broker ready at {} (data in {})", bootstrap, dataDir);
        return broker;
    }

    /** {@code host:port} of the SASL_PLAINTEXT SCRAM listener, or null when the broker was started without one. */
    public String saslBootstrapServers() {
        return saslBootstrapServers;
    }

    /** {@code host:port} to give Kafka clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        String host = bootstrapServers.substring(0, bootstrapServers.indexOf(':'));
        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.indexOf(':') + 1));
        while (!portOpen(host, port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The local Kafka broker exited with code " + process.exitValue()
                        + " before it listened; see " + dataDir.resolve("broker.out") + " and broker.log");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("The local Kafka broker did not listen on " + bootstrapServers
                        + " within " + START_TIMEOUT.toSeconds() + " s; see " + dataDir.resolve("broker.log"));
            }
            pause(100);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.describeCluster().nodes().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("The local Kafka broker at " + bootstrapServers + " did not answer: " + e, e);
        }
    }

    /**
     * Stops registering the broker's own JVM shutdown hook, for a caller that stops the broker itself at exit
     * (after the worker has drained: hooks run in parallel, so the broker must not stop first).
     */
    public LocalKafkaBroker stopOnlyWhenClosed() {
        removeHook();
        return this;
    }

    @Override
    public void close() {
        stopProcess();
        removeHook();
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting: the hook runs (or ran) stopProcess itself
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                LOG.warn("Local Kafka broker did not stop within 20 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The folder holding the broker jars: system property, environment, then next to mailpipe.jar, then target/. */
    public static Path brokerLib() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty(BROKER_LIB_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            candidates.add(Path.of(prop));
        }
        String env = System.getenv(BROKER_LIB_ENV);
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        try {
            Path codeSource = Path.of(LocalKafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(codeSource.getParent().resolve("kafka-broker"));
        } catch (Exception ignored) {
            // no code source location (unusual class loader): fall back to the working directory
        }
        candidates.add(Path.of("target", "kafka-broker"));
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate) && hasJars(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("The local Kafka broker's jars were not found (looked in " + candidates
                + "). Build them with `mvn package` (or `mvn -f broker/pom.xml dependency:copy-dependencies "
                + "-DoutputDirectory=target/kafka-broker`), point -D" + BROKER_LIB_PROPERTY + " or " + BROKER_LIB_ENV
                + " at them, or set KAFKA_BOOTSTRAP_SERVERS to use an existing broker.");
    }

    private static boolean hasJars(Path dir) {
        File[] jars = dir.toFile().listFiles((d, name) -> name.startsWith("kafka_2.13") && name.endsWith(".jar"));
        return jars != null && jars.length > 0;
    }

    private static List<String> javaCommand(Path lib, Path log4j) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms128m");
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.awt.headless=true");
        if (log4j != null) {
            cmd.add("-Dlog4j2.configurationFile=" + log4j);
        }
        cmd.add("-cp");
        cmd.add(lib.resolve("*").toString());
        return cmd;
    }

    private static void run(Path lib, Path dir, List<String> args, String what) throws IOException {
        List<String> cmd = javaCommand(lib, null);
        cmd.addAll(args);
        Path out = dir.resolve("storage-tool.out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("Could not " + what + " of the local Kafka broker; see " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what, e);
        }
    }

    /** A KRaft cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
    private static String clusterId() {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static boolean portOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the local Kafka broker", e);
        }
    }
}
