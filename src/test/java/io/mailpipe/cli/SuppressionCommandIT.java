package io.mailpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.inbox.BouncePipeline;
import io.mailpipe.suppression.SuppressionJson;
import io.mailpipe.testing.ContractSchemas;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;
import picocli.CommandLine;

/** {@code mailpipe suppression add|list|remove} against a real broker. */
class SuppressionCommandIT {

    private static Path config(Path dir, String suppressionsTopic) throws Exception {
        return Files.writeString(dir.resolve("mailpipe.yaml"), """
                kafka:
                  bootstrapServers: %s
                  topics: {suppressions: %s}
                accounts:
                  - {name: a, host: 127.0.0.1, port: 25, security: none, from: a@a.example}
                """.formatted(TestKafka.bootstrapServers(), suppressionsTopic));
    }

    private static int run(String... args) {
        return MailpipeCli.commandLine().execute(args);
    }

    @Test
    void addListRemove(@TempDir Path dir) throws Exception {
        KafkaSettings.Topics topics = TestWorkers.topics("suppression-cli");
        BouncePipeline.ensureTopics(KafkaSettings.defaults().withBootstrapServers(TestKafka.bootstrapServers()).withTopics(topics),
                1 << 20, false, true);
        String cfg = config(dir, topics.suppressions()).toString();
        try (KafkaIO.Collector collector = new KafkaIO.Collector(topics.suppressions())) {
            assertThat(run("suppression", "--config", cfg, "add", "Anna <Anna@Example.org>", "--note", "asked by phone")).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> collector.records().size() == 1);
            var added = collector.records().get(0);
            assertThat(new String(added.key(), StandardCharsets.UTF_8)).isEqualTo("anna@example.org");
            assertThat(SuppressionJson.read(added.value()).reason()).isEqualTo("manual");
            assertThat(SuppressionJson.read(added.value()).detail()).isEqualTo("asked by phone");
            ContractSchemas.assertValid("suppression-entry", collector.records());

            // adding again changes nothing
            assertThat(run("suppression", "--config", cfg, "add", "anna@example.org")).isZero();
            assertThat(printed(() -> run("suppression", "--config", cfg, "list"))).contains("anna@example.org\tmanual\t");

            assertThat(run("suppression", "--config", cfg, "remove", "ANNA@example.org")).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> collector.records().size() == 2);
            assertThat(collector.records().get(1).value()).isNull();
            assertThat(printed(() -> run("suppression", "--config", cfg, "list"))).doesNotContain("anna@example.org");
        }
    }

    @Test
    void aMissingTopicIsReportedNotCreated(@TempDir Path dir) throws Exception {
        String topic = TestWorkers.topics("suppression-missing").suppressions();
        String cfg = config(dir, topic).toString();
        assertThat(run("suppression", "--config", cfg, "add", "x@example.org")).isEqualTo(1);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS)).doesNotContain(topic);
        }
        assertThat(run("suppression", "--config", cfg, "add", "not an address")).isEqualTo(2);
    }

    private static String printed(java.util.function.IntSupplier command) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(command.getAsInt()).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
