package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.QuotaSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Issue 13 through Kafka and real SMTP servers with scripted replies: providers that push back in words no rule
 * knows, an account judged by its behaviour, one cool-down step per throttle, quota used only by what the provider
 * took, and outcomes that say where a message was refused before it went out.
 */
class ProviderPushbackIT {

    static final String THROTTLE = "5.7.1 Sorry, we cannot accept mail from this account right now";
    static final String SPAM = "5.7.1 Spam message rejected; If this is not spam contact abuse at rambler-co.ru";

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    <T extends AutoCloseable> T open(T c) {
        open.add(c);
        return c;
    }

    static String request(String id) {
        return "{\"id\":\"" + id + "\",\"to\":[\"r-" + id + "@example.org\"],\"subject\":\"s " + id + "\",\"text\":\"t\"}";
    }

    /** Windows of minutes (nothing ages out during a test); the default cool-down (30 s) outlasts the test. */
    static MailpipeConfig windows(MailpipeConfig config) {
        return config.withQuota(new QuotaSettings(20, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(300),
                Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofDays(1), Duration.ofSeconds(30), Duration.ofMinutes(30)));
    }

    /** The cool-downs announced on mail.quota, by account. */
    static Map<String, Long> cooldowns(KafkaIO.Collector quota) {
        return quota.records().stream().map(r -> QuotaJson.read(r.value()))
                .filter(r -> r instanceof QuotaRecord.Cooldown).collect(Collectors.groupingBy(QuotaRecord::account,
                        Collectors.counting()));
    }

    static List<QuotaRecord.Learned> learned(KafkaIO.Collector quota) {
        return quota.records().stream().map(r -> QuotaJson.read(r.value())).filter(r -> r instanceof QuotaRecord.Learned)
                .map(r -> (QuotaRecord.Learned) r).toList();
    }

    @Test
    void aThrottleInUnknownWordsAndASpamVerdictMoveEveryMessageToTheAccountThatTakesIt() {
        ScriptedSmtpServer first = open(new ScriptedSmtpServer()).refuseSendersAfter(3, 553, THROTTLE);
        ScriptedSmtpServer second = open(new ScriptedSmtpServer()).refuseAllData(550, SPAM);
        ScriptedSmtpServer third = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("first", first.port(), "first@first.example", false, new Limits(100, 1000)),
                TestWorkers.account("second", second.port(), "second@second.example", false, new Limits(100, 1000)),
                TestWorkers.account("third", third.port(), "third@third.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("pushback-30", accounts, ProviderPushbackIT::windows));
        KafkaIO.Collector quota = open(new KafkaIO.Collector(p.topics.quota()));
        List<String> ids = QuotaRoutingIT.ids("p", 30);
        ids.forEach(id -> p.send(id, request(id)));

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> p.outcomesFor(id).stream()
                .anyMatch(e -> e.status().isTerminal())));

        List<OutcomeEvent> terminal = ids.stream().map(id -> p.outcomesFor(id).stream().filter(e -> e.status().isTerminal())
                .findFirst().orElseThrow()).toList();
        assertThat(terminal).as("every request SENT, none FAILED").allSatisfy(e -> assertThat(e.status()).isEqualTo(Status.SENT));
        assertThat(first.received()).as("the first account took its 3 before it pushed back").hasSize(3);
        assertThat(second.received()).isEmpty();
        assertThat(third.received()).hasSize(27);
        assertThat(ids.stream().flatMap(id -> p.outcomesFor(id).stream())).as("no message waited: it moved at once")
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(Status.SENT));
        Map<String, Long> byAccount = terminal.stream().collect(Collectors.groupingBy(OutcomeEvent::account, Collectors.counting()));
        assertThat(byAccount).isEqualTo(Map.of("first", 3L, "third", 27L));

        // every refusal is in the outcome of the message it refused: where, why, and that the account was blamed
        List<OutcomeEvent.Failover> moves = terminal.stream().filter(e -> e.failovers() != null)
                .flatMap(e -> e.failovers().stream()).toList();
        assertThat(moves).allSatisfy(f -> {
            assertThat(f.scope()).isEqualTo("account");
            assertThat(f.attempt()).isEqualTo(1);
            if (f.account().equals("first")) {
                assertThat(f.reasonCode()).isEqualTo("account_refused");
                assertThat(f.smtp().code()).isEqualTo(553);
            } else {
                assertThat(f.account()).isEqualTo("second");
                assertThat(f.reasonCode()).isEqualTo("account_blocked");
                assertThat(f.smtp().code()).isEqualTo(550);
            }
        });
        assertThat(moves.stream().filter(f -> f.account().equals("first")).count()).isEqualTo(first.refusedSenders())
                .isPositive();
        assertThat(moves.stream().filter(f -> f.account().equals("second")).count()).isEqualTo(second.refusedData())
                .isPositive();
        assertThat(terminal.stream().filter(e -> e.account().equals("first"))).allSatisfy(e -> assertThat(e.failovers()).isNull());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(cooldowns(quota)).as("each pushing account cools down once: one throttle, one step")
                        .isEqualTo(Map.of("first", 1L, "second", 1L)));
        // the first account's windows held its 3 accepted messages when it pushed back; refused attempts were not counted
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(learned(quota)).singleElement().satisfies(l -> {
            assertThat(l.account()).isEqualTo("first");
            assertThat(l.perHour()).isEqualTo(3);
            assertThat(l.perDay()).as("the hour explains it").isNull();
            assertThat(l.source()).isEqualTo(QuotaRecord.LearnSource.PUSHBACK);
            assertThat(l.reply()).contains("553").contains("cannot accept mail from this account");
        }));
        System.out.printf("ProviderPushbackIT: 30 requests -> %s; refused by first %d (MAIL FROM 553), by second %d (DATA"
                        + " 550 spam); cool-downs %s; learned %s%n", byAccount, first.refusedSenders(), second.refusedData(),
                cooldowns(quota), learned(quota).stream().map(l -> l.account() + " perHour=" + l.perHour() + " perDay="
                        + l.perDay()).toList());
        assertThat(quotaUsed(p, "first", "hour")).as("quota used = what the provider took").isEqualTo(3);
        assertThat(quotaUsed(p, "second", "day")).as("the spam refusals used none").isZero();
        assertThat(quotaLimit(p, "first", "hour", "effective")).as("the learned limit applies").isEqualTo(3);
        assertThat(quotaLimit(p, "first", "hour", "configured")).isEqualTo(100);
    }

    static double quotaUsed(RunningPipeline p, String account, String window) {
        return p.worker.metrics().registry().get(io.mailpipe.metrics.MailpipeMetrics.QUOTA_USED)
                .tags("account", account, "window", window).gauge().value();
    }

    static double quotaLimit(RunningPipeline p, String account, String window, String kind) {
        return p.worker.metrics().registry().get(io.mailpipe.metrics.MailpipeMetrics.QUOTA_LIMIT)
                .tags("account", account, "window", window, "kind", kind).gauge().value();
    }

    @Test
    void aMessageRefusedByTwoAccountsForReasonsNoRuleExplainsFailsOnceAndGoesNoFurther() {
        // each server refuses only the bad message's content, in words no rule knows; everything else is accepted
        ScriptedSmtpServer a = open(new ScriptedSmtpServer());
        ScriptedSmtpServer b = open(new ScriptedSmtpServer());
        ScriptedSmtpServer c = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", a.port(), "a@a.example", false, null),
                TestWorkers.account("b", b.port(), "b@b.example", false, null),
                TestWorkers.account("c", c.port(), "c@c.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("pushback-message", accounts, ProviderPushbackIT::windows));
        a.nextDataReply(554, "5.7.1 Delivery not authorized, message refused");
        b.nextDataReply(554, "5.7.1 Delivery not authorized, message refused");

        p.send("bad", request("bad"));
        List<OutcomeEvent> events = p.awaitTerminal("bad");

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.FAILED);
            assertThat(e.reasonCode()).isEqualTo("message_rejected");
            assertThat(e.account()).isEqualTo("b");
            assertThat(e.reason()).contains("by account 'a' too");
            assertThat(e.failovers()).singleElement().satisfies(f -> {
                assertThat(f.account()).isEqualTo("a");
                assertThat(f.scope()).isEqualTo("unexplained");
                assertThat(f.smtp().code()).isEqualTo(554);
            });
        });
        assertThat(c.received()).as("two refusals are enough: the message is not bounced around").isEmpty();
        // neither account was blamed: the next message goes through the first one
        p.send("good", request("good"));
        assertThat(p.awaitTerminal("good")).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.SENT);
            assertThat(e.account()).isEqualTo("a");
        });
    }

    @Test
    void aRefusalNoRuleKnowsIsJudgedByBehaviourAndNothingFails() {
        ScriptedSmtpServer a = open(new ScriptedSmtpServer()).refuseAllData(554, "5.7.0 Message not accepted for policy reasons");
        ScriptedSmtpServer b = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", a.port(), "a@a.example", false, new Limits(100, 1000)),
                TestWorkers.account("b", b.port(), "b@b.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("pushback-unknown", accounts, ProviderPushbackIT::windows));
        KafkaIO.Collector quota = open(new KafkaIO.Collector(p.topics.quota()));
        List<String> ids = QuotaRoutingIT.ids("u", 12);
        ids.forEach(id -> p.send(id, request(id)));

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> p.outcomesFor(id).stream()
                .anyMatch(e -> e.status().isTerminal())));

        List<OutcomeEvent> events = ids.stream().flatMap(id -> p.outcomesFor(id).stream()).toList();
        assertThat(events).as("one SENT each through b, nothing FAILED or deferred").hasSize(12)
                .allSatisfy(e -> {
                    assertThat(e.status()).isEqualTo(Status.SENT);
                    assertThat(e.account()).isEqualTo("b");
                });
        List<OutcomeEvent.Failover> moves = events.stream().filter(e -> e.failovers() != null)
                .flatMap(e -> e.failovers().stream()).toList();
        assertThat(moves).hasSize(a.refusedData());
        assertThat(a.refusedData()).as("a was tried until behaviour blamed it").isGreaterThanOrEqualTo(3);
        assertThat(moves).as("refusals before the streak blamed nobody; from the third different message on, the account")
                .allSatisfy(f -> assertThat(f.scope().equals("unexplained") && f.reasonCode().equals("message_rejected")
                        || f.scope().equals("account") && f.reasonCode().equals("account_refused")).isTrue())
                .anySatisfy(f -> assertThat(f.scope()).isEqualTo("account"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(cooldowns(quota)).isEqualTo(Map.of("a", 1L)));
        assertThat(learned(quota)).as("a had sent nothing: no limit to learn").isEmpty();
    }

    @Test
    void aBurstOfRefusalsInFlightIsOneStepAndTheNextStepNeedsANewRefusalAfterTheCoolDown() {
        ScriptedSmtpServer a = open(new ScriptedSmtpServer()).refuseSendersAfter(0, 550, "5.7.1 Rate limit exceeded for this account")
                .slowSenderRefusal(Duration.ofMillis(400));
        ScriptedSmtpServer b = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", a.port(), "a@a.example", false, null),
                TestWorkers.account("b", b.port(), "b@b.example", false, null));
        Duration coolDown = Duration.ofSeconds(2);
        // the requests wait on the topic before the worker starts: its first batch sends many at once
        io.mailpipe.config.KafkaSettings.Topics topics = TestWorkers.topics("pushback-burst");
        MailpipeConfig config = TestWorkers.config(topics, accounts).withQuota(new QuotaSettings(20, Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofDays(1),
                coolDown, Duration.ofMinutes(30)));
        KafkaIO kafka = open(new KafkaIO());
        List<String> ids = QuotaRoutingIT.ids("burst", 30);
        ids.forEach(id -> kafka.send(topics.requests(), id, request(id)));
        RunningPipeline p = open(RunningPipeline.restart(topics, accounts, c -> config));
        KafkaIO.Collector quota = open(new KafkaIO.Collector(p.topics.quota()));

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> p.outcomesFor(id).stream()
                .anyMatch(e -> e.status() == Status.SENT)));
        int burst = a.refusedSenders();
        assertThat(burst).as("several sends were in flight when a pushed back").isGreaterThanOrEqualTo(4);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cooldowns(quota)).isEqualTo(Map.of("a", 1L)));
        List<ConsumerRecord<byte[], byte[]>> first = cooldownRecords(quota);
        assertThat(cooledFor(first.get(0))).as("the first step").isEqualTo(coolDown);

        // after the cool-down, a is tried again and refuses again: now the second step (twice as long)
        await().atMost(coolDown.plusSeconds(5)).until(() -> p.worker.metrics().registry()
                .get(io.mailpipe.metrics.MailpipeMetrics.ACCOUNT_HEALTH).tags("account", "a", "state", "HEALTHY").gauge()
                .value() == 1);
        p.send("later", request("later"));
        assertThat(p.awaitTerminal("later")).singleElement().satisfies(e -> {
            assertThat(e.account()).isEqualTo("b");
            assertThat(e.failovers()).singleElement().satisfies(f -> assertThat(f.reasonCode()).isEqualTo("rate_limited"));
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cooldownRecords(quota)).hasSize(2));
        assertThat(cooledFor(cooldownRecords(quota).get(1))).isEqualTo(coolDown.multipliedBy(2));
    }

    @Test
    void refusedConnectionsUseNoQuota() {
        int nobody = ScriptedSmtpServer.freePort();
        ScriptedSmtpServer b = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("down", nobody, "d@d.example", false, new Limits(1000, 10000)),
                TestWorkers.account("b", b.port(), "b@b.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("pushback-down", accounts, ProviderPushbackIT::windows));
        List<String> ids = QuotaRoutingIT.ids("down", 6);
        ids.forEach(id -> p.send(id, request(id)));

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> p.outcomesFor(id).stream()
                .anyMatch(e -> e.status() == Status.SENT)));

        assertThat(ids.stream().flatMap(id -> p.outcomesFor(id).stream()).filter(e -> e.failovers() != null)
                .flatMap(e -> e.failovers().stream())).isNotEmpty()
                .allSatisfy(f -> assertThat(f.reasonCode()).isEqualTo("connection_failed"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(quotaUsed(p, "down", "hour")).as("nothing reached the provider: nothing counted").isZero());
    }

    @Test
    void aContentRefusalFailsAtTheFirstAccountAndMovesNowhere() {
        ScriptedSmtpServer a = open(new ScriptedSmtpServer());
        ScriptedSmtpServer b = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", a.port(), "a@a.example", false, null),
                TestWorkers.account("b", b.port(), "b@b.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("pushback-content", accounts, ProviderPushbackIT::windows));
        a.nextDataReply(552, "5.3.4 Message size exceeds fixed limit");

        p.send("big", request("big"));

        assertThat(p.awaitTerminal("big")).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.FAILED);
            assertThat(e.reasonCode()).isEqualTo("message_rejected");
            assertThat(e.account()).isEqualTo("a");
            assertThat(e.failovers()).isNull();
        });
        assertThat(b.received()).isEmpty();
    }

    @Test
    void aLearnedLimitIsSharedByTwoWorkersAndShownByTheQuotaCommand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ScriptedSmtpServer a = open(new ScriptedSmtpServer())
                .refuseSendersAfter(4, 451, "4.7.1 Rate limit exceeded for this account, try again later");
        ScriptedSmtpServer b = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", a.port(), "a@a.example", false, new Limits(100, 1000)),
                TestWorkers.account("b", b.port(), "b@b.example", false, null));
        io.mailpipe.config.KafkaSettings.Topics topics = TestWorkers.topics("pushback-learn");
        MailpipeConfig config = windows(TestWorkers.config(topics, accounts));
        io.mailpipe.worker.Worker one = open(io.mailpipe.worker.Worker.start(config));
        io.mailpipe.worker.Worker two = open(io.mailpipe.worker.Worker.start(config));
        KafkaIO kafka = open(new KafkaIO());
        KafkaIO.Collector outcomes = open(new KafkaIO.Collector(topics.outcomes()));
        KafkaIO.Collector quota = open(new KafkaIO.Collector(topics.quota()));
        List<String> ids = QuotaRoutingIT.ids("learn", 16);
        ids.forEach(id -> kafka.send(topics.requests(), id, request(id)));

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> outcomes.outcomesFor(id).stream()
                .anyMatch(e -> e.status() == Status.SENT)));
        assertThat(a.received()).hasSize(4);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(learned(quota)).isNotEmpty().allSatisfy(l -> {
                assertThat(l.perHour()).isEqualTo(4);
                assertThat(l.perDay()).isNull();
            });
            for (io.mailpipe.worker.Worker w : List.of(one, two)) {
                assertThat(w.metrics().registry().get(io.mailpipe.metrics.MailpipeMetrics.QUOTA_LIMIT)
                        .tags("account", "a", "window", "hour", "kind", "effective").gauge().value())
                        .as("every worker decides with the learned limit").isEqualTo(4);
            }
        });

        java.nio.file.Path file = dir.resolve("mailpipe.yaml");
        java.nio.file.Files.writeString(file, TestWorkers.kafkaYaml(topics) + """
                accounts:
                  - {name: a, host: 127.0.0.1, port: %d, security: none, from: a@a.example, limits: {perHour: 100, perDay: 1000}}
                  - {name: b, host: 127.0.0.1, port: %d, security: none, from: b@b.example}
                """.formatted(a.port(), b.port()));
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new io.mailpipe.cli.MailpipeCli());
        cli.setOut(new java.io.PrintWriter(out));
        assertThat(cli.execute("quota", "--config", file.toString())).isZero();
        assertThat(out.toString()).containsPattern("a\\s+4/100 \\(learned 4\\)\\s+4/1000\\s")
                .contains("learned from: 451 4.7.1 Rate limit exceeded for this account");

        java.io.StringWriter json = new java.io.StringWriter();
        picocli.CommandLine status = new picocli.CommandLine(new io.mailpipe.cli.MailpipeCli());
        status.setOut(new java.io.PrintWriter(json));
        assertThat(status.execute("status", "--config", file.toString(), "--json")).isZero();
        com.fasterxml.jackson.databind.JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toString())
                .path("accounts").get(0);
        assertThat(row.path("account").asText()).isEqualTo("a");
        assertThat(row.path("learnedPerHour").asInt()).as("mailpipe status shows it too").isEqualTo(4);
        assertThat(row.path("perHour").asInt()).isEqualTo(100);
    }

    static List<ConsumerRecord<byte[], byte[]>> cooldownRecords(KafkaIO.Collector quota) {
        return quota.records().stream().filter(r -> QuotaJson.read(r.value()) instanceof QuotaRecord.Cooldown).toList();
    }

    /** How long a cool-down record asked the others to leave the account alone, to the second. */
    static Duration cooledFor(ConsumerRecord<byte[], byte[]> record) {
        QuotaRecord.Cooldown c = (QuotaRecord.Cooldown) QuotaJson.read(record.value());
        long ms = c.until().toEpochMilli() - record.timestamp();
        return Duration.ofSeconds(Math.round(ms / 1000.0));
    }
}
