package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.internet.MimeMessage;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.config.ComposeSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.TestKafka;

/** Templates from a compacted topic (compose.templatesTopic): read at start, followed while the worker runs. */
class TemplateTopicIT {

    static final String TOPIC = "templates-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    static MailSandbox greenMail;
    static KafkaIO kafka;
    static RunningPipeline pipeline;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        greenMail = MailSandbox.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        kafka = new KafkaIO();
        kafka.send(TOPIC, "promo", """
                {"subject":"Скидка {{percent}}%","html":"<p>{{name}}, скидка {{percent}}%</p>"}""");
        kafka.send(TOPIC, "broken", "{\"subject\": \"no closing brace\"");
        Account account = new Account("main", "127.0.0.1", greenMail.smtpPort(), Security.NONE, null, null,
                "Shop <shop@shop.example>", false, Limits.NONE, null, null, Duration.ofSeconds(10));
        pipeline = RunningPipeline.start("tpltopic", List.of(account),
                config -> config.withCompose(new ComposeSettings(null, null, TOPIC)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        greenMail.close();
    }

    private static OutcomeEvent terminal(String id) {
        return pipeline.awaitTerminal(id).stream().filter(e -> e.status().isTerminal()).findFirst().orElseThrow();
    }

    private static OutcomeEvent request(String template) {
        String id = "tt-" + SEQ.incrementAndGet();
        pipeline.send(id, """
                {"id":"%s","to":"a@example.org","template":{"id":"%s","vars":{"name":"Анна & Co","percent":20}}}"""
                .formatted(id, template));
        return terminal(id);
    }

    @Test
    void templatesOnTheTopicAtStartAreRenderedAndABrokenRecordIsATemplateError() throws Exception {
        OutcomeEvent sent = request("promo");
        assertThat(sent.status()).isEqualTo(Status.SENT);
        await().atMost(Duration.ofSeconds(10)).until(() -> find(sent.id()) != null);
        MimeMessage m = find(sent.id());
        assertThat(m.getSubject()).isEqualTo("Скидка 20%");
        assertThat((String) m.getContent()).isEqualTo("<p>Анна &amp; Co, скидка 20%</p>");

        OutcomeEvent broken = request("broken");
        assertThat(broken.status()).isEqualTo(Status.REJECTED);
        assertThat(broken.reasonCode()).isEqualTo("template_error");
        assertThat(broken.reason()).contains("not a JSON object").doesNotContain("no closing brace");
    }

    @Test
    void aTemplatePublishedLaterIsUsedAndATombstoneRemovesIt() {
        kafka.send(TOPIC, "late", """
                {"subject":"Late {{percent}}","text":"t"}""");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(request("late").status()).isEqualTo(Status.SENT));

        kafka.send(TOPIC, "late", (byte[]) null);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request("late").reasonCode()).isEqualTo("unknown_template"));
    }

    private static MimeMessage find(String requestId) {
        return greenMail.received().stream().filter(m -> {
            try {
                return requestId.equals(m.getHeader("X-Mailpipe-Id", null));
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElse(null);
    }
}
