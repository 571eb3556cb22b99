package io.mailpipe.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Limits;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.PrometheusText;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/** Scrapes a real worker's management port after real sends through Kafka and SMTP. */
class MetricsIT {

    static ScriptedSmtpServer smtp;
    static RunningPipeline pipeline;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();


    @BeforeAll
    static void start() {
        smtp = new ScriptedSmtpServer().refuseRecipient("gone@example.org", 550, "5.1.1 No such user");
        pipeline = RunningPipeline.start("metrics", List.of(
                TestWorkers.account("alpha", smtp.port(), "Alpha <alpha@alpha.example>", false, null),
                TestWorkers.account("beta", smtp.port(), "Beta <beta@beta.example>", false, new Limits(5, 100))),
                c -> c.withManagement(c.management().withProbeInterval(Duration.ofMillis(300))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        smtp.close();
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String request(String id, String account, String to) {
        return """
                {"id":"%s","to":["%s"],"subject":"s","text":"t"%s}""".formatted(id, to,
                account == null ? "" : ",\"account\":\"" + account + "\"");
    }

    @Test
    void scrapeShowsWhatHappened() throws Exception {
        int port = pipeline.worker.managementPort();
        await().atMost(Duration.ofSeconds(20)).until(() -> get(port, ManagementServer.READY_PATH).statusCode() == 200);
        assertThat(get(port, ManagementServer.HEALTH_PATH).body())
                .contains("\"status\":\"UP\"", "\"kafka\":true", "\"alpha\":true", "\"beta\":true");

        for (int i = 1; i <= 3; i++) {
            pipeline.send("m-a" + i, request("m-a" + i, "alpha", "x" + i + "@example.org"));
        }
        pipeline.send("m-b1", request("m-b1", "beta", "y@example.org"));
        pipeline.send("m-gone", request("m-gone", "alpha", "gone@example.org"));
        pipeline.send("m-ghost", request("m-ghost", "ghost", "z@example.org"));
        for (String id : List.of("m-a1", "m-a2", "m-a3", "m-b1", "m-gone", "m-ghost")) {
            pipeline.awaitTerminal(id);
        }
        assertThat(pipeline.outcomesFor("m-gone").get(0).status()).isEqualTo(Status.FAILED);

        // the API the bounce pipeline uses
        pipeline.worker.metrics().bounceReceived("alpha", "bounce", true, "userunknown");
        pipeline.worker.metrics().bounceReceived("alpha", "bounce", true, "userunknown");
        pipeline.worker.metrics().bounceReceived(null, "complaint", false, "feedback");

        HttpResponse<String> scrape = get(port, ManagementServer.METRICS_PATH);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        PrometheusText m = PrometheusText.parse(scrape.body());

        assertThat(m.value("mailpipe_messages_total", "status", "SENT", "reason", "accepted", "account", "alpha")).isEqualTo(3.0);
        assertThat(m.value("mailpipe_messages_total", "status", "SENT", "reason", "accepted", "account", "beta")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_messages_total", "status", "FAILED", "reason", "recipient_rejected", "account", "alpha")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_messages_total", "status", "REJECTED", "reason", "unknown_account", "account", "none")).isEqualTo(1.0);

        // the delivery ledger holds the state of every partition this single worker consumes, all restored
        assertThat(m.value("mailpipe_ledger_partitions", "state", "restored")).isGreaterThan(0.0);
        assertThat(m.value("mailpipe_ledger_partitions", "state", "restoring")).isEqualTo(0.0);
        assertThat(m.value("mailpipe_ledger_restore_remaining_records")).isEqualTo(0.0);
        assertThat(get(port, ManagementServer.HEALTH_PATH).body()).contains("\"ledgerAssigned\":true", "\"ledgerRestoring\":[]");

        assertThat(m.value("mailpipe_smtp_replies_total", "account", "alpha", "code", "250")).isEqualTo(3.0);
        assertThat(m.value("mailpipe_smtp_replies_total", "account", "alpha", "code", "550")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_smtp_replies_total", "account", "beta", "code", "250")).isEqualTo(1.0);

        assertThat(m.value("mailpipe_send_seconds_count", "account", "alpha", "result", "accepted")).isEqualTo(3.0);
        assertThat(m.value("mailpipe_send_seconds_count", "account", "alpha", "result", "failed")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_send_seconds_bucket", "account", "alpha", "result", "accepted", "le", "+Inf")).isEqualTo(3.0);
        assertThat(m.value("mailpipe_send_seconds_bucket", "account", "alpha", "result", "accepted", "le", "60.0")).isEqualTo(3.0);
        assertThat(m.value("mailpipe_send_seconds_sum", "account", "alpha", "result", "accepted")).isGreaterThan(0.0).isLessThan(60.0);

        assertThat(m.value("mailpipe_dead_letters_total", "reason", "unknown_account", "status", "REJECTED")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_bounces_total", "kind", "bounce", "reason", "userunknown")).isEqualTo(2.0);
        assertThat(m.value("mailpipe_account_bounces_total", "account", "alpha", "type", "hard")).isEqualTo(2.0);
        assertThat(m.value("mailpipe_account_bounces_total", "account", "beta", "type", "hard")).as("preset at 0").isEqualTo(0.0);
        assertThat(m.value("mailpipe_account_bounces_total", "account", "unknown", "type", "complaint")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_quota_limit", "account", "beta", "window", "hour", "kind", "effective")).isEqualTo(5.0);
        assertThat(m.value("mailpipe_quota_used", "account", "beta", "window", "hour")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_quota_remaining", "account", "beta", "window", "hour")).isEqualTo(4.0);
        assertThat(m.value("mailpipe_quota_remaining", "account", "beta", "window", "day")).isEqualTo(99.0);
        assertThat(m.value("mailpipe_quota_used", "account", "alpha", "window", "hour")).as("alpha has no limit").isNull();
        assertThat(m.value("mailpipe_account_health", "account", "alpha", "state", "HEALTHY"))
                .as("a refused recipient is not the account's problem").isEqualTo(1.0);
        assertThat(m.value("mailpipe_account_health", "account", "alpha", "state", "COOLING")).isEqualTo(0.0);
        assertThat(m.value("mailpipe_account_health", "account", "alpha", "state", "DISABLED")).isEqualTo(0.0);
        assertThat(m.value("mailpipe_account_reachable", "account", "alpha")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_kafka_reachable")).isEqualTo(1.0);
        assertThat(m.value("mailpipe_ready")).isEqualTo(1.0);
        assertThat(m.samples().keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));

        // consumer lag of the requests topic: every record consumed and committed, so it drains to 0
        String group = "g-" + pipeline.topics.requests();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            PrometheusText now = PrometheusText.parse(get(port, ManagementServer.METRICS_PATH).body());
            double lag = 0;
            int partitions = 0;
            for (var e : now.samples().entrySet()) {
                if (e.getKey().startsWith("mailpipe_consumer_lag{") && e.getKey().contains("group=\"" + group + "\"")) {
                    lag += e.getValue();
                    partitions++;
                }
            }
            assertThat(partitions).isEqualTo(4);
            assertThat(lag).isEqualTo(0.0);
            assertThat(now.value("mailpipe_dead_letter_topic_records", "topic", pipeline.topics.dlq())).isEqualTo(1.0);
        });
        assertThat(scrape.body()).doesNotContain("x1@example.org", "gone@example.org", "m-a1");
    }

    @Test
    void notReadyUntilAnAccountIsReachable() throws Exception {
        int smtpPort = ScriptedSmtpServer.freePort();
        try (RunningPipeline lonely = RunningPipeline.start("metrics-ready",
                List.of(TestWorkers.account("later", smtpPort, "Later <later@later.example>", false, null)),
                c -> c.withManagement(c.management().withProbeInterval(Duration.ofMillis(300))))) {
            int port = lonely.worker.managementPort();
            await().atMost(Duration.ofSeconds(10)).until(() -> get(port, ManagementServer.HEALTH_PATH).body().contains("\"kafka\":true"));
            HttpResponse<String> ready = get(port, ManagementServer.READY_PATH);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"", "\"later\":false", "\"started\":true");
            assertThat(get(port, ManagementServer.LIVE_PATH).statusCode()).isEqualTo(200);
            assertThat(PrometheusText.parse(get(port, ManagementServer.METRICS_PATH).body()).value("mailpipe_ready")).isEqualTo(0.0);

            try (ScriptedSmtpServer late = new ScriptedSmtpServer(smtpPort)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> get(port, ManagementServer.READY_PATH).statusCode() == 200);
                assertThat(get(port, ManagementServer.READY_PATH).body()).contains("\"later\":true");
            }
        }
    }
}
