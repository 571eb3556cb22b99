package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import jakarta.mail.Header;
import jakarta.mail.internet.MimeMessage;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Kafka headers of a request record never reach the mail or Jakarta Mail: a request carrying headers named like
 * Jakarta Mail session properties ({@code mail.smtp.host}, {@code mail.smtp.port}, {@code mail.smtp.from}) and like
 * mail headers ({@code Subject}, {@code Bcc}, {@code X-Injected}) is sent normally, through the configured server,
 * with the account's envelope sender, without any of those headers, also on its retry (whose record carries the
 * original headers on mail.retry).
 */
class HeaderInjectionIT {

    static ScriptedSmtpServer smtp;
    static ScriptedSmtpServer evil;
    static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        smtp = new ScriptedSmtpServer();
        evil = new ScriptedSmtpServer();
        pipeline = RunningPipeline.start("headers", List.of(TestWorkers.account("shop", smtp.port(), "Shop <shop@shop.example>", false, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        smtp.close();
        evil.close();
    }

    static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void requestHeadersReachNeitherTheMailNorTheMailSession() throws Exception {
        smtp.nextDataReply(451, "4.3.0 try again later"); // the first attempt goes through mail.retry
        String json = "{\"id\":\"inj-1\",\"to\":[\"r@example.org\"],\"subject\":\"Real subject\",\"text\":\"t\"}";
        pipeline.kafka.send(pipeline.topics.requests(), "inj-1", json.getBytes(StandardCharsets.UTF_8),
                header("mail.smtp.host", "127.0.0.1"),
                header("mail.smtp.port", String.valueOf(evil.port())),
                header("mail.smtp.from", "evil@evil.example"),
                header("mail.smtp.auth", "true"),
                header("mail.debug", "true"),
                header("Subject", "Injected subject"),
                header("Bcc", "spy@evil.example"),
                header("X-Injected", "yes"),
                header("CamelMailTo", "spy@evil.example"));

        List<OutcomeEvent> events = pipeline.awaitTerminal("inj-1");
        assertThat(events).extracting(OutcomeEvent::status).containsExactly(Status.DEFERRED, Status.SENT);
        assertThat(evil.received()).isEmpty();
        assertThat(smtp.received()).filteredOn(r -> "inj-1".equals(r.requestId())).singleElement().satisfies(r -> {
            assertThat(r.mailFrom()).isEqualTo("shop@shop.example");
            MimeMessage m = r.message();
            assertThat(m.getSubject()).isEqualTo("Real subject");
            assertThat(m.getHeader("X-Injected")).isNull();
            assertThat(m.getHeader("Bcc")).isNull();
            assertThat(smtp.envelopeOf(m)).containsExactly("r@example.org");
            for (Header h : Collections.list(m.getAllHeaders())) {
                assertThat(h.getName()).doesNotStartWithIgnoringCase("mail.").doesNotStartWithIgnoringCase("Camel");
                assertThat(h.getValue()).doesNotContain("evil.example").doesNotContain("Injected");
            }
        });
    }
}
