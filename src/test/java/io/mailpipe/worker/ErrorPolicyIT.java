package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.WorkerSettings;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.FaultInjector;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * The error policy of routes/error-policy.yaml, through the real routes with a fault-injecting step: a request
 * that crashes processing is dead-lettered once and the partition moves on; an infrastructure failure is not
 * dead-lettered, the record is read again and sent once.
 */
class ErrorPolicyIT {

    static ScriptedSmtpServer smtp;
    static RunningPipeline pipeline;
    static KafkaSettings.Topics topics;
    static KafkaIO kafka;
    static KafkaIO.Collector outcomes;
    static KafkaIO.Collector deadLetters;

    @BeforeAll
    static void start() {
        smtp = new ScriptedSmtpServer();
        pipeline = RunningPipeline.start("errors", List.of(TestWorkers.account("a", smtp.port(), "A <a@a.example>", false, null)),
                config -> config.withWorker(new WorkerSettings(null, null,
                        "classpath:test-routes/faulty-pipeline.yaml,classpath:routes/error-policy.yaml", null)));
        topics = pipeline.topics;
        kafka = pipeline.kafka;
        outcomes = pipeline.outcomes;
        deadLetters = pipeline.deadLetters;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {pipeline, smtp}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static String request(String id, String subject) {
        return "{\"id\":\"" + id + "\",\"to\":[\"r@example.org\"],\"subject\":\"" + subject + "\",\"text\":\"t\"}";
    }

    @Test
    void poisonRequestIsDeadLetteredOnceAndThePartitionMovesOn() {
        // one partition key for both, so "after" is behind "poison" in the same partition
        kafka.send(topics.requests(), "poison", request("poison", "boom"));
        kafka.send(topics.requests(), "poison", request("after-poison", "fine"));
        await().atMost(Duration.ofSeconds(40)).until(() -> outcomes.outcomesFor("after-poison").size() == 1);
        assertThat(outcomes.outcomesFor("after-poison").get(0).status()).isEqualTo(Status.SENT);

        List<OutcomeEvent> poison = outcomes.outcomesFor("poison");
        assertThat(poison).hasSize(1);
        assertThat(poison.get(0).status()).isEqualTo(Status.REJECTED);
        assertThat(poison.get(0).reasonCode()).isEqualTo("internal_error");
        assertThat(poison.get(0).reason()).contains("IllegalStateException");
        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters.records().stream()
                .filter(r -> "poison".equals(header(r, MailpipeHeaders.DLQ_REQUEST_ID))).toList();
        assertThat(letters).hasSize(1);
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(request("poison", "boom"));
        assertThat(header(letters.get(0), MailpipeHeaders.DLQ_ERROR_CLASS)).isEqualTo(IllegalStateException.class.getName());
        assertThat(smtp.acceptedFor("poison")).isZero();
    }

    @Test
    void infrastructureFailureIsNotDeadLetteredButRetriedUntilItWorks() {
        kafka.send(topics.requests(), "flaky", request("flaky", "flaky"));
        await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.outcomesFor("flaky").stream().anyMatch(e -> e.status().isTerminal()));
        assertThat(FaultInjector.FLAKY_FAILURES.get()).as("failed twice before it worked").isEqualTo(2);
        assertThat(outcomes.outcomesFor("flaky")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
        assertThat(deadLetters.records()).noneMatch(r -> "flaky".equals(header(r, MailpipeHeaders.DLQ_REQUEST_ID)));
        assertThat(smtp.acceptedFor("flaky")).isEqualTo(1);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
