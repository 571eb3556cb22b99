package io.mailpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.testing.CliProcess;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;

/** The tools against a real broker, as processes: clean output unless --verbose; replay refuses a replay log that breaks its guarantee. */
class CommandLineIT {

    @Test
    void toolsPrintNoLogLinesUnlessVerbose(@TempDir Path dir) throws Exception {
        KafkaSettings.Topics topics = TestWorkers.topics("cli-quiet");
        TopicAdmin.ensureTopics(KafkaSettings.defaults().withBootstrapServers(TestKafka.bootstrapServers()).withTopics(topics), 1 << 20);
        Path config = Files.writeString(dir.resolve("mailpipe.yaml"), TestWorkers.kafkaYaml(topics) + """
                accounts:
                  - {name: a, host: 127.0.0.1, port: 25, security: none, from: a@a.example, limits: {perHour: 10}}
                """);
        CliProcess.Result quiet = CliProcess.run(dir, Map.of(), "quota", "--config", config.toString());
        assertThat(quiet.exit()).as(quiet.err()).isZero();
        assertThat(quiet.out()).contains("ACCOUNT", "0/10");
        assertThat(quiet.err()).as("no log lines on stderr").isEmpty();

        CliProcess.Result verbose = CliProcess.run(dir, Map.of(), "quota", "--config", config.toString(), "--verbose");
        assertThat(verbose.exit()).isZero();
        assertThat(verbose.err()).contains("\"level\":\"INFO\"", "Quota ledger");
    }

    @Test
    void replayRefusesAReplayLogThatIsNotCompactedOrHasSeveralPartitions(@TempDir Path dir) throws Exception {
        KafkaSettings.Topics topics = TestWorkers.topics("cli-replays");
        TopicAdmin.ensureTopics(KafkaSettings.defaults().withBootstrapServers(TestKafka.bootstrapServers()).withTopics(topics), 1 << 20);
        String uncompacted = topics.replays() + ".plain";
        String partitioned = topics.replays() + ".four";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(uncompacted, 4, (short) 1),
                    new NewTopic(partitioned, 4, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        for (String replays : List.of(uncompacted, partitioned)) {
            Path config = Files.writeString(dir.resolve(replays + ".yaml"), TestWorkers.kafkaYaml(topics).replace("quota: ",
                    "replays: " + replays + ", quota: ") + """
                    accounts:
                      - {name: a, host: 127.0.0.1, port: 25, security: none, from: a@a.example}
                    """);
            CliProcess.Result r = CliProcess.run(dir, Map.of(), "replay", "--config", config.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err()).startsWith("mailpipe: topic " + replays + " has ")
                    .contains(replays.equals(uncompacted) ? "cleanup.policy=delete, but replay needs it compacted" : "4 partitions");
            assertThat(r.out()).doesNotContain("replayed");
        }
    }
}
