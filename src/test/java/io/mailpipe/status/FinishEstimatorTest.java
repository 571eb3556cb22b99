package io.mailpipe.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mailpipe.account.Limits;
import io.mailpipe.quota.QuotaBook;
import io.mailpipe.quota.QuotaRecord;
import io.mailpipe.testing.MutableClock;

/**
 * The finish estimate against a scripted scenario: known limits, sends already counted and a known backlog. The truth
 * is what the real quota accounting ({@link QuotaBook}, the same book every worker keeps) lets a tireless cluster send,
 * tick by tick on a fake clock; the estimate must name the same finish within one window (an hour), and the same
 * number for "this hour" within a few percent.
 */
class FinishEstimatorTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration DAY = Duration.ofDays(1);
    static final Duration SEND_FOR = Duration.ofSeconds(15);

    /** A cluster that sends whatever the book grants, every {@code tick}, and says when the backlog was out. */
    static final class ScriptedCluster {
        final MutableClock clock = new MutableClock(NOW.minus(DAY));
        final Map<String, Limits> limits;
        final QuotaBook book;
        final QuotaBook observer;

        ScriptedCluster(Map<String, Limits> limits) {
            this.limits = limits;
            this.book = new QuotaBook("cluster", HOUR, DAY, limits);
            this.observer = new QuotaBook("status", HOUR, DAY, limits);
        }

        /** Sends that happened before now: {@code n} sends of the account at {@code at}. */
        void sentBefore(String account, Instant at, int n) {
            clock.set(at);
            int granted = reserve(account, n);
            assertThat(granted).as("scripted history must fit the limits").isEqualTo(n);
        }

        int reserve(String account, int n) {
            String lease = UUID.randomUUID().toString();
            QuotaRecord.Reserve r = new QuotaRecord.Reserve(lease, account, "cluster", n, 1, SEND_FOR, SEND_FOR.multipliedBy(2));
            QuotaBook.Grant grant = book.apply(r, clock.instant());
            observer.apply(r, clock.instant());
            QuotaRecord.Confirm c = new QuotaRecord.Confirm(lease, account, grant.granted(), null, null);
            observer.apply(c, clock.instant());
            QuotaRecord.Release release = new QuotaRecord.Release(lease, account, grant.granted());
            book.apply(release, clock.instant());
            observer.apply(release, clock.instant());
            return grant.granted();
        }

        /** What the estimator reads: the observer's book at future times. */
        FinishEstimator.CountedSends counted(String account) {
            return new FinishEstimator.CountedSends() {
                @Override
                public int hour(Instant t) {
                    return observer.usage(account, t, SEND_FOR).hour();
                }

                @Override
                public int day(Instant t) {
                    return observer.usage(account, t, SEND_FOR).day();
                }
            };
        }

        record Outcome(Instant finish, long nextHour) {
        }

        /** From now on, every tick each group takes what its candidates are granted (pinned first, then pools). */
        Outcome drain(List<FinishEstimator.Group> groups, Duration tick, int perAccountPerTick) {
            clock.set(NOW);
            Map<String, Long> left = new LinkedHashMap<>();
            groups.forEach(g -> left.put(g.name(), g.waiting()));
            long nextHour = 0;
            Instant last = NOW;
            while (left.values().stream().anyMatch(n -> n > 0)) {
                assertThat(clock.instant()).as("drains within two weeks").isBefore(NOW.plus(Duration.ofDays(14)));
                for (FinishEstimator.Group g : groups) {
                    for (String account : g.candidates()) {
                        long want = Math.min(left.get(g.name()), perAccountPerTick);
                        if (want == 0) {
                            continue;
                        }
                        int granted = reserve(account, (int) want);
                        if (granted > 0) {
                            left.merge(g.name(), (long) -granted, Long::sum);
                            last = clock.instant();
                            if (clock.instant().isBefore(NOW.plus(HOUR))) {
                                nextHour += granted;
                            }
                        }
                    }
                }
                clock.advance(tick);
            }
            return new Outcome(last, nextHour);
        }
    }

    @Test
    void poolAtItsLimitsFinishesWithinOneWindowOfWhatTheQuotaBookAllows() {
        Map<String, Limits> limits = Map.of("a", new Limits(100, 400), "b", new Limits(50, null));
        ScriptedCluster cluster = new ScriptedCluster(limits);
        // a: the hour window is full (100 sends spread over the last hour), 250 of its 400 used today; b: idle
        cluster.sentBefore("a", NOW.minus(Duration.ofHours(8)), 75);
        cluster.sentBefore("a", NOW.minus(Duration.ofHours(7)), 75);
        for (int m = 60; m >= 1; m--) {
            cluster.sentBefore("a", NOW.minus(Duration.ofMinutes(m)), m % 3 == 0 ? 1 : 2);
        }
        List<FinishEstimator.Group> groups = List.of(
                new FinishEstimator.Group("account:b", FinishEstimator.Kind.PINNED, List.of("b"), 40),
                new FinishEstimator.Group("bulk", FinishEstimator.Kind.POOL, List.of("a", "b"), 600));

        clockAtNow(cluster);
        FinishEstimator.Estimate estimate = new FinishEstimator(HOUR, DAY).estimate(NOW, List.of(
                new FinishEstimator.Account("a", 100, 400, null, cluster.counted("a"), null, false),
                new FinishEstimator.Account("b", 50, null, null, cluster.counted("b"), null, false)), groups, null);
        ScriptedCluster.Outcome truth = cluster.drain(groups, Duration.ofSeconds(10), 1_000);

        assertThat(estimate.waiting()).isEqualTo(640);
        assertThat(estimate.unsendable()).isZero();
        // 600 + 40: a has 150 left today, so b carries the rest at 50 an hour: finish about 9 hours out
        assertThat(truth.finish()).isBetween(NOW.plus(Duration.ofHours(8)), NOW.plus(Duration.ofHours(10)));
        assertThat(Duration.between(truth.finish(), estimate.finish()).abs()).as("estimate %s, truth %s", estimate.finish(),
                truth.finish()).isLessThanOrEqualTo(HOUR);
        assertThat((double) estimate.nextHour()).isCloseTo(truth.nextHour(), org.assertj.core.data.Offset.offset(truth.nextHour() * 0.05 + 2));
        assertThat(estimate.groups().get("account:b")).isBefore(estimate.groups().get("bulk"));
        System.out.printf("scripted scenario: estimate %s (next hour %d), quota book %s (next hour %d), off by %s%n",
                estimate.finish(), estimate.nextHour(), truth.finish(), truth.nextHour(),
                Duration.between(truth.finish(), estimate.finish()).abs());
    }

    @Test
    void dayLimitsDominateAMultiDayBacklog() {
        Map<String, Limits> limits = Map.of("x", new Limits(200, 1000), "y", new Limits(null, 500));
        ScriptedCluster cluster = new ScriptedCluster(limits);
        cluster.sentBefore("x", NOW.minus(Duration.ofHours(20)), 200);
        cluster.sentBefore("x", NOW.minus(Duration.ofMinutes(30)), 200);
        cluster.sentBefore("y", NOW.minus(Duration.ofHours(3)), 500);
        List<FinishEstimator.Group> groups = List.of(new FinishEstimator.Group("any", FinishEstimator.Kind.ANY, List.of("x", "y"), 4_000));
        clockAtNow(cluster);
        FinishEstimator.Estimate estimate = new FinishEstimator(HOUR, DAY).estimate(NOW, List.of(
                new FinishEstimator.Account("x", 200, 1000, null, cluster.counted("x"), null, false),
                new FinishEstimator.Account("y", null, 500, null, cluster.counted("y"), null, false)), groups, null);
        ScriptedCluster.Outcome truth = cluster.drain(groups, Duration.ofSeconds(30), 10_000);

        assertThat(truth.finish()).isAfter(NOW.plus(Duration.ofDays(2)));
        assertThat(Duration.between(truth.finish(), estimate.finish()).abs()).as("estimate %s, truth %s", estimate.finish(),
                truth.finish()).isLessThanOrEqualTo(HOUR);
        assertThat(estimate.nextHour()).isEqualTo(truth.nextHour());
    }

    @Test
    void theObservedRateBoundsAnAccountWithoutLimits() {
        List<FinishEstimator.Group> groups = List.of(new FinishEstimator.Group("any", FinishEstimator.Kind.ANY, List.of("free"), 300));
        FinishEstimator.Estimate estimate = new FinishEstimator(HOUR, DAY).estimate(NOW,
                List.of(new FinishEstimator.Account("free", null, null, null, null, null, false)), groups, 5.0);
        assertThat(estimate.finish()).isEqualTo(NOW.plus(Duration.ofMinutes(60)));
        assertThat(estimate.nextHour()).isEqualTo(300);

        FinishEstimator.Estimate unbounded = new FinishEstimator(HOUR, DAY).estimate(NOW,
                List.of(new FinishEstimator.Account("free", null, null, null, null, null, false)), groups, null);
        assertThat(unbounded.finish()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    }

    @Test
    void aPerSecondRateAndACoolDownDelayTheFinish() {
        List<FinishEstimator.Group> groups = List.of(new FinishEstimator.Group("account:slow", FinishEstimator.Kind.PINNED,
                List.of("slow"), 120));
        FinishEstimator.Estimate estimate = new FinishEstimator(HOUR, DAY).estimate(NOW, List.of(new FinishEstimator.Account(
                "slow", null, null, 0.5, null, NOW.plus(Duration.ofMinutes(10)), false)), groups, null);
        // nothing for 10 minutes, then 30 a minute: 4 more minutes
        assertThat(estimate.finish()).isEqualTo(NOW.plus(Duration.ofMinutes(14)));
    }

    @Test
    void requestsNoAccountCanTakeHaveNoFinish() {
        List<FinishEstimator.Group> groups = new ArrayList<>(List.of(
                new FinishEstimator.Group("account:locked", FinishEstimator.Kind.PINNED, List.of("locked"), 7),
                new FinishEstimator.Group("any", FinishEstimator.Kind.ANY, List.of("locked", "ok"), 3)));
        FinishEstimator.Estimate estimate = new FinishEstimator(HOUR, DAY).estimate(NOW, List.of(
                new FinishEstimator.Account("locked", 10, null, null, null, null, true),
                new FinishEstimator.Account("ok", 10, null, null, null, null, false)), groups, null);
        assertThat(estimate.unsendable()).isEqualTo(7);
        assertThat(estimate.finish()).isNull();
        assertThat(estimate.groups().get("account:locked")).isNull();
        assertThat(estimate.groups().get("any")).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
        assertThat(estimate.nextHour()).isEqualTo(3);
    }

    private static void clockAtNow(ScriptedCluster cluster) {
        cluster.clock.set(NOW);
    }
}
