package io.mailpipe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.mailpipe.kafka.LocalKafkaBroker;

/**
 * The one Kafka broker of a test JVM, chosen by the system property {@code mailpipe.kafka}:
 * <ul>
 *   <li>{@code local} (default): the same local single-node KRaft broker as {@code mailpipe demo}, its own JVM;</li>
 *   <li>{@code testcontainers}: the {@code apache/kafka} image through Testcontainers (needs a Docker engine);</li>
 *   <li>{@code host:port}: an existing broker.</li>
 * </ul>
 * Tests keep apart by using their own topic names ({@link TestWorkers#topics}).
 */
public final class TestKafka {

    private static String bootstrap;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            String mode = System.getProperty("mailpipe.kafka", "local").trim();
            if (mode.isEmpty() || mode.equals("local")) {
                Path dir = Path.of(System.getProperty("java.io.tmpdir"), "mailpipe-test-kafka-" + ProcessHandle.current().pid());
                LocalKafkaBroker broker = LocalKafkaBroker.start(dir).stopOnlyWhenClosed();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    broker.close();
                    deleteTree(dir);
                }, "test-kafka-stop"));
                bootstrap = broker.bootstrapServers();
            } else if (mode.equals("testcontainers")) {
                org.testcontainers.kafka.KafkaContainer container =
                        new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.1.1");
                container.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
                bootstrap = container.getBootstrapServers();
            } else {
                bootstrap = mode;
            }
        }
        return bootstrap;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
