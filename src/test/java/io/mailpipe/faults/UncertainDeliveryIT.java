package io.mailpipe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Fault 2: the server reads the whole message and drops the connection without replying. The delivery is
 * UNCERTAIN, not failed: with {@code retry.uncertain: retry-once} the message is sent once more, with the same
 * Message-ID, after {@code retry.uncertainWait}; if that is uncertain too the request is held. The server never sees
 * a request more than twice.
 */
class UncertainDeliveryIT {

    static ScriptedSmtpServer smtp;
    static KafkaIO kafka;
    static KafkaSettings.Topics topics;
    static KafkaIO.Collector outcomes;
    static KafkaIO.Collector deadLetters;
    static Process worker;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = FaultKit.dir("uncertain");
        smtp = new ScriptedSmtpServer();
        kafka = new KafkaIO();
        topics = TestWorkers.topics("uncertain");
        TestWorkers.config(topics, List.of(TestWorkers.account("a", smtp.port(), "A <a@a.example>", false, null)));
        outcomes = new KafkaIO.Collector(topics.outcomes());
        deadLetters = new KafkaIO.Collector(topics.dlq());
        Path config = FaultKit.writeConfig(dir, "worker", TestWorkers.kafkaYaml(topics) + """
                retry: {initialBackoff: PT0.5S, maxBackoff: PT2S, uncertain: retry-once, uncertainWait: PT2S}
                accounts:
                  - {name: a, host: 127.0.0.1, port: %d, security: none, from: "A <a@a.example>"}
                  - {name: b, host: 127.0.0.1, port: %d, security: none, from: "B <b@b.example>"}
                """.formatted(smtp.port(), smtp.port()));
        worker = FaultKit.startWorker(config, dir.resolve("worker.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        FaultKit.stop(worker);
        outcomes.close();
        deadLetters.close();
        kafka.close();
        smtp.close();
    }

    @Test
    void anUncertainDeliveryIsSentOnceMoreWithTheSameMessageIdThenSent() {
        smtp.dropAfterData(1);
        kafka.send(topics.requests(), "unc-once", FaultKit.request("unc-once"));
        List<OutcomeEvent> events = awaitTerminal("unc-once");

        assertThat(events).extracting(OutcomeEvent::status).containsExactly(Status.DEFERRED, Status.SENT);
        assertThat(events.get(0).reasonCode()).isEqualTo("uncertain_retry");
        assertThat(events.get(0).account()).isEqualTo(events.get(1).account()).as("no failover for an uncertain delivery");
        assertThat(smtp.seenFor("unc-once")).as("messages the server read").isEqualTo(2);
        assertThat(messageIds("unc-once")).as("both copies carry the outcome's Message-ID")
                .containsOnly(events.get(0).messageId()).hasSize(2);
        FaultKit.report("uncertain/retry-once", "server read the message 2 times (1 dropped, 1 accepted); outcomes "
                + events.stream().map(e -> e.status() + " " + e.reasonCode()).toList());
    }

    @Test
    void aResendThatIsUncertainTooIsHeldAndNeverSentAThirdTime() {
        smtp.dropAfterData(2);
        kafka.send(topics.requests(), "unc-twice", FaultKit.request("unc-twice"));
        List<OutcomeEvent> events = awaitTerminal("unc-twice");
        assertThat(events).extracting(OutcomeEvent::status).containsExactly(Status.DEFERRED, Status.UNCERTAIN);
        assertThat(events.get(1).reasonCode()).isEqualTo("delivery_uncertain");
        assertThat(events.get(1).messageId()).isEqualTo(events.get(0).messageId());

        // the server is fine again; a later request goes through, and the held one was not tried a third time
        kafka.send(topics.requests(), "after-held", FaultKit.request("after-held"));
        awaitTerminal("after-held");
        assertThat(outcomes.outcomesFor("after-held")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
        assertThat(smtp.seenFor("unc-twice")).as("messages the server read").isEqualTo(2);
        assertThat(outcomes.outcomesFor("unc-twice")).hasSize(2);
        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters.records().stream()
                .filter(r -> "unc-twice".equals(header(r, MailpipeHeaders.DLQ_REQUEST_ID))).toList();
        assertThat(letters).hasSize(1);
        assertThat(header(letters.get(0), MailpipeHeaders.DLQ_STATUS)).isEqualTo("UNCERTAIN");
        assertThat(new String(letters.get(0).value())).isEqualTo(FaultKit.request("unc-twice"));
        FaultKit.report("uncertain/twice", "server read the message 2 times, request held as UNCERTAIN, dead-lettered once");
    }

    private static List<OutcomeEvent> awaitTerminal(String id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.outcomesFor(id).stream().anyMatch(e -> e.status().isTerminal()));
        return outcomes.outcomesFor(id);
    }

    private static List<String> messageIds(String id) {
        return Stream.concat(smtp.received().stream(), smtp.droppedAfterData().stream())
                .filter(r -> id.equals(r.requestId())).map(r -> {
                    try {
                        return r.message().getMessageID();
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
