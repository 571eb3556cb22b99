package io.mailpipe.account;

import io.mailpipe.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.mailpipe.account.AccountSelector.Selection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LocalQuotaSelector}: accounts in order, rolling hour and day windows, the exact time room frees up. */
class LocalQuotaSelectorTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    private final MutableClock clock = new MutableClock(T0);

    static Account account(String name, Integer perHour, Integer perDay) {
        return new Account(name, "smtp." + name + ".example", 465, Security.SSL, name + "@x.example", "secret",
                name + "@x.example", false, new Limits(perHour, perDay), null, null, Duration.ofSeconds(30));
    }

    private LocalQuotaSelector selector(Account... accounts) {
        return new LocalQuotaSelector(List.of(accounts), clock);
    }

    private static String picked(Selection s) {
        return s.found() ? s.account().name() : "wait until " + s.retryAt();
    }

    // ---------------------------------------------------------------- order and filling up

    @Test
    void theFirstAccountTakesSendsUntilItsHourIsFullThenTheNext() {
        Account a = account("a", 2, null);
        Account b = account("b", 3, null);
        LocalQuotaSelector selector = selector(a, b);
        List<String> picks = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            picks.add(picked(selector.acquire(List.of(a, b))));
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(picks).containsExactly("a", "a", "b", "b", "b");
        assertThat(selector.used(a)).as("no day limit: nothing counted per day").containsExactly(2, 0);
        assertThat(selector.used(b)).containsExactly(3, 0);
    }

    @Test
    void whenAllAreFullRetryAtIsWhenTheEarliestWindowFrees() {
        Account a = account("a", 2, null);
        Account b = account("b", 1, null);
        LocalQuotaSelector selector = selector(a, b);
        selector.acquire(List.of(a, b));                     // a at T0
        clock.advance(Duration.ofMinutes(1));
        selector.acquire(List.of(a, b));                     // a at T0+1m
        clock.advance(Duration.ofMinutes(1));
        selector.acquire(List.of(a, b));                     // b at T0+2m
        clock.advance(Duration.ofMinutes(7));

        Selection full = selector.acquire(List.of(a, b));

        assertThat(full.found()).isFalse();
        assertThat(full.account()).isNull();
        assertThat(full.retryAt()).isEqualTo(T0.plus(HOUR));
    }

    @Test
    void retryAtIsExactlyTheMomentTheAccountCanSendAgain() {
        Account a = account("a", 2, null);
        LocalQuotaSelector selector = selector(a);
        selector.acquire(List.of(a));
        clock.advance(Duration.ofMinutes(20));
        selector.acquire(List.of(a));

        Instant retryAt = selector.acquire(List.of(a)).retryAt();
        clock.set(retryAt.minusMillis(1));
        Selection justBefore = selector.acquire(List.of(a));
        clock.set(retryAt);
        Selection atRetryAt = selector.acquire(List.of(a));

        assertThat(retryAt).isEqualTo(T0.plus(HOUR));
        assertThat(justBefore.found()).isFalse();
        assertThat(justBefore.retryAt()).isEqualTo(retryAt);
        assertThat(atRetryAt.account()).isEqualTo(a);
        // now the send of T0+20m is the oldest one counted
        assertThat(selector.acquire(List.of(a)).retryAt()).isEqualTo(T0.plus(Duration.ofMinutes(20)).plus(HOUR));
    }

    /** Limits, send times (minutes after T0), then when the full account frees up. */
    static Stream<Arguments> windows() {
        return Stream.of(
                arguments("hour 1", new Limits(1, null), List.of(0), T0.plus(HOUR)),
                arguments("hour 3, sends spread", new Limits(3, null), List.of(0, 10, 50), T0.plus(HOUR)),
                arguments("hour 2, first send aged out", new Limits(2, null), List.of(0, 30, 61), T0.plus(Duration.ofMinutes(30)).plus(HOUR)),
                arguments("day 2", new Limits(null, 2), List.of(0, 300), T0.plus(DAY)),
                arguments("day 2, sends hours apart", new Limits(null, 2), List.of(60, 600), T0.plus(Duration.ofMinutes(60)).plus(DAY)),
                arguments("hour 1 day 5: the hour is the limit", new Limits(1, 5), List.of(0), T0.plus(HOUR)),
                arguments("hour 1 day 2: the day is the limit", new Limits(1, 2), List.of(0, 60), T0.plus(DAY)),
                arguments("hour 5 day 2: the day is the limit", new Limits(5, 2), List.of(0, 1), T0.plus(DAY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void aFullAccountFreesUpWhenItsOldestCountedSendLeavesTheWindow(String label, Limits limits, List<Integer> minutes,
                                                                  Instant expectedRetryAt) {
        Account a = account("a", limits.perHour(), limits.perDay());
        LocalQuotaSelector selector = selector(a);
        for (int m : minutes) {
            clock.set(T0.plus(Duration.ofMinutes(m)));
            assertThat(selector.acquire(List.of(a)).account()).as("send at +%d min", m).isEqualTo(a);
        }

        Selection full = selector.acquire(List.of(a));

        assertThat(full.found()).isFalse();
        assertThat(full.retryAt()).isEqualTo(expectedRetryAt);
        clock.set(expectedRetryAt);
        assertThat(selector.acquire(List.of(a)).account()).isEqualTo(a);
    }

    @Test
    void sendsOlderThanTheWindowStopCounting() {
        Account a = account("a", 3, 10);
        LocalQuotaSelector selector = selector(a);
        for (int i = 0; i < 3; i++) {
            selector.acquire(List.of(a));
        }
        assertThat(selector.used(a)).containsExactly(3, 3);

        clock.advance(HOUR.minusMillis(1));
        assertThat(selector.used(a)).containsExactly(3, 3);
        assertThat(selector.acquire(List.of(a)).found()).isFalse();

        clock.advance(Duration.ofMillis(1));
        assertThat(selector.used(a)).containsExactly(0, 3);
        assertThat(selector.acquire(List.of(a)).account()).isEqualTo(a);

        clock.advance(DAY);
        assertThat(selector.used(a)).containsExactly(0, 0);
    }

    @Test
    void theDayLimitHoldsAcrossManyHours() {
        Account a = account("a", 2, 5);
        LocalQuotaSelector selector = selector(a);
        List<String> picks = new ArrayList<>();

        for (int hour = 0; hour < 4; hour++) {
            clock.set(T0.plus(HOUR.multipliedBy(hour)));
            for (int i = 0; i < 3; i++) {
                picks.add(selector.acquire(List.of(a)).found() ? "sent" : "wait");
            }
        }

        assertThat(picks).containsExactly("sent", "sent", "wait", "sent", "sent", "wait", "sent", "wait", "wait",
                "wait", "wait", "wait");
        assertThat(selector.acquire(List.of(a)).retryAt()).isEqualTo(T0.plus(DAY));
    }

    // ---------------------------------------------------------------- release, pinning, zero and no limits

    @Test
    void releaseGivesTheSendBack() {
        Account a = account("a", 1, 1);
        Account b = account("b", null, null);
        LocalQuotaSelector selector = selector(a, b);

        Selection first = selector.acquire(List.of(a, b));
        selector.release(first.account());

        assertThat(selector.used(a)).containsExactly(0, 0);
        assertThat(selector.acquire(List.of(a, b)).account()).isEqualTo(a);
        assertThat(selector.acquire(List.of(a, b)).account()).isEqualTo(b);
    }

    @Test
    void releaseGivesBackOnlyOneSend() {
        Account a = account("a", 3, null);
        LocalQuotaSelector selector = selector(a);
        for (int i = 0; i < 3; i++) {
            selector.acquire(List.of(a));
            clock.advance(Duration.ofMinutes(1));
        }

        selector.release(a);

        assertThat(selector.used(a)).containsExactly(2, 0);
        assertThat(selector.acquire(List.of(a)).found()).isTrue();
        assertThat(selector.acquire(List.of(a)).retryAt()).isEqualTo(T0.plus(HOUR));
    }

    @Test
    void aPinnedRequestWaitsForItsAccountOnly() {
        Account a = account("a", 1, null);
        Account b = account("b", null, null);
        LocalQuotaSelector selector = selector(a, b);
        selector.acquire(List.of(a));
        clock.advance(Duration.ofMinutes(5));

        Selection pinned = selector.acquire(List.of(a));

        assertThat(pinned.found()).isFalse();
        assertThat(pinned.retryAt()).isEqualTo(T0.plus(HOUR));
        assertThat(selector.used(b)).containsExactly(0, 0);
        assertThat(selector.acquire(List.of(b)).account()).isEqualTo(b);
    }

    @Test
    void aPinnedRequestTakesItsAccountEvenWhenAnEarlierOneHasRoom() {
        Account a = account("a", null, null);
        Account b = account("b", 5, null);
        LocalQuotaSelector selector = selector(a, b);

        assertThat(selector.acquire(List.of(b)).account()).isEqualTo(b);
        assertThat(selector.used(a)).containsExactly(0, 0);
    }

    static Stream<Arguments> zeroLimits() {
        return Stream.of(
                arguments(new Limits(0, null)),
                arguments(new Limits(null, 0)),
                arguments(new Limits(0, 0)),
                arguments(new Limits(10, 0)),
                arguments(new Limits(0, 100)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zeroLimits")
    void aLimitOfZeroNeverSelects(Limits limits) {
        Account zero = account("zero", limits.perHour(), limits.perDay());
        Account other = account("other", null, null);
        LocalQuotaSelector selector = selector(zero, other);

        assertThat(selector.acquire(List.of(zero, other)).account()).isEqualTo(other);
        clock.advance(Duration.ofDays(3));
        assertThat(selector.acquire(List.of(zero, other)).account()).isEqualTo(other);
        Selection onlyZero = selector.acquire(List.of(zero));
        assertThat(onlyZero.found()).isFalse();
        assertThat(onlyZero.retryAt()).as("never").isEqualTo(Instant.MAX);
    }

    @Test
    void nullLimitsNeverLimit() {
        Account a = account("a", null, null);
        Account b = account("b", 1, 1);
        LocalQuotaSelector selector = selector(a, b);

        for (int i = 0; i < 10_000; i++) {
            assertThat(selector.acquire(List.of(a, b)).account()).isEqualTo(a);
        }
        assertThat(selector.used(a)).containsExactly(0, 0);
        assertThat(selector.used(b)).containsExactly(0, 0);
    }

    @Test
    void aFullAccountIsSkippedWithoutBeingCharged() {
        Account a = account("a", 1, null);
        Account b = account("b", null, null);
        LocalQuotaSelector selector = selector(a, b);
        selector.acquire(List.of(a, b));

        for (int i = 0; i < 5; i++) {
            assertThat(selector.acquire(List.of(a, b)).account()).isEqualTo(b);
        }

        assertThat(selector.used(a)).containsExactly(1, 0);
    }

    @Test
    void anAccountNotGivenAtConstructionIsStillLimited() {
        Account late = account("late", 1, null);
        LocalQuotaSelector selector = selector(account("a", null, null));

        assertThat(selector.acquire(List.of(late)).account()).isEqualTo(late);
        assertThat(selector.acquire(List.of(late)).retryAt()).isEqualTo(T0.plus(HOUR));
    }

    // ---------------------------------------------------------------- threads

    @Test
    void concurrentAcquiresNeverExceedTheLimits() throws Exception {
        Account a = account("a", 40, null);
        Account b = account("b", 25, 1000);
        Account c = account("c", 5, 5);
        LocalQuotaSelector selector = selector(a, b, c);
        int threads = 8;
        int attemptsPerThread = 200;
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        AtomicInteger waits = new AtomicInteger();
        runConcurrently(threads, () -> {
            for (int i = 0; i < attemptsPerThread; i++) {
                Selection s = selector.acquire(List.of(a, b, c));
                if (s.found()) {
                    counts.computeIfAbsent(s.account().name(), n -> new AtomicInteger()).incrementAndGet();
                } else {
                    waits.incrementAndGet();
                }
            }
        });

        assertThat(counts).containsOnlyKeys("a", "b", "c");
        assertThat(counts.get("a")).hasValue(40);
        assertThat(counts.get("b")).hasValue(25);
        assertThat(counts.get("c")).hasValue(5);
        assertThat(waits).hasValue(threads * attemptsPerThread - 70);
        assertThat(selector.used(a)).containsExactly(40, 0);
        assertThat(selector.used(b)).containsExactly(25, 25);
        assertThat(selector.used(c)).containsExactly(5, 5);
    }

    @Test
    void concurrentAcquireAndReleaseKeepTheCountExact() throws Exception {
        Account a = account("a", 10, null);
        LocalQuotaSelector selector = selector(a);
        int threads = 8;
        runConcurrently(threads, () -> {
            for (int i = 0; i < 500; i++) {
                if (selector.acquire(List.of(a)).found()) {
                    selector.release(a);
                }
            }
        });

        assertThat(selector.used(a)).containsExactly(0, 0);
    }

    /** Runs {@code work} on {@code threads} threads that all start at once, and waits for them. */
    private static void runConcurrently(int threads, Runnable work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    work.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
