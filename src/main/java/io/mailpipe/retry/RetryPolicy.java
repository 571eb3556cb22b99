package io.mailpipe.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import io.mailpipe.config.RetrySettings;
import io.mailpipe.outcome.ReasonCode;

/** Decides whether a deferred request gets another attempt, and when. */
public final class RetryPolicy {

    private final RetrySettings settings;

    public RetryPolicy(RetrySettings settings) {
        this.settings = settings;
    }

    /** What to do when a delivery is uncertain (data sent, no reply): {@code retry.uncertain}. */
    public io.mailpipe.config.UncertainPolicy uncertainPolicy() {
        return settings.uncertain();
    }

    /** With retry-once: the wait before the one resend of an uncertain delivery ({@code retry.uncertainWait}). */
    public Duration uncertainWait() {
        return settings.uncertainWait();
    }

    /**
     * What happens after attempt {@code attempt} was deferred.
     *
     * @return the time of the next attempt, or the EXPIRED reason when there is none
     */
    public Next next(int attempt, Instant firstAttemptAt, Instant now, Instant notAfter) {
        if (attempt >= settings.maxAttempts()) {
            return Next.expired(ReasonCode.ATTEMPTS_EXHAUSTED,
                    "gave up after " + attempt + " attempt(s) (retry.maxAttempts=" + settings.maxAttempts() + ")");
        }
        Instant at = now.plus(backoff(attempt));
        return checkDeadline(at, firstAttemptAt, notAfter);
    }

    /** Checks a chosen retry time against the request's age and notAfter. */
    public Next checkDeadline(Instant at, Instant firstAttemptAt, Instant notAfter) {
        if (at.isAfter(firstAttemptAt.plus(settings.maxAge()))) {
            return Next.expired(ReasonCode.MAX_AGE_EXCEEDED,
                    "the next attempt would be later than retry.maxAge (" + settings.maxAge() + ") after the first");
        }
        if (notAfter != null && at.isAfter(notAfter)) {
            return Next.expired(ReasonCode.NOT_AFTER_PASSED, "the next attempt would be after the request's notAfter " + notAfter);
        }
        return Next.at(at);
    }

    /** Whether a request first tried at {@code firstAttemptAt} is too old now. */
    public boolean tooOld(Instant firstAttemptAt, Instant now) {
        return now.isAfter(firstAttemptAt.plus(settings.maxAge()));
    }

    /** The wait after attempt n: initialBackoff * multiplier^(n-1), capped, plus up to 10 % jitter. */
    public Duration backoff(int attempt) {
        double millis = settings.initialBackoff().toMillis() * Math.pow(settings.multiplier(), Math.max(0, attempt - 1));
        long capped = (long) Math.min(millis, settings.maxBackoff().toMillis());
        long jitter = capped <= 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 10 + 1);
        return Duration.ofMillis(Math.min(capped + jitter, settings.maxBackoff().toMillis()));
    }

    /** Longest a retry record may wait in the retry consumer. */
    /** The wait before the first retry. */
    public Duration initialBackoff() {
        return settings.initialBackoff();
    }

    public Duration maxBackoff() {
        return settings.maxBackoff();
    }

    /** The retry decision: a time, or a reason to expire. */
    public record Next(Instant at, ReasonCode expiredReason, String detail) {
        static Next at(Instant at) {
            return new Next(at, null, null);
        }

        static Next expired(ReasonCode reason, String detail) {
            return new Next(null, reason, detail);
        }

        public boolean expired() {
            return expiredReason != null;
        }
    }
}
