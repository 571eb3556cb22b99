package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountHealth;
import io.mailpipe.account.AccountSelector;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.config.QuotaSettings;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SmtpReply;
import io.mailpipe.testing.MutableClock;

/**
 * Limits learned from a provider's pushback: how the book applies them (the arithmetic), and how a router learns,
 * probes upward and leaves refused sends uncounted.
 */
class LearnedLimitsTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");
    static final Duration HOLD = Duration.ofSeconds(75);

    // ------------------------------------------------------------------ the book

    static QuotaRecord.Learned learned(Integer perHour, Integer perDay, QuotaRecord.LearnSource source) {
        return new QuotaRecord.Learned("a", "w", perHour, perDay, source, source == QuotaRecord.LearnSource.PUSHBACK
                ? "553 5.7.1 no" : null);
    }

    static void sendAndRelease(QuotaBook book, int sends, Instant at) {
        QuotaRecord.Reserve r = QuotaBookTest.reserve("peer", sends);
        book.apply(r, at);
        book.apply(new QuotaRecord.Release(r.lease(), "a", sends), at.plusSeconds(1));
    }

    @Test
    void aLearnedLimitLowersTheConfiguredOneButNeverRaisesIt() {
        QuotaBook book = QuotaBookTest.book("me", new Limits(100, 1000));
        book.apply(learned(3, 2000, QuotaRecord.LearnSource.PUSHBACK), T0);

        assertThat(book.limits("a")).isEqualTo(new Limits(3, 1000));
        assertThat(book.learned("a").reply()).isEqualTo("553 5.7.1 no");
        QuotaBook.Grant g = book.apply(QuotaBookTest.reserve("me", 20), T0.plusSeconds(1));
        assertThat(g.granted()).as("decided with the learned hourly limit").isEqualTo(3);
    }

    @Test
    void aLearnedHourlyLimitAppliesAlsoWhereOnlyADailyOneIsConfigured() {
        QuotaBook book = QuotaBookTest.book("me", new Limits(null, 500));
        book.apply(learned(40, null, QuotaRecord.LearnSource.PUSHBACK), T0);

        assertThat(book.limits("a")).isEqualTo(new Limits(40, 500));
    }

    @Test
    void sendsAreCountedPerWindowSinceItsValueWasSet() {
        QuotaBook book = QuotaBookTest.book("me", new Limits(100, 1000));
        sendAndRelease(book, 7, T0.minusSeconds(30)); // before: not counted
        book.apply(learned(10, 50, QuotaRecord.LearnSource.PUSHBACK), T0);
        sendAndRelease(book, 4, T0.plusSeconds(10));
        sendAndRelease(book, 6, T0.plusSeconds(20));

        assertThat(book.learned("a").sentSinceHour()).isEqualTo(10);
        assertThat(book.learned("a").sentSinceDay()).isEqualTo(10);

        // a probe raises the hourly value: its count starts over, the daily one goes on
        book.apply(learned(11, 50, QuotaRecord.LearnSource.PROBE), T0.plusSeconds(30));
        sendAndRelease(book, 2, T0.plusSeconds(40));
        assertThat(book.learned("a").sentSinceHour()).isEqualTo(2);
        assertThat(book.learned("a").sentSinceDay()).isEqualTo(12);

        // a new pushback starts both over, even with the same values
        book.apply(learned(11, 50, QuotaRecord.LearnSource.PUSHBACK), T0.plusSeconds(50));
        assertThat(book.learned("a").sentSinceHour()).isZero();
        assertThat(book.learned("a").sentSinceDay()).isZero();
    }

    @Test
    void aRefreshIsAppliedByAReaderThatKnowsNothingAndOnlyAgesTheSameValuesOtherwise() {
        QuotaBook fresh = QuotaBookTest.book("me", new Limits(100, 1000));
        fresh.apply(learned(5, 5, QuotaRecord.LearnSource.REFRESH), T0);
        assertThat(fresh.limits("a")).isEqualTo(new Limits(5, 5));

        QuotaBook knows = QuotaBookTest.book("me", new Limits(100, 1000));
        knows.apply(learned(8, 8, QuotaRecord.LearnSource.PROBE), T0);
        knows.apply(learned(5, 5, QuotaRecord.LearnSource.REFRESH), T0.plusSeconds(1)); // written from an older reading
        assertThat(knows.limits("a")).isEqualTo(new Limits(8, 8));
        knows.apply(learned(8, 8, QuotaRecord.LearnSource.REFRESH), T0.plusSeconds(2));
        assertThat(knows.learned("a").since()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void limitsBackAtTheConfiguredOnesEndTheLearning() {
        QuotaBook book = QuotaBookTest.book("me", new Limits(100, 1000));
        book.apply(learned(3, 3, QuotaRecord.LearnSource.PUSHBACK), T0);
        book.apply(learned(null, null, QuotaRecord.LearnSource.PROBE), T0.plusSeconds(1));

        assertThat(book.learned("a")).isNull();
        assertThat(book.limits("a")).isEqualTo(new Limits(100, 1000));
    }

    @Test
    void aStepUpIsATenthAtLeastOneAndEndsAtTheConfiguredLimit() {
        assertThat(LimitLearner.raised(3, 100)).isEqualTo(4);
        assertThat(LimitLearner.raised(10, 100)).isEqualTo(11);
        assertThat(LimitLearner.raised(11, 100)).isEqualTo(13);
        assertThat(LimitLearner.raised(180, 1000)).isEqualTo(198);
        assertThat(LimitLearner.raised(95, 100)).as("reaching the configured limit drops the learned one").isNull();
        assertThat(LimitLearner.raised(40, null)).as("no configured limit in that window: it keeps rising").isEqualTo(44);
    }

    // ------------------------------------------------------------------ the router

    final MutableClock clock = new MutableClock(T0);
    final InMemoryQuotaLedger.Log log = new InMemoryQuotaLedger.Log(clock);
    final Account a = QuotaRouterTest.account("a", new Limits(100, 1000));

    QuotaRouter router() {
        QuotaSettings settings = QuotaSettings.defaults();
        QuotaBook book = new QuotaBook("w1", settings.hourWindow(), settings.dayWindow(), java.util.Map.of("a", a.limits()));
        return new QuotaRouter(log.join(book), new AccountHealth(settings.coolDown(), settings.maxCoolDown(), clock), settings,
                "w1", 4, clock, false);
    }

    static SendFailure refusal(ReasonCode reason, SendFailure.Scope scope) {
        return new SendFailure(reason, new SmtpReply(553, "5.7.1", "Sorry, we cannot accept mail from this account"),
                List.of(), "MAIL FROM replied 553", scope);
    }

    AccountSelector.Ticket ticket(QuotaRouter router) throws InterruptedException {
        AccountSelector.Ticket t = router.acquire(List.of(a), Duration.ZERO).ticket();
        assertThat(t.readyToSend()).isTrue();
        return t;
    }

    List<QuotaRecord.Learned> learnedRecords() {
        return log.records().stream().filter(r -> r instanceof QuotaRecord.Learned).map(r -> (QuotaRecord.Learned) r).toList();
    }

    @Test
    void aThrottleTeachesWhatTheWindowsHeldOnceTheSendsInFlightHaveEnded() throws InterruptedException {
        QuotaRouter router = router();
        for (int i = 0; i < 3; i++) {
            ticket(router).sent(null);
        }
        AccountSelector.Ticket inFlight = ticket(router);
        AccountSelector.Ticket refused = ticket(router);
        refused.sent(refusal(ReasonCode.ACCOUNT_REFUSED, SendFailure.Scope.ACCOUNT));

        router.handBackIdle();
        assertThat(learnedRecords()).as("a send is still under way").isEmpty();

        inFlight.sent(null); // it was accepted: the provider counted it
        clock.advance(Duration.ofSeconds(2)); // the idle lease goes back
        router.handBackIdle();
        router.handBackIdle();

        assertThat(learnedRecords()).singleElement().satisfies(l -> {
            assertThat(l.perHour()).as("the hour explains it: the day is left alone").isEqualTo(4);
            assertThat(l.perDay()).isNull();
            assertThat(l.source()).isEqualTo(QuotaRecord.LearnSource.PUSHBACK);
            assertThat(l.reply()).isEqualTo("553 5.7.1 Sorry, we cannot accept mail from this account");
        });
        assertThat(router.limits(a)).isEqualTo(new Limits(4, 1000));
        assertThat(router.used(a)).as("the refused send used no quota").containsExactly(4, 4);
    }

    @Test
    void aPushbackBelowTheLearnedHourlyLimitTeachesTheDailyOne() throws InterruptedException {
        QuotaRouter router = router();
        log.append(new QuotaRecord.Learned("a", "w0", 4, null, QuotaRecord.LearnSource.PUSHBACK, "553 first"));
        for (int i = 0; i < 4; i++) {
            ticket(router).sent(null);
        }
        clock.advance(Duration.ofMinutes(61)); // a new hour: the provider refuses at once, so it counts the day
        router.handBackIdle();
        assertThat(router.limits(a).perHour()).as("the hour held 4 without pushback: a step up").isEqualTo(5);
        ticket(router).sent(refusal(ReasonCode.ACCOUNT_REFUSED, SendFailure.Scope.ACCOUNT));
        clock.advance(Duration.ofSeconds(2));
        router.handBackIdle();
        router.handBackIdle();

        assertThat(learnedRecords()).last().satisfies(l -> {
            assertThat(l.perHour()).as("kept").isEqualTo(5);
            assertThat(l.perDay()).as("what the day held").isEqualTo(4);
        });
        assertThat(router.limits(a)).isEqualTo(new Limits(5, 4));
    }

    @Test
    void aBlockOrAFailedConnectionTeachesNoLimitAndUsesNoQuota() throws InterruptedException {
        QuotaRouter router = router();
        ticket(router).sent(null);
        ticket(router).sent(refusal(ReasonCode.ACCOUNT_BLOCKED, SendFailure.Scope.ACCOUNT));
        clock.advance(Duration.ofMinutes(1));
        ticket(router).sent(new SendFailure(ReasonCode.CONNECTION_FAILED, null, List.of(), "refused", SendFailure.Scope.ACCOUNT));
        clock.advance(Duration.ofSeconds(2));
        router.handBackIdle();
        router.handBackIdle();

        assertThat(learnedRecords()).isEmpty();
        assertThat(router.used(a)).containsExactly(1, 1);
    }

    @Test
    void everyAttemptCountsWhereTheProviderCountsAttempts() throws InterruptedException {
        Account counting = QuotaRouterTest.account("a", new Limits(100, 1000, null, null, null, true));
        assertThat(QuotaRouter.countsAgainstQuota(counting, refusal(ReasonCode.ACCOUNT_REFUSED, SendFailure.Scope.ACCOUNT)))
                .isTrue();
        assertThat(QuotaRouter.countsAgainstQuota(a, refusal(ReasonCode.ACCOUNT_REFUSED, SendFailure.Scope.ACCOUNT))).isFalse();
        assertThat(QuotaRouter.countsAgainstQuota(a, new SendFailure(ReasonCode.DELIVERY_UNCERTAIN, null, List.of(), "",
                SendFailure.Scope.MESSAGE))).as("it may have been delivered").isTrue();
        assertThat(QuotaRouter.countsAgainstQuota(a, new SendFailure(ReasonCode.PARTIALLY_ACCEPTED, null, List.of(), "",
                SendFailure.Scope.RECIPIENT))).isTrue();
    }

    @Test
    void aLearnedLimitThatHeldRisesAStepAtATime() throws InterruptedException {
        QuotaRouter router = router();
        log.append(new QuotaRecord.Learned("a", "w0", 3, null, QuotaRecord.LearnSource.PUSHBACK, "451 rate"));
        for (int i = 0; i < 3; i++) {
            ticket(router).sent(null);
        }
        assertThat(router.acquire(List.of(a), Duration.ZERO).found()).as("3 an hour").isFalse();
        clock.advance(Duration.ofSeconds(2));
        router.handBackIdle(); // the lease goes back with its 3 sends
        router.handBackIdle(); // 3 sent since the limit was learned, without pushback: one step up

        assertThat(learnedRecords()).last().satisfies(l -> {
            assertThat(l.source()).isEqualTo(QuotaRecord.LearnSource.PROBE);
            assertThat(l.perHour()).isEqualTo(4);
        });
        assertThat(router.limits(a).perHour()).isEqualTo(4);
        router.handBackIdle();
        assertThat(learnedRecords()).as("nothing sent since the step: no second step").hasSize(2);
    }
}
