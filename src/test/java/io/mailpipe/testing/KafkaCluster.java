package io.mailpipe.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

import io.mailpipe.kafka.LocalKafkaBroker;

/**
 * A real three-broker Kafka cluster for tests: three KRaft nodes (each broker and controller, a quorum of three),
 * each its own small JVM started from the Maven-resolved broker jars (as {@link LocalKafkaBroker}), with replication
 * factor 3 and {@code min.insync.replicas=2} as the defaults of new topics and of Kafka's own topics.
 *
 * <p>Listeners per broker: {@code INTERNAL} (between brokers), {@code CONTROLLER}, {@code CLIENT} (the tests' own
 * clients: {@link #bootstrapServers()}) and one per worker slot, {@code W0}, {@code W1}, ..., each advertised as a
 * {@link TcpProxy} in front of it: a worker given {@link #workerBootstrap(int)} reaches every broker only through its
 * slot's proxies, so {@link #cutWorker(int)} takes the network away from that one worker alone.
 *
 * <p>Brokers can be stopped (SIGTERM), killed (SIGKILL) and started again on the same data and ports. The JVMs are
 * kept small for a 2-core machine: 256 MB heap, one network thread per listener, two I/O threads.
 */
public final class KafkaCluster implements AutoCloseable {

    public static final int BROKERS = 3;

    private static KafkaCluster shared;

    private final Path dir;
    private final String clusterId;
    private final int workerSlots;
    private final int[] clientPorts = new int[BROKERS];
    private final int[] internalPorts = new int[BROKERS];
    private final int[] controllerPorts = new int[BROKERS];
    private final int[][] slotPorts;
    private final TcpProxy[][] proxies;
    private final Process[] processes = new Process[BROKERS];

    private KafkaCluster(Path dir, int workerSlots) throws IOException {
        this.dir = dir;
        this.workerSlots = workerSlots;
        this.clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        this.slotPorts = new int[BROKERS][workerSlots];
        this.proxies = new TcpProxy[workerSlots][BROKERS];
        // ports below the kernel's ephemeral range: a port picked here and bound by a broker seconds later cannot
        // meanwhile become the local port of one of this JVM's outgoing connections or of a ServerSocket(0)
        for (int b = 0; b < BROKERS; b++) {
            clientPorts[b] = Ports.pick();
            internalPorts[b] = Ports.pick();
            controllerPorts[b] = Ports.pick();
            for (int s = 0; s < workerSlots; s++) {
                slotPorts[b][s] = Ports.pick();
                proxies[s][b] = new TcpProxy(slotPorts[b][s]);
            }
        }
    }

    /**
     * Starts a cluster with data under {@code dir} (which must not hold an earlier cluster) and {@code workerSlots}
     * proxied worker listeners. A start that fails (a broker exits, the quorum does not form) is stopped completely, its
     * folder kept beside {@code dir} as {@code <dir>-failed-N} for diagnosis, and tried again on new ports, up to
     * {@value #START_ATTEMPTS} times; the exception of the last attempt names what the broker logged.
     */
    public static KafkaCluster start(Path dir, int workerSlots) {
        Path home = dir.toAbsolutePath();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            KafkaCluster cluster = null;
            try {
                cluster = new KafkaCluster(home, workerSlots);
                for (int b = 0; b < BROKERS; b++) {
                    cluster.format(b);
                }
                for (int b = 0; b < BROKERS; b++) {
                    cluster.launch(b);
                }
                cluster.awaitReady(Duration.ofSeconds(120));
                return cluster;
            } catch (IOException e) {
                last = new UncheckedIOException(e);
            } catch (RuntimeException e) {
                last = e;
            }
            System.err.println("test cluster: start attempt " + attempt + " of " + START_ATTEMPTS + " failed: " + last);
            if (cluster != null) {
                cluster.close();
            }
            setAside(home, attempt);
        }
        throw last;
    }

    private static final int START_ATTEMPTS = 3;

    private static void setAside(Path home, int attempt) {
        if (Files.exists(home)) {
            try {
                Files.move(home, home.resolveSibling(home.getFileName() + "-failed-" + attempt));
            } catch (IOException e) {
                deleteTree(home);
            }
        }
    }

    /** The cluster of this test JVM (three worker slots), started on first use and stopped at exit. */
    public static synchronized KafkaCluster shared() {
        if (shared == null) {
            Path dir;
            try {
                dir = Files.createTempDirectory("mailpipe-test-cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            KafkaCluster cluster = start(dir.resolve("cluster"), 3);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cluster.close();
                deleteTree(dir);
            }, "test-cluster-stop"));
            shared = cluster;
        }
        return shared;
    }

    /** The tests' own clients: every broker's CLIENT listener. */
    public String bootstrapServers() {
        return joined(b -> "127.0.0.1:" + clientPorts[b]);
    }

    /** What the worker in {@code slot} is given: every broker through that slot's proxies. */
    public String workerBootstrap(int slot) {
        return joined(b -> "127.0.0.1:" + proxies[slot][b].port());
    }

    private static String joined(java.util.function.IntFunction<String> address) {
        return java.util.stream.IntStream.range(0, BROKERS).mapToObj(address).collect(Collectors.joining(","));
    }

    /** The worker in this slot loses the network to every broker (connections stall, nothing is closed). */
    public void cutWorker(int slot) {
        for (TcpProxy p : proxies[slot]) {
            p.blackHole();
        }
    }

    /** The worker in this slot reaches the brokers again. */
    public void healWorker(int slot) {
        for (TcpProxy p : proxies[slot]) {
            p.heal();
        }
    }

    public int workerSlots() {
        return workerSlots;
    }

    /** Node ids are 1, 2, 3: broker index + 1. */
    public static int nodeId(int broker) {
        return broker + 1;
    }

    public boolean isRunning(int broker) {
        return processes[broker] != null && processes[broker].isAlive();
    }

    /** SIGKILL: the broker dies at once, without closing anything. */
    public void kill(int broker) throws InterruptedException {
        Process p = processes[broker];
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: a controlled shutdown (leaderships moved away first), as in a rolling restart. */
    public void stop(int broker) throws InterruptedException {
        Process p = processes[broker];
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts a stopped or killed broker again on its data folder and ports; returns once it listens. */
    public void restart(int broker) throws IOException {
        if (isRunning(broker)) {
            return;
        }
        launch(broker);
        await("broker " + nodeId(broker) + " listening again (see " + brokerDir(broker) + ")").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (!processes[broker].isAlive()) {
                        throw exited(broker);
                    }
                    return portOpen(clientPorts[broker]);
                });
    }

    /** The node id leading this partition now (-1: none). */
    public int leaderOf(String topic, int partition) {
        Node leader = describe(topic).partitions().get(partition).leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    /** The broker index that leads the most partitions of these topics. */
    public int busiestLeader(String... topics) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (String topic : topics) {
            for (TopicPartitionInfo p : describe(topic).partitions()) {
                if (p.leader() != null && !p.leader().isEmpty()) {
                    counts.merge(p.leader().id(), 1, Integer::sum);
                }
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey() - 1).orElse(0);
    }

    /** Whether every partition of these topics has all three replicas in sync. */
    public boolean fullyReplicated(String... topics) {
        try {
            for (String topic : topics) {
                for (TopicPartitionInfo p : describe(topic).partitions()) {
                    if (p.isr().size() < BROKERS) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Waits until every partition of these topics has all three replicas in sync again. */
    public void awaitFullyReplicated(Duration timeout, String... topics) {
        await("topics " + List.of(topics) + " fully replicated").atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> fullyReplicated(topics));
    }

    private TopicDescription describe(String topic) {
        try (Admin admin = admin()) {
            return admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        } catch (Exception e) {
            throw new IllegalStateException("could not describe " + topic + ": " + e, e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    private Path brokerDir(int broker) {
        return dir.resolve("broker-" + nodeId(broker));
    }

    private Path config(int broker) throws IOException {
        Path bdir = Files.createDirectories(brokerDir(broker));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId(broker)));
        p.put("controller.quorum.voters", java.util.stream.IntStream.range(0, BROKERS)
                .mapToObj(b -> nodeId(b) + "@127.0.0.1:" + controllerPorts[b]).collect(Collectors.joining(",")));
        List<String> listeners = new ArrayList<>(List.of("INTERNAL://127.0.0.1:" + internalPorts[broker],
                "CONTROLLER://127.0.0.1:" + controllerPorts[broker], "CLIENT://127.0.0.1:" + clientPorts[broker]));
        List<String> advertised = new ArrayList<>(List.of("INTERNAL://127.0.0.1:" + internalPorts[broker],
                "CLIENT://127.0.0.1:" + clientPorts[broker]));
        List<String> protocols = new ArrayList<>(List.of("INTERNAL:PLAINTEXT", "CONTROLLER:PLAINTEXT", "CLIENT:PLAINTEXT"));
        for (int s = 0; s < workerSlots; s++) {
            listeners.add("W" + s + "://127.0.0.1:" + slotPorts[broker][s]);
            advertised.add("W" + s + "://127.0.0.1:" + proxies[s][broker].port());
            protocols.add("W" + s + ":PLAINTEXT");
        }
        p.put("listeners", String.join(",", listeners));
        p.put("advertised.listeners", String.join(",", advertised));
        p.put("listener.security.protocol.map", String.join(",", protocols));
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "INTERNAL");
        p.put("log.dirs", bdir.resolve("log").toString());
        // what production wants (docs/operations.md): three replicas, two in sync for an acknowledgement
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("unclean.leader.election.enable", "false");
        p.put("offsets.topic.replication.factor", "3");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("num.partitions", "4");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a dead broker is noticed within a few seconds (default 9 s)
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "1500");
        // small: three of these share two cores with the workers and the build
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        Path file = bdir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "mailpipe test cluster node " + nodeId(broker));
        }
        Files.writeString(bdir.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level=WARN", "rootLogger.appenderRef.file.ref=file", "appender.file.type=File",
                "appender.file.name=file", "appender.file.fileName=" + bdir.resolve("broker.log"),
                "appender.file.layout.type=PatternLayout", "appender.file.layout.pattern=%d %p %c{1} %m%n", ""));
        return file;
    }

    private List<String> java(int broker) {
        Path lib = LocalKafkaBroker.brokerLib();
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + brokerDir(broker).resolve("log4j2.properties"),
                "-cp", lib.resolve("*").toString()));
    }

    private void format(int broker) throws IOException {
        Path file = config(broker);
        List<String> cmd = java(broker);
        cmd.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", file.toString()));
        Path out = brokerDir(broker).resolve("storage-tool.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("could not format broker " + nodeId(broker) + " (" + firstProblem(out)
                        + "); see " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void launch(int broker) throws IOException {
        List<String> cmd = java(broker);
        cmd.add("kafka.Kafka");
        cmd.add(brokerDir(broker).resolve("server.properties").toString());
        processes[broker] = new ProcessBuilder(cmd).directory(brokerDir(broker).toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerDir(broker).resolve("broker.out").toFile())).start();
    }

    private void awaitReady(Duration timeout) {
        try (Admin admin = admin()) {
            await("the cluster formed (see " + dir + ")").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                for (int b = 0; b < BROKERS; b++) {
                    if (!processes[b].isAlive()) {
                        throw exited(b);
                    }
                }
                try {
                    return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == BROKERS;
                } catch (Exception e) {
                    return false; // not up yet
                }
            });
        }
    }

    /** Waits until all three brokers are registered and unfenced (after restarts). */
    public void awaitAllBrokers(Duration timeout) {
        awaitReady(timeout);
    }

    private IllegalStateException exited(int broker) {
        Path bdir = brokerDir(broker);
        String why = firstProblem(bdir.resolve("broker.log"));
        if (why.isEmpty()) {
            why = firstProblem(bdir.resolve("broker.out"));
        }
        return new IllegalStateException("broker " + nodeId(broker) + " exited with " + processes[broker].exitValue()
                + (why.isEmpty() ? "" : " (" + why + ")") + "; see " + bdir);
    }

    /** The first ERROR, FATAL or exception line of a log, shortened for an exception message ("" if none). */
    static String firstProblem(Path log) {
        if (!Files.isReadable(log)) {
            return "";
        }
        try (Stream<String> lines = Files.lines(log, java.nio.charset.StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(" ERROR ") || l.contains(" FATAL ") || l.contains("Exception")
                    || l.startsWith("Error")).findFirst()
                    .map(l -> l.length() > 400 ? l.substring(0, 400) + "..." : l).orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static boolean portOpen(int port) {
        return Ports.listening(port);
    }

    @Override
    public void close() {
        for (int b = 0; b < BROKERS; b++) {
            Process p = processes[b];
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (int b = 0; b < BROKERS; b++) {
            try {
                if (processes[b] != null && !processes[b].waitFor(30, TimeUnit.SECONDS)) {
                    processes[b].destroyForcibly();
                }
            } catch (InterruptedException e) {
                processes[b].destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (TcpProxy[] slot : proxies) {
            for (TcpProxy p : slot) {
                p.close();
            }
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
