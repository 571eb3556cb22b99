package io.mailpipe.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.mailpipe.config.RetrySettings;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link RetryPolicy}: exponential backoff with jitter and cap, and the three ways a request expires. */
class RetryPolicyTest {

    /** Backoff has up to 10 % random jitter: every range is checked on this many draws. */
    private static final int DRAWS = 300;
    private static final Instant FIRST = Instant.parse("2025-03-01T10:00:00Z");

    private static final RetrySettings DEFAULTS = RetrySettings.defaults(); // 8 attempts, 30 s x2 up to 15 min, 24 h

    static RetrySettings settings(Duration initial, double multiplier, Duration max) {
        return new RetrySettings(8, initial, multiplier, max, Duration.ofHours(24));
    }

    static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    // ---------------------------------------------------------------- backoff

    /** settings, attempt, then the smallest and largest backoff allowed. */
    static Stream<Arguments> backoffs() {
        RetrySettings halfMinuteDoubling = settings(s(30), 2.0, Duration.ofMinutes(15));
        RetrySettings tenSecondsX15 = settings(s(10), 1.5, Duration.ofMinutes(5));
        RetrySettings tightCap = settings(s(30), 2.0, s(500));
        return Stream.of(
                arguments(halfMinuteDoubling, 0, s(30), s(33)),
                arguments(halfMinuteDoubling, 1, s(30), s(33)),
                arguments(halfMinuteDoubling, 2, s(60), s(66)),
                arguments(halfMinuteDoubling, 3, s(120), s(132)),
                arguments(halfMinuteDoubling, 4, s(240), s(264)),
                arguments(halfMinuteDoubling, 5, s(480), s(528)),
                // 960 s is over the cap: exactly the cap, jitter included
                arguments(halfMinuteDoubling, 6, s(900), s(900)),
                arguments(halfMinuteDoubling, 7, s(900), s(900)),
                arguments(halfMinuteDoubling, 1000, s(900), s(900)),
                arguments(halfMinuteDoubling, Integer.MAX_VALUE, s(900), s(900)),
                arguments(tenSecondsX15, 1, s(10), s(11)),
                arguments(tenSecondsX15, 2, s(15), Duration.ofMillis(16_500)),
                arguments(tenSecondsX15, 3, Duration.ofMillis(22_500), Duration.ofMillis(24_750)),
                arguments(tenSecondsX15, 10, s(300), s(300)),
                // below the cap, but the jitter would pass it: still capped
                arguments(tightCap, 5, s(480), s(500)),
                arguments(settings(s(45), 1.0, Duration.ofMinutes(15)), 7, s(45), Duration.ofMillis(49_500)),
                arguments(settings(Duration.ZERO, 2.0, Duration.ZERO), 3, Duration.ZERO, Duration.ZERO),
                arguments(settings(Duration.ZERO, 3.0, s(60)), 5, Duration.ZERO, Duration.ZERO));
    }

    @ParameterizedTest(name = "{0} attempt {1}: {2}..{3}")
    @MethodSource("backoffs")
    void backoffGrowsByTheMultiplierPlusJitterAndIsCapped(RetrySettings settings, int attempt, Duration min, Duration max) {
        RetryPolicy policy = new RetryPolicy(settings);

        for (int i = 0; i < DRAWS; i++) {
            assertThat(policy.backoff(attempt)).isBetween(min, max);
        }
    }

    @Test
    void backoffHasJitterBelowTheCap() {
        RetryPolicy policy = new RetryPolicy(DEFAULTS);
        Set<Duration> seen = new HashSet<>();

        for (int i = 0; i < DRAWS; i++) {
            seen.add(policy.backoff(3));
        }

        assertThat(seen).as("120 s plus 0..12 s of jitter").hasSizeGreaterThan(1);
    }

    @Test
    void backoffNeverShrinksFromOneAttemptToTheNext() {
        RetryPolicy policy = new RetryPolicy(DEFAULTS);

        for (int attempt = 1; attempt < 12; attempt++) {
            // the largest draw of attempt n is below the smallest of n+1 (x2 growth beats 10 % jitter) until the cap
            Duration lowNext = Duration.ofMillis((long) Math.min(30_000 * Math.pow(2, attempt), 900_000));
            assertThat(policy.backoff(attempt)).as("attempt %d", attempt).isLessThanOrEqualTo(lowNext);
        }
    }

    @Test
    void maxBackoffIsTheSetting() {
        assertThat(new RetryPolicy(DEFAULTS).maxBackoff()).isEqualTo(Duration.ofMinutes(15));
    }

    // ---------------------------------------------------------------- next()

    @Test
    void nextIsNowPlusTheBackoff() {
        RetryPolicy policy = new RetryPolicy(DEFAULTS);
        Instant now = FIRST.plus(Duration.ofMinutes(3));

        for (int i = 0; i < DRAWS; i++) {
            RetryPolicy.Next next = policy.next(3, FIRST, now, null);
            assertThat(next.expired()).isFalse();
            assertThat(next.expiredReason()).isNull();
            assertThat(next.at()).isBetween(now.plus(s(120)), now.plus(s(132)));
        }
    }

    /** attempt, maxAttempts, then whether it expires. */
    static Stream<Arguments> attempts() {
        return Stream.of(
                arguments(1, 1, true),
                arguments(1, 2, false),
                arguments(2, 2, true),
                arguments(7, 8, false),
                arguments(8, 8, true),
                arguments(9, 8, true),
                arguments(0, 1, false));
    }

    @ParameterizedTest(name = "attempt {0} of {1}")
    @MethodSource("attempts")
    void nextExpiresWhenTheAttemptsAreUsedUp(int attempt, int maxAttempts, boolean expires) {
        RetryPolicy policy = new RetryPolicy(new RetrySettings(maxAttempts, s(30), 2.0, Duration.ofMinutes(15), Duration.ofDays(2)));

        RetryPolicy.Next next = policy.next(attempt, FIRST, FIRST, null);

        assertThat(next.expired()).isEqualTo(expires);
        if (expires) {
            assertThat(next.expiredReason()).isEqualTo(ReasonCode.ATTEMPTS_EXHAUSTED);
            assertThat(next.at()).isNull();
            assertThat(next.detail()).contains("retry.maxAttempts=" + maxAttempts);
        } else {
            assertThat(next.at()).isNotNull();
            assertThat(next.detail()).isNull();
        }
    }

    /** now (after FIRST), notAfter (after FIRST, or null), attempt, then the reason (null: a retry time). */
    static Stream<Arguments> deadlines() {
        Duration day = Duration.ofHours(24);
        return Stream.of(
                arguments("well within maxAge", Duration.ofHours(1), null, 1, null),
                arguments("retry lands just before maxAge", day.minus(s(34)), null, 1, null),
                arguments("retry lands after maxAge", day.minus(s(29)), null, 1, ReasonCode.MAX_AGE_EXCEEDED),
                arguments("now already past maxAge", day.plus(s(1)), null, 1, ReasonCode.MAX_AGE_EXCEEDED),
                arguments("capped backoff passes maxAge", day.minus(Duration.ofMinutes(10)), null, 7, ReasonCode.MAX_AGE_EXCEEDED),
                arguments("notAfter far enough", Duration.ZERO, Duration.ofHours(1), 1, null),
                arguments("notAfter just after the retry", Duration.ZERO, s(34), 1, null),
                arguments("notAfter before the retry", Duration.ZERO, s(29), 1, ReasonCode.NOT_AFTER_PASSED),
                arguments("notAfter already passed", Duration.ofMinutes(5), Duration.ofMinutes(1), 2, ReasonCode.NOT_AFTER_PASSED),
                arguments("both passed: maxAge is told", day, Duration.ofMinutes(1), 1, ReasonCode.MAX_AGE_EXCEEDED),
                arguments("attempts and deadlines: attempts are told", day, Duration.ofMinutes(1), 8, ReasonCode.ATTEMPTS_EXHAUSTED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadlines")
    void nextExpiresPastMaxAgeOrNotAfter(String label, Duration nowAfterFirst, Duration notAfterAfterFirst, int attempt,
                                         ReasonCode expected) {
        RetryPolicy policy = new RetryPolicy(DEFAULTS);
        Instant now = FIRST.plus(nowAfterFirst);
        Instant notAfter = notAfterAfterFirst == null ? null : FIRST.plus(notAfterAfterFirst);

        for (int i = 0; i < DRAWS; i++) {
            RetryPolicy.Next next = policy.next(attempt, FIRST, now, notAfter);
            assertThat(next.expiredReason()).isEqualTo(expected);
            if (expected == null) {
                assertThat(next.at()).isAfter(now).isBeforeOrEqualTo(FIRST.plus(Duration.ofHours(24)));
            } else {
                assertThat(expected.status()).isEqualTo(Status.EXPIRED);
                assertThat(next.at()).isNull();
                assertThat(next.detail()).isNotBlank();
            }
        }
    }

    /** checkDeadline on an exact time: the boundaries themselves are still allowed. */
    static Stream<Arguments> exactDeadlines() {
        Instant maxAge = FIRST.plus(Duration.ofHours(24));
        Instant notAfter = FIRST.plus(Duration.ofHours(2));
        return Stream.of(
                arguments(maxAge, null, null),
                arguments(maxAge.plusMillis(1), null, ReasonCode.MAX_AGE_EXCEEDED),
                arguments(notAfter, notAfter, null),
                arguments(notAfter.plusNanos(1), notAfter, ReasonCode.NOT_AFTER_PASSED),
                arguments(FIRST, FIRST.minusSeconds(1), ReasonCode.NOT_AFTER_PASSED),
                arguments(Instant.MAX, null, ReasonCode.MAX_AGE_EXCEEDED));
    }

    @ParameterizedTest(name = "at {0}, notAfter {1}")
    @MethodSource("exactDeadlines")
    void checkDeadlineAllowsTheBoundaryAndNothingPastIt(Instant at, Instant notAfter, ReasonCode expected) {
        RetryPolicy.Next next = new RetryPolicy(DEFAULTS).checkDeadline(at, FIRST, notAfter);

        assertThat(next.expiredReason()).isEqualTo(expected);
        assertThat(next.at()).isEqualTo(expected == null ? at : null);
    }

    @Test
    void detailsNameTheSettingOrTheDeadline() {
        RetryPolicy policy = new RetryPolicy(DEFAULTS);
        Instant notAfter = FIRST.plusSeconds(5);

        assertThat(policy.checkDeadline(FIRST.plus(Duration.ofDays(2)), FIRST, null).detail()).contains("retry.maxAge");
        assertThat(policy.checkDeadline(FIRST.plusSeconds(6), FIRST, notAfter).detail()).contains(notAfter.toString());
    }

    // ---------------------------------------------------------------- tooOld()

    static Stream<Arguments> ages() {
        return Stream.of(
                arguments(Duration.ZERO, false),
                arguments(Duration.ofHours(23), false),
                arguments(Duration.ofHours(24), false),
                arguments(Duration.ofHours(24).plusMillis(1), true),
                arguments(Duration.ofDays(3), true),
                arguments(Duration.ofMinutes(-5), false));
    }

    @ParameterizedTest(name = "first attempt {0} ago")
    @MethodSource("ages")
    void tooOldOnlyPastMaxAge(Duration age, boolean tooOld) {
        assertThat(new RetryPolicy(DEFAULTS).tooOld(FIRST, FIRST.plus(age))).isEqualTo(tooOld);
    }

    @Test
    void tooOldFollowsTheSetting() {
        RetryPolicy policy = new RetryPolicy(new RetrySettings(3, s(1), 2.0, s(10), Duration.ofMinutes(10)));

        assertThat(policy.tooOld(FIRST, FIRST.plus(Duration.ofMinutes(10)))).isFalse();
        assertThat(policy.tooOld(FIRST, FIRST.plus(Duration.ofMinutes(10)).plusSeconds(1))).isTrue();
    }
}
