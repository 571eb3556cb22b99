package io.mailpipe.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.cli.MailpipeCli;
import io.mailpipe.config.BounceMailbox;
import io.mailpipe.inbox.BounceEvent;
import io.mailpipe.inbox.InboxJson;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.testing.Chromium;
import io.mailpipe.testing.ExternalTools;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.PrometheusServer;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * The operator's view against the real thing. A worker (real Kafka, the GreenMail sandbox with its IMAP bounce mailbox,
 * a scripted SMTP server) sends a campaign through a pool whose one account reaches its hourly limit with requests still
 * waiting that expire before it frees up, gets a 550, a dead letter, a hard bounce and a complaint. Then:
 * <ol>
 *   <li>a real Prometheus scrapes it and evaluates the alert rules (with {@code for:} and windows shortened, see
 *   {@link #shortRules}): every dashboard panel query and every alert expression returns series, and the pool, bounce,
 *   complaint and dead-letter alerts fire;</li>
 *   <li>{@code mailpipe status} shows the account at its limit, the waiting pool with a finish after its notAfter, and
 *   the campaign's counts;</li>
 *   <li>{@code mailpipe report} writes the campaign's HTML, which real headless Chromium renders with every chart.</li>
 * </ol>
 * With {@code -Dmailpipe.docScreenshots=true} it also writes docs/status.png and docs/report.png for the README.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorViewIT {

    static final Path WORK = Path.of("target/operator-view-it");
    static final String CAMPAIGN = "it-news";
    static MailSandbox sandbox;
    static ScriptedSmtpServer beta;
    static RunningPipeline pipeline;
    static KafkaIO.Collector bounces;
    static Path cliConfig;
    static Instant notAfter;
    /** Started before anything is sent, so that it sees every counter go up; null without prometheus installed. */
    static PrometheusServer prometheus;
    static Path rules;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(WORK);
        sandbox = MailSandbox.start();
        beta = new ScriptedSmtpServer().refuseRecipient("gone@example.org", 550, "5.1.1 No such user");
        Account alpha = TestWorkers.account("alpha", sandbox.smtpPort(), "Alpha <alpha@alpha.example>", false, new Limits(3, null))
                .withPools(List.of("bulk"));
        Account betaAccount = TestWorkers.account("beta", beta.port(), "Beta <beta@beta.example>", false, null);
        BounceMailbox mailbox = BounceMailbox.resolve(List.of(new BounceMailbox.Settings("sandbox", "imap", "127.0.0.1",
                sandbox.imapPort(), MailSandbox.BOUNCE_USER, MailSandbox.BOUNCE_PASSWORD, null, null, null, null,
                Duration.ofSeconds(1), null, true))).get(0);
        pipeline = RunningPipeline.start("operator-view", List.of(alpha, betaAccount), c -> c.withBounces(List.of(mailbox))
                .withManagement(c.management().withProbeInterval(Duration.ofMillis(500)).withBacklogInterval(Duration.ofSeconds(1))));
        bounces = new KafkaIO.Collector(pipeline.topics.bounces());
        cliConfig = Files.writeString(WORK.resolve("mailpipe-" + ProcessHandle.current().pid() + ".yaml"),
                TestWorkers.kafkaYaml(pipeline.topics) + """
                accounts:
                  - {name: alpha, host: 127.0.0.1, port: %d, security: none, from: alpha@alpha.example, limits: {perHour: 3}, pools: [bulk]}
                  - {name: beta, host: 127.0.0.1, port: %d, security: none, from: beta@beta.example}
                """.formatted(sandbox.smtpPort(), beta.port()));

        if (ExternalTools.find("prometheus").isPresent()) {
            Path dir = Files.createDirectories(WORK.resolve("prometheus-" + ProcessHandle.current().pid()));
            rules = shortRules(PromRules.DOCS, dir.resolve("rules.yml"));
            prometheus = PrometheusServer.start(ExternalTools.find("prometheus").get(), dir, rules,
                    List.of("127.0.0.1:" + pipeline.worker.managementPort()));
            await().atMost(Duration.ofSeconds(30)).until(prometheus::targetsUp);
        }
        // first what finishes at once; then the pool's five, of which two wait (and pause consumption) for the hour
        pipeline.send("beta-ok", request("beta-ok", "beta", "friend@example.net"));
        pipeline.send("beta-gone", request("beta-gone", "beta", "gone@example.org"));
        pipeline.send("ghost", request("ghost", "ghost", "x@example.org"));
        for (String id : List.of("beta-ok", "beta-gone", "ghost")) {
            pipeline.awaitTerminal(id);
        }
        notAfter = Instant.now().plus(Duration.ofMinutes(20)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (int i = 1; i <= 5; i++) {
            pipeline.send("bulk-" + i, """
                    {"id":"bulk-%d","to":["reader%d@example.org"],"subject":"News","text":"t","pool":"bulk","campaign":"%s","notAfter":"%s"}"""
                    .formatted(i, i, CAMPAIGN, notAfter));
        }
        await().atMost(Duration.ofSeconds(40)).until(() -> sentByAlpha().size() == 3);
        List<OutcomeEvent> sent = sentByAlpha();
        sandbox.deliverToBounceMailbox(MailSandbox.userUnknownReport(sent.get(0).messageId(), "reader-gone@example.org"));
        sandbox.deliverToBounceMailbox(complaint(sent.get(1).messageId()));
        await().atMost(Duration.ofSeconds(60)).until(() -> bounceEvents().size() >= 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (bounces != null) {
            bounces.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (beta != null) {
            beta.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    void prometheusScrapesEveryPanelsSeriesAndTheAlertsFire() throws Exception {
        ExternalTools.require("prometheus", "prometheus", "mailpipe.requirePrometheus");
        List<String> panels = PromRules.panelQueries();
        assertThat(panels).hasSizeGreaterThanOrEqualTo(14);
        List<String> expressions = new ArrayList<>(panels);
        expressions.addAll(PromRules.alertOperands(rules));
        Map<String, Integer> empty = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            empty.clear();
            for (String q : expressions) {
                int n = prometheus.query(PromRules.forTest(q)).size();
                if (n == 0) {
                    empty.put(q, n);
                }
            }
            assertThat(empty).as("queries without series").isEmpty();
        });

        Set<String> expected = Set.of("MailpipePoolLate", "MailpipeHardBounceRateHigh", "MailpipeComplaintRateHigh",
                "MailpipeDeadLettersGrowing");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(firing(prometheus)).containsAll(expected));
        JsonNode alerts = prometheus.alerts();
        assertThat(labelOf(alerts, "MailpipePoolLate", "pool")).isEqualTo("bulk");
        assertThat(labelOf(alerts, "MailpipeHardBounceRateHigh", "account")).isEqualTo("alpha");
        assertThat(labelOf(alerts, "MailpipeComplaintRateHigh", "account")).isEqualTo("alpha");
        assertThat(firing(prometheus)).as("everything is up and nothing is disabled")
                .doesNotContain("MailpipeWorkerNotReady", "MailpipeAccountDisabled");
    }

    @Test
    @Order(2)
    void statusShowsTheAccountAtItsLimitThePoolThatWillBeLateAndTheCampaign() throws Exception {
        // the two waiting go out when the three sends leave the hour window, an hour after they were made: within the
        // next hour, but well after their notAfter
        JsonNode status = new ObjectMapper().readTree(cli("status", "--config", cliConfig.toString(), "--json", "--since", "1h"));
        JsonNode alpha = status.path("accounts").get(0);
        assertThat(alpha.path("account").asText()).isEqualTo("alpha");
        assertThat(alpha.path("hourUsed").asInt()).isEqualTo(3);
        assertThat(alpha.path("perHour").asInt()).isEqualTo(3);
        assertThat(alpha.path("learnedPerHour").isNull()).isTrue();
        assertThat(alpha.path("health").asText()).isEqualTo("SENDING");
        assertThat(Instant.parse(alpha.path("nextFree").asText())).isAfter(Instant.now().plus(Duration.ofMinutes(55)));

        JsonNode backlog = status.path("backlog");
        assertThat(backlog.path("waiting").asLong()).isEqualTo(2);
        // they free up about an hour after the sends, so right at the end of the next hour (the estimate's minute steps
        // may put them just inside or just outside it)
        assertThat(backlog.path("nextHour").asLong()).isIn(0L, 2L);
        JsonNode bulk = backlog.path("groups").get(0);
        assertThat(bulk.path("name").asText()).isEqualTo("bulk");
        assertThat(bulk.path("waiting").asLong()).isEqualTo(2);
        assertThat(Instant.parse(bulk.path("earliestNotAfter").asText())).isEqualTo(notAfter);
        Instant finish = Instant.parse(bulk.path("finish").asText());
        assertThat(finish).isAfter(notAfter).isBefore(Instant.now().plus(Duration.ofMinutes(62)));

        JsonNode campaign = null;
        for (JsonNode c : status.path("campaigns")) {
            if (c.path("campaign").asText().equals(CAMPAIGN)) {
                campaign = c;
            }
        }
        assertThat(campaign).isNotNull();
        assertThat(campaign.path("byStatus").path("SENT").asLong()).isEqualTo(4);
        assertThat(campaign.path("byStatus").path("FAILED").asLong()).isEqualTo(1);
        assertThat(campaign.path("hardBounces").asLong()).isEqualTo(1);
        assertThat(campaign.path("complaints").asLong()).isEqualTo(1);

        String text = cli("status", "--config", cliConfig.toString(), "--once");
        assertThat(text).containsPattern("2 waiting: (all go out this hour, the last by|0 go out this hour, the rest by) ").contains("LATE: some will expire")
                .containsPattern("alpha\\s+3/3\\s+3/-\\s+-");
        Files.writeString(WORK.resolve("status.txt"), text);
        if (Boolean.getBoolean("mailpipe.docScreenshots")) {
            Path html = Files.writeString(WORK.resolve("status.html"), "<!DOCTYPE html><html><body style=\"margin:0;background:#1e1e1e\">"
                    + "<pre style=\"color:#e0e0e0;font:13px monospace;padding:14px;margin:0\">$ ./mailpipe status\n"
                    + ReportHtml.esc(text) + "</pre></body></html>");
            Chromium.require(WORK).screenshot(html, Path.of("docs/status.png"), 1250, 420);
        }
    }

    @Test
    @Order(3)
    void reportRendersInARealBrowserWithEveryChart() throws Exception {
        Path html = WORK.resolve("report.html");
        assertThat(cli("report", "--config", cliConfig.toString(), "--campaign", CAMPAIGN, "--from", "1h", "--out", html.toString()))
                .contains("wrote " + html);
        String source = Files.readString(html);
        assertThat(source).doesNotContain("<script", "http://", "https://", "@import", "url(")
                .as("self-contained").contains("<svg");

        Chromium chromium = Chromium.require(WORK);
        String dom = chromium.dumpDom(html);
        for (String chart : List.of("chart-outcomes", "chart-hourly", "chart-reasons", "chart-domains")) {
            assertThat(dom).as(chart).containsPattern("<svg[^>]*id=\"" + chart + "\"");
        }
        assertThat(barCounts(dom, "chart-outcomes")).containsExactly(4L, 0L, 1L, 1L, 0L, 0L, 0L);
        assertThat(barCounts(dom, "chart-hourly").stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
        assertThat(dom).contains("hard: userunknown", "complaint: abuse", "example.org");

        Path png = chromium.screenshot(html, WORK.resolve("report.png"), 1100, 1500);
        Chromium.Pixels pixels = Chromium.pixels(png);
        assertThat(pixels.nonWhite()).as("share of drawn pixels").isGreaterThan(0.03);
        assertThat(pixels.colours()).as("colours of text and bars").isGreaterThan(20);
        if (Boolean.getBoolean("mailpipe.docScreenshots")) {
            Files.copy(png, Path.of("docs/report.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The rule file with {@code for:} at 0s and the 15-minute and one-hour windows at 2 minutes (see docs/operations.md). */
    static Path shortRules(Path rules, Path out) throws Exception {
        String text = Files.readString(rules)
                .replaceAll("for: \\d+m", "for: 0s")
                .replace("[1h]", "[2m]").replace("[15m]", "[2m]").replace("[5m:1m]", "[1m:5s]");
        return Files.writeString(out, text);
    }

    /** The dashboard's queries and the rules' expressions. */
    static final class PromRules {
        static final Path DOCS = Path.of("docs/prometheus/mailpipe-rules.yml");

        static List<String> panelQueries() throws Exception {
            List<String> out = new ArrayList<>();
            for (JsonNode p : new ObjectMapper().readTree(Path.of("docs/grafana/mailpipe-dashboard.json").toFile()).path("panels")) {
                p.path("targets").forEach(t -> out.add(t.path("expr").asText()));
            }
            return out;
        }

        /**
         * Each alert's expression with its final threshold taken off (an alert that does not fire returns nothing, but
         * what it compares must have series); for expressions joined with {@code and}, each side.
         */
        static List<String> alertOperands(Path rules) throws Exception {
            List<String> out = new ArrayList<>();
            for (JsonNode g : new YAMLMapper().readTree(rules.toFile()).path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    String expr = r.path("expr").asText().trim().replaceAll("\\s+", " ");
                    for (String side : expr.split(" and on \\(pool\\) ")) {
                        Matcher vectors = Pattern.compile("^\\((.*) (>=|>) (.*)\\)$").matcher(side);
                        if (vectors.matches()) {
                            out.add(vectors.group(1));
                            out.add(vectors.group(3));
                        } else {
                            out.add(side.replaceAll("\\s*(==|>=|<=|>|<)\\s*[0-9.]+$", ""));
                        }
                    }
                }
            }
            return out;
        }

        /** Grafana's variables as the test's one-second scrapes need them. */
        static String forTest(String query) {
            return query.replace("$__rate_interval", "1m");
        }
    }

    private static Set<String> firing(PrometheusServer prometheus) throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonNode a : prometheus.alerts()) {
            if ("firing".equals(a.path("state").asText())) {
                names.add(a.path("labels").path("alertname").asText());
            }
        }
        return names;
    }

    private static String labelOf(JsonNode alerts, String alert, String label) {
        for (JsonNode a : alerts) {
            if (alert.equals(a.path("labels").path("alertname").asText())) {
                return a.path("labels").path(label).asText();
            }
        }
        return null;
    }

    private static List<Long> barCounts(String dom, String chart) {
        Matcher svg = Pattern.compile("<svg[^>]*id=\"" + chart + "\".*?</svg>", Pattern.DOTALL).matcher(dom);
        assertThat(svg.find()).isTrue();
        List<Long> counts = new ArrayList<>();
        Matcher bar = Pattern.compile("<rect class=\"bar\"[^>]*data-count=\"(\\d+)\"").matcher(svg.group());
        while (bar.find()) {
            counts.add(Long.parseLong(bar.group(1)));
        }
        return counts;
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = MailpipeCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        assertThat(exit).as("exit of %s; stderr: %s", List.of(args), err).isZero();
        assertThat(err.toString()).as("stderr stays clean").isEmpty();
        return out.toString();
    }

    private static String request(String id, String account, String to) {
        return """
                {"id":"%s","to":["%s"],"subject":"s","text":"t","account":"%s","campaign":"%s"}""".formatted(id, to, account, CAMPAIGN);
    }

    private static List<OutcomeEvent> sentByAlpha() {
        return pipeline.outcomes.outcomes().stream().filter(e -> e.status() == Status.SENT && "alpha".equals(e.account())).toList();
    }

    private static List<BounceEvent> bounceEvents() {
        return bounces.records().stream().map(r -> InboxJson.readEvent(r.value())).filter(e -> "alpha".equals(e.account())).toList();
    }

    /** An ARF abuse report (RFC 5965) quoting the original message. */
    static byte[] complaint(String messageId) {
        String text = """
                From: Feedback Loop <fbl@isp.example>
                To: bounces@sandbox.test
                Subject: Abuse report
                Message-ID: <fbl-%1$s>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="fbl"

                --fbl
                Content-Type: text/plain

                This is an email abuse report.

                --fbl
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: isp-fbl/1.0
                Version: 1
                Original-Mail-From: alpha@alpha.example
                Original-Rcpt-To: reader2@example.org
                Arrival-Date: Thu, 1 Jan 2026 00:00:00 +0000

                --fbl
                Content-Type: message/rfc822

                From: alpha@alpha.example
                To: reader2@example.org
                Subject: News
                Message-ID: <%1$s>

                t
                --fbl--
                """.formatted(messageId.replaceAll("^<|>$", ""));
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
