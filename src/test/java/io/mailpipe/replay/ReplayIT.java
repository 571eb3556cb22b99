package io.mailpipe.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.account.Account;
import io.mailpipe.cli.MailpipeCli;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;
import picocli.CommandLine;

/**
 * Dead-letters 10 requests for an account that is not configured, adds the account, replays: 10 SENT, and a second
 * replay sends nothing. Also replays a FAILED request from the outcomes.
 */
class ReplayIT {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run replay(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MailpipeCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    static String request(String id, String account) {
        return """
                {"id":"%s","to":["%s@example.org"],"subject":"Winter news","text":"t","account":"%s","campaign":"winter"}"""
                .formatted(id, id, account);
    }

    Path config(KafkaSettings.Topics topics, int smtpPort) throws Exception {
        Path file = dir.resolve("mailpipe.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrapServers: %s
                  groupId: g-%s
                  topics: {requests: %s, outcomes: %s, dlq: %s, retry: %s, replays: %s}
                accounts:
                  - {name: main, host: 127.0.0.1, port: %d, security: none, from: main@main.example}
                  - {name: newshop, host: 127.0.0.1, port: %d, security: none, from: news@newshop.example}
                """.formatted(TestKafka.bootstrapServers(), topics.requests(), topics.requests(), topics.outcomes(),
                topics.dlq(), topics.retry(), topics.replays(), smtpPort, smtpPort));
        return file;
    }

    static long endOffsets(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static boolean sentAfterReplay(RunningPipeline p, String id) {
        List<OutcomeEvent> events = p.outcomesFor(id);
        return events.stream().anyMatch(e -> e.status() == Status.SENT);
    }

    @Test
    void deadLettersAreReplayedOnceAfterTheCauseIsFixed() throws Exception {
        List<String> ids = IntStream.rangeClosed(1, 10).mapToObj(i -> "rp-" + i).toList();
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer()) {
            Account main = TestWorkers.account("main", smtp.port(), "Main <main@main.example>", false, null);
            Account newshop = TestWorkers.account("newshop", smtp.port(), "News <news@newshop.example>", false, null);
            KafkaSettings.Topics topics;

            // 1. the account is missing: 10 requests REJECTED unknown_account and dead-lettered; one invalid request
            //    (no subject) and one refused by the server (FAILED)
            try (RunningPipeline before = RunningPipeline.start("replay", List.of(main))) {
                topics = before.topics;
                smtp.nextDataReply(554, "5.7.1 Message content rejected"); // Postfix body_checks: the message's
                before.send("rp-refused", request("rp-refused", "main"));
                assertThat(before.awaitTerminal("rp-refused")).extracting(OutcomeEvent::status).containsExactly(Status.FAILED);
                for (String id : ids) {
                    before.send(id, request(id, "newshop"));
                }
                before.send("rp-bad", "{\"id\":\"rp-bad\",\"to\":[\"x@example.org\"],\"text\":\"no subject\",\"account\":\"newshop\"}");
                for (String id : ids) {
                    assertThat(before.awaitTerminal(id)).singleElement().satisfies(e -> {
                        assertThat(e.status()).isEqualTo(Status.REJECTED);
                        assertThat(e.reasonCode()).isEqualTo("unknown_account");
                    });
                }
                before.awaitTerminal("rp-bad");
                await().atMost(Duration.ofSeconds(20)).until(() -> before.deadLetters.records().size() == 11);
            }
            assertThat(smtp.accepted()).isEmpty();
            Path cfg = config(topics, smtp.port());
            long requestsBefore = endOffsets(topics.requests());

            // 2. dry run with the fixed configuration: says what it would do, writes nothing
            Run dry = replay("--config", cfg.toString(), "--dry-run");
            assertThat(dry.exit()).as(dry.err()).isZero();
            for (String id : ids) {
                assertThat(dry.out()).containsPattern("would replay +" + id + " ");
            }
            assertThat(dry.out()).containsPattern("skip +rp-bad .*still invalid: missing_field");
            assertThat(dry.out()).contains("10 would be replayed");
            assertThat(endOffsets(topics.requests())).isEqualTo(requestsBefore);
            assertThat(endOffsets(topics.replays())).isZero();

            Run filtered = replay("--config", cfg.toString(), "--dry-run", "--reason", "unknown_account", "--id", "rp-2,rp-7",
                    "--campaign", "winter", "--account", "newshop");
            assertThat(filtered.out()).contains("2 would be replayed").doesNotContain("rp-bad", "rp-1 ");

            // 3. the worker now has the account; replay
            try (RunningPipeline after = RunningPipeline.restart(topics, List.of(main, newshop), UnaryOperator.identity())) {
                Run first = replay("--config", cfg.toString(), "--rate", "50");
                assertThat(first.exit()).as(first.err()).isZero();
                assertThat(first.out()).contains("replayed 10 request(s)", "still invalid: missing_field: 1");
                // stderr is no terminal here: no progress bar (no \r lines in a log), no log lines either
                assertThat(first.err()).doesNotContain("\r", "10/10").isEmpty();
                await().atMost(Duration.ofSeconds(40)).until(() -> ids.stream().allMatch(id -> sentAfterReplay(after, id)));
                for (String id : ids) {
                    assertThat(after.outcomesFor(id)).extracting(OutcomeEvent::status).containsExactly(Status.REJECTED, Status.SENT);
                    assertThat(smtp.acceptedFor(id)).as(id).isEqualTo(1);
                }
                // the replayed outcomes say so in their header
                assertThat(after.outcomes.records().stream().filter(r -> r.headers().lastHeader(MailpipeHeaders.REPLAY) != null))
                        .hasSize(10);
                assertThat(endOffsets(topics.replays())).isEqualTo(10);

                // 4. a second replay finds everything replayed already and sends nothing
                long requestsAfterFirst = endOffsets(topics.requests());
                Run second = replay("--config", cfg.toString());
                assertThat(second.exit()).isZero();
                assertThat(second.out()).contains("replayed 0 request(s)", "already replayed: 10");
                assertThat(endOffsets(topics.requests())).isEqualTo(requestsAfterFirst);
                assertThat(endOffsets(topics.replays())).isEqualTo(10);

                // 5. a FAILED request (not dead-lettered) is replayed from the outcomes; the server accepts it now
                Run fromOutcomes = replay("--config", cfg.toString(), "--from", "outcomes", "--rate", "0");
                assertThat(fromOutcomes.out()).containsPattern("replay +rp-refused .*FAILED message_rejected")
                        .contains("replayed 1 request(s)");
                await().atMost(Duration.ofSeconds(30)).until(() -> sentAfterReplay(after, "rp-refused"));
                assertThat(smtp.acceptedFor("rp-refused")).isEqualTo(1);
                assertThat(replay("--config", cfg.toString(), "--from", "outcomes").out()).contains("replayed 0 request(s)");
            }
            assertThat(smtp.accepted()).hasSize(11);
        }
    }

    @Test
    void badOptionsAreRefusedClearly() throws Exception {
        Path cfg = config(KafkaSettings.Topics.withPrefix("unused."), 25);
        Run wrongSource = replay("--config", cfg.toString(), "--from", "somewhere");
        assertThat(wrongSource.exit()).isEqualTo(2);
        assertThat(wrongSource.err()).contains("--from must be dlq or outcomes");
        Run badRange = replay("--config", cfg.toString(), "--since", "2026-02-01T00:00:00Z", "--until", "2026-01-01T00:00:00Z");
        assertThat(badRange.exit()).isEqualTo(2);
        assertThat(badRange.err()).contains("--since must be before --until");
        Run noTopic = replay("--config", cfg.toString(), "--dry-run");
        assertThat(noTopic.exit()).isEqualTo(1);
        assertThat(noTopic.err()).contains("mailpipe: Topic unused.mail.outcomes does not exist");
        Run noConfig = replay("--config", dir.resolve("missing.yaml").toString());
        assertThat(noConfig.exit()).isEqualTo(2);
        assertThat(noConfig.err()).contains("not found");
    }
}
