package io.mailpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;
import picocli.CommandLine;

/** {@code mailpipe publish} puts each line on the configured requests topic, bytes untouched, keyed by id. */
class PublishCommandIT {

    @Test
    void publishesEachLineKeyedByItsId(@TempDir Path dir) throws Exception {
        KafkaSettings.Topics topics = TestWorkers.topics("publish");
        TopicAdmin.ensureTopics(KafkaSettings.defaults().withBootstrapServers(TestKafka.bootstrapServers()).withTopics(topics), 1 << 20);
        Path config = dir.resolve("mailpipe.yaml");
        Files.writeString(config, """
                kafka:
                  bootstrapServers: %s
                  topics: {requests: %s}
                accounts:
                  - {name: a, host: 127.0.0.1, port: 25, security: none, from: a@a.example}
                """.formatted(TestKafka.bootstrapServers(), topics.requests()));
        List<String> lines = List.of(
                "{\"id\":\"p-1\",\"to\":[\"x@example.org\"],\"subject\":\"Привет\",\"text\":\"t\"}",
                "",
                "{not json");
        Path requests = dir.resolve("requests.jsonl");
        Files.write(requests, lines, StandardCharsets.UTF_8);

        try (KafkaIO.Collector collector = new KafkaIO.Collector(topics.requests())) {
            int exit = MailpipeCli.commandLine().execute("publish", "--config", config.toString(), requests.toString());
            assertThat(exit).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> collector.records().size() == 2);
            var byKey = collector.records().stream().collect(java.util.stream.Collectors.toMap(
                    r -> new String(r.key(), StandardCharsets.UTF_8), r -> new String(r.value(), StandardCharsets.UTF_8)));
            assertThat(byKey).containsEntry("p-1", lines.get(0)).containsEntry("line-3", "{not json");
        }
    }

    @Test
    void withoutABrokerItSaysWhatToDo(@TempDir Path dir) throws Exception {
        Path requests = Files.writeString(dir.resolve("r.jsonl"), "{}\n");
        // no mailpipe.yaml in the working directory of the tests, and no --bootstrap-servers
        assertThat(Files.exists(Path.of("mailpipe.yaml"))).isFalse();
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null,
                "KAFKA_BOOTSTRAP_SERVERS is set in this environment");
        int exit = MailpipeCli.commandLine().execute("publish", requests.toString());
        assertThat(exit).isEqualTo(2);
    }
}
