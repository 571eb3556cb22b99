package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.KafkaConnection;
import io.mailpipe.kafka.LocalKafkaBroker;
import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.kafka.TopicTail;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.ScriptedSmtpServer;

/**
 * Kafka client security settings reach every Kafka client of a worker: a broker whose only client listener mailpipe
 * is given is SASL_PLAINTEXT with SCRAM-SHA-256; a worker configured with {@code kafka.properties} (the JAAS line from
 * the environment) creates its topics, reads its ledger and quota topics, consumes a request, sends it and publishes
 * the outcome, and reports ready. A wrong password is refused at start-up with a clear error that does not show it.
 */
class KafkaSecurityIT {

    static final String USER = "mailpipe";
    static final String PASSWORD = "S3CRET-kafka-pw-91c2";
    static final String WRONG = "Wrong-kafka-pw-0000";

    static LocalKafkaBroker broker;
    static ScriptedSmtpServer smtp;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "kafka-scram-it"));
        Path data = Files.createTempDirectory(dir, "broker");
        broker = LocalKafkaBroker.start(data, new LocalKafkaBroker.ScramListener(USER, PASSWORD));
        smtp = new ScriptedSmtpServer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (smtp != null) {
            smtp.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER + "\" password=\""
                + password + "\";";
    }

    static MailpipeConfig config(String prefix, String password) {
        String t = prefix;
        String yaml = "kafka:\n"
                + "  bootstrapServers: " + broker.saslBootstrapServers() + "\n"
                + "  groupId: " + t + "-group\n"
                + "  topics: {requests: " + t + ".req, outcomes: " + t + ".out, dlq: " + t + ".dlq, retry: " + t + ".retry,"
                + " bounces: " + t + ".bounces, bouncesUnparsed: " + t + ".unparsed, suppressions: " + t + ".supp,"
                + " quota: " + t + ".quota, replays: " + t + ".replays}\n"
                + "  properties:\n"
                + "    security.protocol: SASL_PLAINTEXT\n"
                + "    sasl.mechanism: SCRAM-SHA-256\n"
                + "    sasl.jaas.config: ${KAFKA_JAAS}\n"
                + "management: {host: 127.0.0.1, port: 0}\n"
                + "accounts:\n"
                + "  - {name: relay, host: 127.0.0.1, port: " + smtp.port() + ", security: none, from: relay@relay.example}\n";
        return MailpipeConfig.parse(yaml, Map.of("KAFKA_JAAS", jaas(password))::get, "scram.yaml");
    }

    @Test
    void aWorkerWithScramCredentialsSendsEndToEnd() throws Exception {
        MailpipeConfig config = config("scram-ok", PASSWORD);
        KafkaConnection connection = config.kafka().connection();
        assertThat(config.toString() + connection + config.kafka()).doesNotContain(PASSWORD);
        try (LogCapture log = LogCapture.begin(); Worker worker = Worker.start(config);
             RecordPublisher publisher = new RecordPublisher(connection, Duration.ofSeconds(30), 1024 * 1024);
             TopicTail outcomes = new TopicTail(connection, config.kafka().topics().outcomes())) {
            publisher.publish(List.of(new ProducerRecord<>(config.kafka().topics().requests(), "scram-1".getBytes(StandardCharsets.UTF_8),
                    "{\"id\":\"scram-1\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}".getBytes(StandardCharsets.UTF_8))));
            List<OutcomeEvent> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : outcomes.poll(Duration.ofMillis(200))) {
                    seen.add(OutcomeJson.read(r.value()));
                }
                return seen.stream().anyMatch(e -> e.status().isTerminal());
            });
            assertThat(seen).extracting(OutcomeEvent::id, OutcomeEvent::status).containsExactly(org.assertj.core.groups.Tuple.tuple("scram-1", Status.SENT));
            assertThat(smtp.acceptedFor("scram-1")).isEqualTo(1);
            // the health probe's admin client reaches the broker too
            await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + worker.managementPort() + "/observe/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            assertThat(log.text()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearError() {
        MailpipeConfig config = config("scram-bad", WRONG);
        try (LogCapture log = LogCapture.begin()) {
            assertThatThrownBy(() -> Worker.start(config).close())
                    .hasMessageContaining("Authentication failed")
                    .hasMessageContaining("sasl.jaas.config")
                    .satisfies(e -> assertThat(org.assertj.core.util.Throwables.getStackTrace(e)).doesNotContain(WRONG));
            assertThat(log.text()).doesNotContain(WRONG);
        }
    }
}
