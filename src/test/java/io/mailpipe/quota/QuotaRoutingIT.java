package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
import io.mailpipe.testing.SendWindows;
import io.mailpipe.testing.TestWorkers;

/**
 * The quota router end to end through Kafka and SMTP with one worker: accounts filled in order, the rest waiting
 * with consumption paused and going out on their own when the window frees up; pinned mail waiting only for its
 * account; failover on account-level failures. Windows are shortened to seconds by configuration.
 */
class QuotaRoutingIT {

    static final Duration WINDOW = Duration.ofSeconds(8);

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static MailpipeConfig shortWindows(MailpipeConfig config) {
        return config.withQuota(new QuotaSettings(20, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(300),
                Duration.ofSeconds(1), WINDOW, Duration.ofDays(1), Duration.ofSeconds(30), Duration.ofMinutes(5)));
    }

    <T extends AutoCloseable> T open(T c) {
        open.add(c);
        return c;
    }

    static String request(String id, String extra) {
        return "{\"id\":\"" + id + "\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"" + extra + "}";
    }

    static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }

    @Test
    void fillsTheAccountsInOrderThenWaitsForTheWindowAndSendsTheRestByItself() {
        ScriptedSmtpServer smtp = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", smtp.port(), "a@a.example", false, new Limits(5, null)),
                TestWorkers.account("b", smtp.port(), "b@b.example", false, new Limits(5, null)),
                TestWorkers.account("c", smtp.port(), "c@c.example", false, new Limits(5, null)));
        // one sending thread: the order in which the server receives the messages is then the order in which the
        // router chose their accounts (with parallel sends, a later send can overtake an earlier one on the wire)
        RunningPipeline p = open(RunningPipeline.start("quota-order", accounts, c -> shortWindows(c)
                .withWorker(new io.mailpipe.config.WorkerSettings(null, null, null, null, 1))));
        KafkaIO.Collector retries = open(new KafkaIO.Collector(p.topics.retry()));
        List<String> ids = ids("q", 20);
        ids.forEach(id -> p.send(id, request(id, "")));

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() >= 15);
        List<ScriptedSmtpServer.Received> first = smtp.received().subList(0, 15);
        assertThat(first).extracting(ScriptedSmtpServer.Received::mailFrom).containsExactly(
                "a@a.example", "a@a.example", "a@a.example", "a@a.example", "a@a.example",
                "b@b.example", "b@b.example", "b@b.example", "b@b.example", "b@b.example",
                "c@c.example", "c@c.example", "c@c.example", "c@c.example", "c@c.example");

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> p.outcomesFor(id).stream()
                .anyMatch(e -> e.status() == Status.SENT)));
        List<ScriptedSmtpServer.Received> all = smtp.received();
        assertThat(all).hasSize(20);
        assertThat(all.stream().map(ScriptedSmtpServer.Received::requestId).distinct()).as("nothing sent twice").hasSize(20);
        for (String from : List.of("a@a.example", "b@b.example", "c@c.example")) {
            SendWindows.assertHold(all.stream().filter(r -> r.mailFrom().equals(from)).toList(), 5, WINDOW);
        }
        ScriptedSmtpServer.Received sixthThroughA = all.stream().filter(r -> r.mailFrom().equals("a@a.example")).skip(5)
                .findFirst().orElseThrow();
        assertThat(Duration.between(first.get(0).at(), sixthThroughA.at())).as("the 16th mail waited for a's window")
                .isGreaterThanOrEqualTo(WINDOW);
        List<OutcomeEvent> events = ids.stream().flatMap(id -> p.outcomesFor(id).stream()).toList();
        assertThat(events).as("waiting mail gets no outcome and is not re-published").allMatch(e -> e.status() == Status.SENT);
        assertThat(retries.records()).isEmpty();
    }

    @Test
    void pinnedMailWaitsOnlyForItsAccount() {
        ScriptedSmtpServer smtp = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", smtp.port(), "a@a.example", false, new Limits(2, null)),
                TestWorkers.account("b", smtp.port(), "b@b.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("quota-pinned", accounts, QuotaRoutingIT::shortWindows));
        List<String> pinned = ids("pin", 3);
        List<String> free = ids("free", 6);
        pinned.forEach(id -> p.send(id, request(id, ",\"account\":\"a\"")));
        free.forEach(id -> p.send(id, request(id, "")));

        await().atMost(Duration.ofSeconds(30)).until(() -> free.stream().allMatch(id -> sent(p, id)));
        long pinnedSentSoFar = pinned.stream().filter(id -> sent(p, id)).count();
        assertThat(pinnedSentSoFar).as("a allows 2 per window").isLessThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(40)).until(() -> pinned.stream().allMatch(id -> sent(p, id)));

        List<ScriptedSmtpServer.Received> all = smtp.received();
        Map<String, String> accountOf = all.stream().collect(Collectors.toMap(ScriptedSmtpServer.Received::requestId,
                ScriptedSmtpServer.Received::mailFrom));
        pinned.forEach(id -> assertThat(accountOf.get(id)).isEqualTo("a@a.example"));
        SendWindows.assertHold(all.stream().filter(r -> r.mailFrom().equals("a@a.example")).toList(), 2, WINDOW);
        assertThat(pinned.stream().flatMap(id -> p.outcomesFor(id).stream()).filter(e -> e.status() == Status.DEFERRED))
                .as("the pinned mail that waited was deferred for its account")
                .allMatch(e -> e.reasonCode().equals("accounts_at_limit") && e.attempt() == 1);
    }

    @Test
    void aLoginRefusedDisablesTheAccountAndItsMailGoesThroughTheNext() {
        ScriptedSmtpServer refusing = open(ScriptedSmtpServer.withLogin("a", "right"));
        ScriptedSmtpServer smtp = open(new ScriptedSmtpServer());
        Account a = new Account("a", "127.0.0.1", refusing.port(), io.mailpipe.account.Security.NONE, "a", "wrong",
                "a@a.example", false, Limits.NONE, null, null, Duration.ofSeconds(10));
        List<Account> accounts = List.of(a, TestWorkers.account("b", smtp.port(), "b@b.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("quota-auth", accounts, QuotaRoutingIT::shortWindows));
        List<String> ids = ids("auth", 5);
        ids.forEach(id -> p.send(id, request(id, "")));

        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> sent(p, id)));

        assertThat(ids.stream().flatMap(id -> p.outcomesFor(id).stream()))
                .as("nothing FAILED or DEFERRED: the account's problem is not the message's")
                .allSatisfy(e -> {
                    assertThat(e.status()).isEqualTo(Status.SENT);
                    assertThat(e.account()).isEqualTo("b");
                    assertThat(e.attempt()).isEqualTo(1);
                });
        assertThat(refusing.received()).isEmpty();
        assertThat(smtp.received()).hasSize(5);
    }

    @Test
    void aSpamRejectionCoolsTheAccountDownAndTheMessageGoesThroughTheNext() {
        ScriptedSmtpServer spamming = open(new ScriptedSmtpServer());
        spamming.nextDataReply(550, "5.7.1 Spam message rejected");
        ScriptedSmtpServer smtp = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", spamming.port(), "a@a.example", false, null),
                TestWorkers.account("b", smtp.port(), "b@b.example", false, null));
        RunningPipeline p = open(RunningPipeline.start("quota-spam", accounts, QuotaRoutingIT::shortWindows));

        p.send("spam-1", request("spam-1", ""));
        List<OutcomeEvent> first = p.awaitTerminal("spam-1");
        p.send("spam-2", request("spam-2", ""));
        List<OutcomeEvent> second = p.awaitTerminal("spam-2");

        assertThat(first).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.SENT);
            assertThat(e.account()).isEqualTo("b");
        });
        assertThat(second).singleElement().satisfies(e -> assertThat(e.account()).as("a is cooling down").isEqualTo("b"));
        assertThat(spamming.received()).isEmpty();
    }

    @Test
    void aCoolDownIsSharedWithTheOtherWorkers() throws Exception {
        ScriptedSmtpServer spamming = open(new ScriptedSmtpServer());
        spamming.nextDataReply(550, "5.7.1 Spam message rejected"); // once: afterwards a would accept again
        ScriptedSmtpServer smtp = open(new ScriptedSmtpServer());
        List<Account> accounts = List.of(
                TestWorkers.account("a", spamming.port(), "a@a.example", false, null),
                TestWorkers.account("b", smtp.port(), "b@b.example", false, null));
        io.mailpipe.config.KafkaSettings.Topics topics = TestWorkers.topics("quota-shared");
        MailpipeConfig config = shortWindows(TestWorkers.config(topics, accounts));
        List<io.mailpipe.worker.Worker> workers = new ArrayList<>(List.of(io.mailpipe.worker.Worker.start(config),
                io.mailpipe.worker.Worker.start(config)));
        workers.forEach(this::open);
        KafkaIO kafka = open(new KafkaIO());
        KafkaIO.Collector outcomes = open(new KafkaIO.Collector(topics.outcomes()));

        kafka.send(topics.requests(), "first", request("first", ""));
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.outcomesFor("first").stream()
                .anyMatch(e -> e.status() == Status.SENT));
        // the worker that met the spam refusal goes; the other one only heard of it through mail.quota
        io.mailpipe.worker.Worker saw = workers.stream().filter(w -> sentThrough(w, "b") > 0).findFirst().orElseThrow();
        saw.close();
        List<String> ids = ids("after", 8);
        ids.forEach(id -> kafka.send(topics.requests(), id, request(id, "")));
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> outcomes.outcomesFor(id).stream()
                .anyMatch(e -> e.status() == Status.SENT)));

        assertThat(outcomes.outcomes()).extracting(OutcomeEvent::account).containsOnly("b");
        assertThat(spamming.received()).as("the other worker left a alone while it cools down").isEmpty();
    }

    private static double sentThrough(io.mailpipe.worker.Worker worker, String account) {
        return worker.metrics().registry().find(io.mailpipe.metrics.MailpipeMetrics.MESSAGES).tag("account", account)
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static boolean sent(RunningPipeline p, String id) {
        return p.outcomesFor(id).stream().anyMatch(e -> e.status() == Status.SENT);
    }
}
