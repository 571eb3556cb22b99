package io.mailpipe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Fault 7: poison records in one partition, in a worker process, followed by a valid request with the same key
 * (same partition): a request whose processing crashes after composition (subject "boom": the test route's
 * {@link io.mailpipe.testing.FaultInjector} throws an unexpected IllegalStateException, because no real input
 * was found that crashes the composer) and bytes that are not JSON at all. Each is dead-lettered once with its
 * original bytes, the valid request behind them is SENT, and a restart of the worker dead-letters nothing again.
 */
class PoisonRequestIT {

    @Test
    void poisonIsDeadLetteredOnceAndThePartitionKeepsMovingAlsoAfterARestart() throws Exception {
        Path dir = FaultKit.dir("poison");
        ScriptedSmtpServer smtp = new ScriptedSmtpServer();
        KafkaSettings.Topics topics = TestWorkers.topics("poison");
        TestWorkers.config(topics, List.of(TestWorkers.account("a", smtp.port(), "A <a@a.example>", false, null)));
        Path config = FaultKit.writeConfig(dir, "worker", TestWorkers.kafkaYaml(topics) + """
                worker: {routes: "classpath:test-routes/faulty-pipeline.yaml,classpath:routes/error-policy.yaml"}
                accounts:
                  - {name: a, host: 127.0.0.1, port: %d, security: none, from: "A <a@a.example>"}
                """.formatted(smtp.port()));
        String poison = "{\"id\":\"poison\",\"to\":[\"r@example.org\"],\"subject\":\"boom\",\"text\":\"t\"}";
        byte[] garbage = {(byte) 0xff, 0x00, '{', (byte) 0xfe, 'x'};
        Process worker = null;
        try (KafkaIO kafka = new KafkaIO(); KafkaIO.Collector outcomes = new KafkaIO.Collector(topics.outcomes());
             KafkaIO.Collector deadLetters = new KafkaIO.Collector(topics.dlq())) {
            // one key: the same partition, in this order
            kafka.send(topics.requests(), "same-key", poison);
            kafka.send(topics.requests(), "same-key", garbage);
            kafka.send(topics.requests(), "same-key", FaultKit.request("after-poison"));
            worker = FaultKit.startWorker(config, dir.resolve("worker-1.log"));
            await().atMost(Duration.ofSeconds(90)).until(() -> !outcomes.outcomesFor("after-poison").isEmpty());
            assertThat(outcomes.outcomesFor("after-poison")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);

            // a restart reads the partition again from the last commit: nothing more is dead-lettered or sent
            FaultKit.stop(worker);
            worker = FaultKit.startWorker(config, dir.resolve("worker-2.log"));
            kafka.send(topics.requests(), "same-key", FaultKit.request("after-restart"));
            await().atMost(Duration.ofSeconds(90)).until(() -> !outcomes.outcomesFor("after-restart").isEmpty());

            List<OutcomeEvent> crashed = outcomes.outcomesFor("poison");
            assertThat(crashed).hasSize(1);
            assertThat(crashed.get(0).status()).isEqualTo(Status.REJECTED);
            assertThat(crashed.get(0).reasonCode()).isEqualTo("internal_error");
            List<ConsumerRecord<byte[], byte[]>> letters = deadLetters.records();
            assertThat(letters).as("dead letters: the crash and the garbage, once each").hasSize(2);
            assertThat(letters.get(0).value()).isEqualTo(poison.getBytes(StandardCharsets.UTF_8));
            assertThat(header(letters.get(0), MailpipeHeaders.DLQ_REASON_CODE)).isEqualTo("internal_error");
            assertThat(letters.get(1).value()).isEqualTo(garbage);
            assertThat(header(letters.get(1), MailpipeHeaders.DLQ_REASON_CODE)).isEqualTo("malformed_json");
            assertThat(smtp.acceptedFor("after-poison")).isEqualTo(1);
            assertThat(smtp.acceptedFor("poison")).as("the crashed request was not sent").isZero();
            FaultKit.report("poison", "crash after composition and non-JSON bytes in one partition: 2 dead letters (once each,"
                    + " original bytes), the valid request behind them SENT, a restart dead-letters nothing again");
        } finally {
            FaultKit.stop(worker);
            smtp.close();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
