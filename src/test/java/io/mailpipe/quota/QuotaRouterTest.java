package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountHealth;
import io.mailpipe.account.AccountSelector;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.config.QuotaSettings;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.testing.MutableClock;

/** {@link QuotaRouter} over an in-memory ledger: order, failover, hand-back, health, and several workers at once. */
class QuotaRouterTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");
    static final QuotaSettings SETTINGS = QuotaSettings.defaults();

    final MutableClock clock = new MutableClock(T0);
    final InMemoryQuotaLedger.Log log = new InMemoryQuotaLedger.Log(clock);

    static Account account(String name, Limits limits) {
        return new Account(name, "smtp." + name + ".example", 465, Security.SSL, name, "pw", name + "@" + name + ".example",
                false, limits, null, null, Duration.ofSeconds(30));
    }

    QuotaRouter router(String worker, Account... accounts) {
        return router(worker, 1, accounts);
    }

    QuotaRouter router(String worker, int sessions, Account... accounts) {
        Map<String, Limits> limits = new HashMap<>();
        for (Account a : accounts) {
            limits.put(a.name(), a.limits());
        }
        QuotaBook book = new QuotaBook(worker, SETTINGS.hourWindow(), SETTINGS.dayWindow(), limits);
        return new QuotaRouter(log.join(book), new AccountHealth(SETTINGS.coolDown(), SETTINGS.maxCoolDown(), clock), SETTINGS,
                worker, sessions, clock, false);
    }

    static SendFailure accountFailure(ReasonCode reason) {
        return new SendFailure(reason, null, List.of(), "test", SendFailure.Scope.ACCOUNT);
    }

    /** Takes and sends n times; returns the account names used. */
    static List<String> sendMany(QuotaRouter router, List<Account> candidates, int n) {
        List<String> used = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AccountSelector.Selection s = router.acquire(candidates, Duration.ZERO);
            if (!s.found()) {
                break;
            }
            used.add(s.account().name());
            s.ticket().sent(null);
        }
        return used;
    }

    @Test
    void fillsTheAccountsInOrderThenSaysWhenRoomComesBack() {
        Account a = account("a", new Limits(5, null));
        Account b = account("b", new Limits(5, null));
        Account c = account("c", new Limits(5, null));
        QuotaRouter router = router("w1", a, b, c);

        List<String> used = sendMany(router, List.of(a, b, c), 20);

        assertThat(used).containsExactly("a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "c", "c", "c", "c", "c");
        AccountSelector.Selection none = router.acquire(List.of(a, b, c), Duration.ZERO);
        assertThat(none.found()).isFalse();
        assertThat(none.why()).isEqualTo(AccountSelector.NoRoom.AT_LIMIT);
        assertThat(none.retryAt()).as("used-up leases are handed back at once: the hour counts from then")
                .isEqualTo(T0.plus(Duration.ofHours(1)));

        clock.set(T0.plus(Duration.ofHours(1)));
        assertThat(sendMany(router, List.of(a, b, c), 2)).containsExactly("a", "a");
    }

    @Test
    void aSendMayNotStartUnderALeaseThatRanOutWhileTheMessageWasPrepared() throws InterruptedException {
        Account a = account("a", new Limits(30, null));
        QuotaRouter router = router("w1", 2, a);

        AccountSelector.Ticket early = router.acquire(List.of(a), Duration.ZERO).ticket();
        assertThat(early.readyToSend()).isTrue();
        AccountSelector.Ticket late = router.acquire(List.of(a), Duration.ZERO).ticket();
        clock.advance(SETTINGS.leaseTtl());

        assertThat(late.readyToSend()).as("the cluster stops counting the lease after ttl + sendGrace").isFalse();
        late.giveBack();
        early.sent(null);
        AccountSelector.Ticket fresh = router.acquire(List.of(a), Duration.ZERO).ticket();
        assertThat(fresh.readyToSend()).as("a new lease").isTrue();
    }

    /** The sizes the router asked for, in order. */
    List<Integer> askedLeaseSizes() {
        return log.records().stream().filter(r -> r instanceof QuotaRecord.Reserve)
                .map(r -> ((QuotaRecord.Reserve) r).sends()).toList();
    }

    @Test
    void leasesUsedUpQuicklyGrowUpToTheCapAndShrinkWhenTheyGoUnused() {
        Account a = account("a", new Limits(100_000, null)); // a twentieth: 5,000; maxLeaseSize 500 is lower
        QuotaRouter router = router("w1", a);

        assertThat(sendMany(router, List.of(a), 20 + 40 + 80 + 160 + 320 + 500 + 1)).hasSize(1121);
        assertThat(askedLeaseSizes()).containsExactly(20, 40, 80, 160, 320, 500, 500);

        clock.advance(SETTINGS.leaseTtl()); // the last lease ran out with 499 unused
        sendMany(router, List.of(a), 1);
        assertThat(askedLeaseSizes()).last().isEqualTo(250);
    }

    @Test
    void aSmallLimitKeepsLeasesSmall() {
        Account a = account("a", new Limits(600, null)); // a twentieth: 30
        QuotaRouter router = router("w1", a);

        sendMany(router, List.of(a), 20 + 30 + 30 + 1);

        assertThat(askedLeaseSizes()).containsExactly(20, 30, 30, 30);
    }

    @Test
    void aSendGivenBackCanBeTakenAgain() {
        Account a = account("a", new Limits(1, null));
        QuotaRouter router = router("w1", a);

        router.acquire(List.of(a), Duration.ZERO).ticket().giveBack();

        assertThat(sendMany(router, List.of(a), 5)).containsExactly("a");
    }

    @Test
    void twoWorkersTogetherNeverExceedTheLimitAndAnIdleLeaseIsHandedBack() {
        Account a = account("a", new Limits(30, null));
        QuotaRouter one = router("w1", a);
        QuotaRouter two = router("w2", a);

        AccountSelector.Selection first = one.acquire(List.of(a), Duration.ZERO);
        first.ticket().sent(null);
        List<String> byTwo = sendMany(two, List.of(a), 100);
        assertThat(byTwo).as("w1 holds a lease of 20; 10 are left for w2").hasSize(10);
        assertThat(two.acquire(List.of(a), Duration.ZERO).found()).isFalse();

        clock.advance(SETTINGS.idleRelease());
        one.handBackIdle();

        assertThat(sendMany(two, List.of(a), 100)).as("w1 used 1 of its 20 and handed back 19").hasSize(19);
        assertThat(1 + byTwo.size() + 19).isEqualTo(30);
    }

    @Test
    void anAuthenticationFailureDisablesTheAccountAndTheNextOneTakesOver() {
        Account a = account("a", Limits.NONE);
        Account b = account("b", Limits.NONE);
        QuotaRouter router = router("w1", a, b);

        router.acquire(List.of(a, b), Duration.ZERO).ticket().sent(accountFailure(ReasonCode.AUTHENTICATION_FAILED));
        clock.advance(Duration.ofDays(2));

        assertThat(sendMany(router, List.of(a, b), 3)).containsExactly("b", "b", "b");
        AccountSelector.Selection pinned = router.acquire(List.of(a), Duration.ZERO);
        assertThat(pinned.found()).isFalse();
        assertThat(pinned.retryAt()).as("only a configuration change helps").isNull();
    }

    @Test
    void anAccountLevelFailureCoolsTheAccountDownWithGrowingWaits() {
        Account a = account("a", Limits.NONE);
        Account b = account("b", Limits.NONE);
        QuotaRouter router = router("w1", a, b);

        router.acquire(List.of(a, b), Duration.ZERO).ticket().sent(accountFailure(ReasonCode.RATE_LIMITED));
        assertThat(router.acquire(List.of(a), Duration.ZERO).retryAt()).isEqualTo(T0.plus(SETTINGS.coolDown()));
        assertThat(router.acquire(List.of(a, b), Duration.ZERO).account().name()).isEqualTo("b");

        clock.advance(SETTINGS.coolDown());
        router.acquire(List.of(a), Duration.ZERO).ticket().sent(accountFailure(ReasonCode.RATE_LIMITED));
        assertThat(router.acquire(List.of(a), Duration.ZERO).retryAt()).as("the second failure in a row waits twice as long")
                .isEqualTo(clock.instant().plus(SETTINGS.coolDown().multipliedBy(2)));

        clock.advance(SETTINGS.coolDown().multipliedBy(2));
        router.acquire(List.of(a), Duration.ZERO).ticket().sent(null);
        router.acquire(List.of(a), Duration.ZERO).ticket().sent(accountFailure(ReasonCode.RATE_LIMITED));
        assertThat(router.acquire(List.of(a), Duration.ZERO).retryAt()).as("a success ended the streak")
                .isEqualTo(clock.instant().plus(SETTINGS.coolDown()));
    }

    @Test
    void anAccountLevelFailureIsSharedSoOtherWorkersLeaveTheAccountAloneToo() {
        Account a = account("a", new Limits(100, null));
        Account b = account("b", Limits.NONE);
        QuotaRouter one = router("w1", a, b);
        QuotaRouter two = router("w2", a, b);

        one.acquire(List.of(a, b), Duration.ZERO).ticket().sent(accountFailure(ReasonCode.ACCOUNT_BLOCKED));

        assertThat(two.acquire(List.of(a, b), Duration.ZERO).account().name()).as("w2 never tried a itself").isEqualTo("b");
        assertThat(two.state("a")).isEqualTo(AccountHealth.State.COOLING);
        assertThat(two.acquire(List.of(a), Duration.ZERO).retryAt()).isEqualTo(T0.plus(SETTINGS.coolDown()));
        clock.advance(SETTINGS.coolDown());
        assertThat(two.acquire(List.of(a), Duration.ZERO).found()).isTrue();
    }

    @Test
    void concurrencyCapsTheSessionsOfOneWorkerToo() {
        Account a = account("a", new Limits(null, null, null, 1));
        QuotaRouter router = router("w1", 2, a); // two sending threads, the account allows one session

        AccountSelector.Selection first = router.acquire(List.of(a), Duration.ZERO);
        AccountSelector.Selection second = router.acquire(List.of(a), Duration.ZERO);

        assertThat(first.found()).isTrue();
        assertThat(second.found()).as("the one session is in use").isFalse();
        assertThat(router.hasRoom(List.of(a))).isFalse();
        first.ticket().sent(null);
        assertThat(router.acquire(List.of(a), Duration.ZERO).found()).as("free again").isTrue();
        assertThat(log.records()).filteredOn(r -> r instanceof QuotaRecord.Reserve).as("one lease served both").hasSize(1);
    }

    @Test
    void aRecipientFailureLeavesTheAccountHealthy() {
        Account a = account("a", Limits.NONE);
        QuotaRouter router = router("w1", a);

        router.acquire(List.of(a), Duration.ZERO).ticket().sent(new SendFailure(ReasonCode.RECIPIENT_REJECTED, null, List.of(),
                "550 5.1.1 unknown", SendFailure.Scope.RECIPIENT));

        assertThat(router.acquire(List.of(a), Duration.ZERO).found()).isTrue();
    }

    @Test
    void hasRoomReservesNothing() {
        Account a = account("a", new Limits(1, null));
        QuotaRouter router = router("w1", a);

        assertThat(router.hasRoom(List.of(a))).isTrue();
        assertThat(log.records()).isEmpty();
        sendMany(router, List.of(a), 1);
        assertThat(router.hasRoom(List.of(a))).isFalse();
    }

    @Test
    void closingHandsBackWhatIsHeld() {
        Account a = account("a", new Limits(100, null));
        QuotaRouter router = router("w1", a);
        sendMany(router, List.of(a), 3);

        router.close();

        QuotaRecord last = log.records().get(log.records().size() - 1);
        assertThat(last).isInstanceOf(QuotaRecord.Release.class);
        assertThat(((QuotaRecord.Release) last).used()).isEqualTo(3);
    }
}
