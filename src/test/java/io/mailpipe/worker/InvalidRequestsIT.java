package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.testing.ContractSchemas;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.TestWorkers;

/** Every kind of bad input: a REJECTED (or EXPIRED) outcome, a dead letter with the original bytes, and the consumer goes on. */
class InvalidRequestsIT {

    static MailSandbox smtp;
    static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        smtp = MailSandbox.start();
        Account small = new Account("small", "127.0.0.1", smtp.smtpPort(), Security.NONE, null, null,
                "Small <small@small.example>", false, Limits.NONE, 2, 4096L, Duration.ofSeconds(10));
        pipeline = RunningPipeline.start("invalid", List.of(
                TestWorkers.account("main", smtp.smtpPort(), "Shop <shop@shop.example>", false, null), small));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {pipeline, smtp}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** key -> (request value, expected status, expected reason code). */
    static Map<String, String[]> cases() {
        String big = "x".repeat(6000);
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("bad-json", new String[] {"{\"id\":\"bad-json\",\"to\":[\"a@example.org\"],", "REJECTED", "malformed_json"});
        cases.put("not-object", new String[] {"[1,2,3]", "REJECTED", "malformed_json"});
        cases.put("no-to", new String[] {"{\"id\":\"no-to\",\"subject\":\"s\",\"text\":\"t\"}", "REJECTED", "no_recipients"});
        cases.put("empty-to", new String[] {"{\"id\":\"empty-to\",\"to\":[],\"subject\":\"s\",\"text\":\"t\"}", "REJECTED", "no_recipients"});
        cases.put("bad-address", new String[] {"{\"id\":\"bad-address\",\"to\":[\"not an address\"],\"subject\":\"s\",\"text\":\"t\"}",
                "REJECTED", "invalid_address"});
        cases.put("crlf-subject", new String[] {"{\"id\":\"crlf-subject\",\"to\":[\"a@example.org\"],\"subject\":\"hi\\r\\nBcc: x@example.org\",\"text\":\"t\"}",
                "REJECTED", "header_injection"});
        cases.put("lf-header", new String[] {"{\"id\":\"lf-header\",\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\",\"headers\":{\"X-Tag\":\"a\\nBcc: x@example.org\"}}",
                "REJECTED", "header_injection"});
        cases.put("unknown-account", new String[] {"{\"id\":\"unknown-account\",\"account\":\"nope\",\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\"}",
                "REJECTED", "unknown_account"});
        cases.put("no-body", new String[] {"{\"id\":\"no-body\",\"to\":[\"a@example.org\"],\"subject\":\"s\"}", "REJECTED", "no_body"});
        cases.put("oversize", new String[] {"{\"id\":\"oversize\",\"account\":\"small\",\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"" + big + "\"}",
                "REJECTED", "message_too_large"});
        cases.put("blocked", new String[] {"{\"id\":\"blocked\",\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\",\"attachments\":[{\"filename\":\"setup.exe\",\"content\":\"TVo=\"}]}",
                "REJECTED", "blocked_attachment"});
        cases.put("no-templates", new String[] {"{\"id\":\"no-templates\",\"to\":[\"a@example.org\"],\"template\":{\"id\":\"welcome\"}}",
                "REJECTED", "unknown_template"});
        cases.put("expired", new String[] {"{\"id\":\"expired\",\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\",\"notAfter\":\""
                + Instant.now().minusSeconds(60) + "\"}", "EXPIRED", "not_after_passed"});
        return cases;
    }

    @Test
    void badInputIsRejectedDeadLetteredAndTheConsumerGoesOn() {
        Map<String, String[]> cases = cases();
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            pipeline.kafka.send(pipeline.topics.requests(), c.getKey(), c.getValue()[0].getBytes(StandardCharsets.UTF_8),
                    new RecordHeader("traceparent", ("trace-" + c.getKey()).getBytes(StandardCharsets.UTF_8)));
        }
        pipeline.send("fine", "{\"id\":\"fine\",\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");

        await().atMost(Duration.ofSeconds(40)).until(() -> pipeline.outcomes.outcomesFor("fine").size() == 1
                && pipeline.deadLetters.records().size() >= cases.size());
        assertThat(pipeline.outcomes.outcomesFor("fine").get(0).status()).isEqualTo(Status.SENT);

        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String key = c.getKey();
            List<OutcomeEvent> events = pipeline.outcomes.outcomesFor(key);
            assertThat(events).as("outcomes of " + key).hasSize(1);
            OutcomeEvent event = events.get(0);
            assertThat(event.status().name()).as("status of " + key).isEqualTo(c.getValue()[1]);
            assertThat(event.reasonCode()).as("reason code of " + key).isEqualTo(c.getValue()[2]);
            assertThat(event.reason()).as("reason of " + key).isNotBlank();

            List<ConsumerRecord<byte[], byte[]>> letters = pipeline.deadLetters.records().stream()
                    .filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
            assertThat(letters).as("dead letters of " + key).hasSize(1);
            ConsumerRecord<byte[], byte[]> letter = letters.get(0);
            assertThat(letter.value()).as("original bytes of " + key).isEqualTo(c.getValue()[0].getBytes(StandardCharsets.UTF_8));
            assertThat(header(letter, "traceparent")).isEqualTo("trace-" + key);
            assertThat(header(letter, MailpipeHeaders.DLQ_SOURCE_TOPIC)).isEqualTo(pipeline.topics.requests());
            assertThat(Long.parseLong(header(letter, MailpipeHeaders.DLQ_SOURCE_OFFSET))).isEqualTo(event.source().offset());
            assertThat(Integer.parseInt(header(letter, MailpipeHeaders.DLQ_SOURCE_PARTITION))).isEqualTo(event.source().partition());
            assertThat(header(letter, MailpipeHeaders.DLQ_REASON_CODE)).isEqualTo(c.getValue()[2]);
            assertThat(header(letter, MailpipeHeaders.DLQ_REASON)).isEqualTo(event.reason());
            assertThat(header(letter, MailpipeHeaders.DLQ_ERROR_CLASS)).startsWith("io.mailpipe.");
            assertThat(Instant.parse(header(letter, MailpipeHeaders.DLQ_AT))).isNotNull();
        }
        ContractSchemas.assertValidOutcomes(pipeline.outcomes.records());
        assertThat(smtp.received()).as("nothing invalid was sent").allSatisfy(m ->
                assertThat(m.getHeader("X-Mailpipe-Id", null)).isEqualTo("fine"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
