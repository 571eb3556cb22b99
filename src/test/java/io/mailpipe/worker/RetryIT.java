package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Limits;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/** Waiting: a full account defers without sending past its limit; a retry record is never sent before its time. */
class RetryIT {

    static ScriptedSmtpServer smtp;
    static int laterPort;
    static RunningPipeline pipeline;
    static KafkaIO.Collector retries;

    @BeforeAll
    static void start() {
        smtp = new ScriptedSmtpServer();
        laterPort = ScriptedSmtpServer.freePort();
        // the test configuration has retry.maxBackoff = 3 s
        pipeline = RunningPipeline.start("retry", List.of(
                TestWorkers.account("one-per-hour", smtp.port(), "One <one@one.example>", false, new Limits(1, null)),
                TestWorkers.account("free", smtp.port(), "Free <free@free.example>", false, null),
                TestWorkers.account("down-then-up", laterPort, "Later <later@later.example>", false, null)));
        retries = new KafkaIO.Collector(pipeline.topics.retry());
    }

    @AfterAll
    static void stop() throws Exception {
        if (retries != null) {
            retries.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        smtp.close();
    }

    @Test
    void aFullPinnedAccountDefersWithoutSendingPastItsLimit() {
        pipeline.send("full-1", "{\"id\":\"full-1\",\"account\":\"one-per-hour\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        pipeline.send("full-2", "{\"id\":\"full-2\",\"account\":\"one-per-hour\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                pipeline.outcomes.outcomesFor("full-1").size() + pipeline.outcomes.outcomesFor("full-2").size() >= 3);
        List<OutcomeEvent> all = new java.util.ArrayList<>(pipeline.outcomes.outcomesFor("full-1"));
        all.addAll(pipeline.outcomes.outcomesFor("full-2"));
        assertThat(all.stream().filter(e -> e.status() == Status.SENT)).as("sends through a 1-per-hour account").hasSize(1);
        OutcomeEvent deferred = all.stream().filter(e -> e.status() == Status.DEFERRED).findFirst().orElseThrow();
        assertThat(deferred.reasonCode()).isEqualTo("accounts_at_limit");
        assertThat(deferred.reason()).contains("one-per-hour");
        // checked again after retry.maxBackoff at the latest, not an hour later
        assertThat(Duration.between(deferred.at(), deferred.retryAt())).isLessThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(smtp.acceptedFor("full-1") + smtp.acceptedFor("full-2")).isEqualTo(1);
    }

    @Test
    void aRetryRecordIsNotSentBeforeItsTime() {
        Instant notBefore = Instant.now().plus(Duration.ofHours(2));
        String value = "{\"id\":\"later\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}";
        pipeline.kafka.send(pipeline.topics.retry(), "later", value.getBytes(StandardCharsets.UTF_8),
                new RecordHeader(MailpipeHeaders.ATTEMPT, "2".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(MailpipeHeaders.NOT_BEFORE, notBefore.toString().getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(MailpipeHeaders.FIRST_ATTEMPT_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8)));
        // the retry consumer waits at most retry.maxBackoff (3 s), then puts the record back unchanged
        await().atMost(Duration.ofSeconds(30)).until(() -> copiesOf("later").size() >= 2);
        ConsumerRecord<byte[], byte[]> requeued = copiesOf("later").get(1);
        assertThat(new String(requeued.value(), StandardCharsets.UTF_8)).isEqualTo(value);
        assertThat(header(requeued, MailpipeHeaders.NOT_BEFORE)).isEqualTo(notBefore.toString());
        assertThat(header(requeued, MailpipeHeaders.ATTEMPT)).isEqualTo("2");
        assertThat(pipeline.outcomes.outcomesFor("later")).as("no outcome for an internal hop").isEmpty();
        assertThat(smtp.acceptedFor("later")).isZero();
    }

    @Test
    void aServerThatIsDownDefersThenTheRetrySendsWhenItIsBack() throws Exception {
        pipeline.send("down", "{\"id\":\"down\",\"account\":\"down-then-up\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> !pipeline.outcomesFor("down").isEmpty());
        OutcomeEvent deferred = pipeline.outcomesFor("down").get(0);
        assertThat(deferred.status()).isEqualTo(Status.DEFERRED);
        assertThat(deferred.reasonCode()).isEqualTo("connection_failed");
        assertThat(deferred.smtp()).isNull();
        try (ScriptedSmtpServer back = new ScriptedSmtpServer(laterPort)) {
            List<OutcomeEvent> events = pipeline.awaitTerminal("down");
            assertThat(events.get(events.size() - 1).status()).isEqualTo(Status.SENT);
            assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.status()).isEqualTo(Status.DEFERRED));
            assertThat(back.acceptedFor("down")).isEqualTo(1);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> copiesOf(String key) {
        return retries.records().stream().filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
