package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;
import io.mailpipe.testing.WorkerProcess;

/**
 * Account passwords come from the environment and never show up: a real worker process logs in with the right
 * password (SENT) and with a wrong one (535: DEFERRED authentication_failed); neither password appears in its
 * log or in any outcome. The log is JSON, one object per line, with the request id and account as fields.
 */
class SecretsIT {

    private static final String GOOD = "Good-s3cret-4711";
    private static final String BAD = "Wrong-pa55-0815";

    @Test
    void passwordsAreUsedButNeverLoggedOrPublished() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "secrets-it"));
        KafkaSettings.Topics topics = TestWorkers.topics("secrets");
        try (ScriptedSmtpServer smtp = ScriptedSmtpServer.withLogin("shop", GOOD);
             KafkaIO kafka = new KafkaIO()) {
            TestWorkers.config(topics, java.util.List.of(TestWorkers.account("x", smtp.port(), "x@x.example", false, null)));
            Path config = dir.resolve("mailpipe.yaml");
            Files.writeString(config, TestWorkers.kafkaYaml(topics) + """
                    retry: {maxAttempts: 3, initialBackoff: PT10M, maxBackoff: PT20M}
                    accounts:
                      - {name: good, host: 127.0.0.1, port: %d, security: none, allowPlaintextAuth: true, username: shop, password: "${GOOD_PW}", from: shop@shop.example}
                      - {name: bad, host: 127.0.0.1, port: %d, security: none, allowPlaintextAuth: true, username: shop, password: "${BAD_PW}", from: shop@shop.example}
                    """.formatted(smtp.port(), smtp.port()));
            Path log = dir.resolve("worker.log");
            try (KafkaIO.Collector outcomes = new KafkaIO.Collector(topics.outcomes())) {
                Process worker = WorkerProcess.start(config, log, Map.of("GOOD_PW", GOOD, "BAD_PW", BAD,
                        "MAILPIPE_LOG_FORMAT", "json"));
                try {
                    kafka.send(topics.requests(), "via-good", "{\"id\":\"via-good\",\"account\":\"good\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
                    kafka.send(topics.requests(), "via-bad", "{\"id\":\"via-bad\",\"account\":\"bad\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
                    await().atMost(Duration.ofSeconds(60)).until(() ->
                            !outcomes.outcomesFor("via-good").isEmpty() && !outcomes.outcomesFor("via-bad").isEmpty());
                } finally {
                    worker.destroy();
                    worker.waitFor(60, TimeUnit.SECONDS);
                }
                assertThat(outcomes.outcomesFor("via-good")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
                OutcomeEvent bad = outcomes.outcomesFor("via-bad").get(0);
                assertThat(bad.reasonCode()).isEqualTo("authentication_failed");
                assertThat(bad.smtp().code()).isEqualTo(535);
                assertThat(smtp.acceptedFor("via-good")).isEqualTo(1);
                assertThat(smtp.acceptedFor("via-bad")).isZero();
                for (var record : outcomes.records()) {
                    String json = new String(record.value(), StandardCharsets.UTF_8);
                    assertThat(json).doesNotContain(GOOD).doesNotContain(BAD);
                }
            }
            String logText = Files.readString(log);
            assertThat(logText).contains("via-bad").contains("authentication_failed");
            assertThat(logText).doesNotContain(GOOD).doesNotContain(BAD);
            // structured logs: one JSON object per line; the lines about a request carry its id and account
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            java.util.List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
            for (String line : logText.lines().filter(l -> !l.isBlank()).toList()) {
                lines.add(json.readTree(line));
            }
            assertThat(lines).anySatisfy(l -> {
                assertThat(l.path("message").asText()).contains("outcome: DEFERRED authentication_failed");
                assertThat(l.path("requestId").asText()).isEqualTo("via-bad");
                assertThat(l.path("account").asText()).isEqualTo("bad");
            });
        }
    }
}
