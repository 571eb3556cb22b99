package io.mailpipe.config;

import java.time.Duration;

/**
 * When and how often a DEFERRED request is tried again ({@code retry:} in mailpipe.yaml).
 * The n-th retry waits {@code initialBackoff * multiplier^(n-1)}, capped at {@code maxBackoff}.
 *
 * @param maxAttempts    send attempts before the request is EXPIRED (default 8)
 * @param initialBackoff wait before the first retry (default 30 s)
 * @param multiplier     growth of the wait per attempt (default 2.0)
 * @param maxBackoff     longest wait between attempts (default 15 min)
 * @param maxAge         a request first tried longer ago than this is EXPIRED (default 24 h)
 * @param uncertain      what happens when the data was sent but no reply came ({@link UncertainPolicy}; default
 *                       retry-once)
 * @param uncertainWait  with retry-once: how long to wait before the one resend (default 10 min), so that a
 *                       bounce or the recipient's report can arrive first
 */
public record RetrySettings(Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff,
                            Duration maxAge, UncertainPolicy uncertain, Duration uncertainWait) {

    public RetrySettings(Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff,
                         Duration maxAge) {
        this(maxAttempts, initialBackoff, multiplier, maxBackoff, maxAge, null, null);
    }

    public RetrySettings {
        uncertain = uncertain == null ? UncertainPolicy.RETRY_ONCE : uncertain;
        uncertainWait = uncertainWait == null ? Duration.ofMinutes(10) : uncertainWait;
        if (uncertainWait.isNegative()) {
            throw new ConfigException("retry.uncertainWait must not be negative");
        }
        maxAttempts = maxAttempts == null ? 8 : maxAttempts;
        initialBackoff = initialBackoff == null ? Duration.ofSeconds(30) : initialBackoff;
        multiplier = multiplier == null ? 2.0 : multiplier;
        maxBackoff = maxBackoff == null ? Duration.ofMinutes(15) : maxBackoff;
        maxAge = maxAge == null ? Duration.ofHours(24) : maxAge;
        if (maxAttempts < 1) {
            throw new ConfigException("retry.maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || multiplier < 1.0) {
            throw new ConfigException("retry: need 0 <= initialBackoff <= maxBackoff and multiplier >= 1");
        }
    }

    /** The same settings with another policy for uncertain deliveries. */
    public RetrySettings withUncertain(UncertainPolicy policy, Duration wait) {
        return new RetrySettings(maxAttempts, initialBackoff, multiplier, maxBackoff, maxAge, policy, wait);
    }

    public static RetrySettings defaults() {
        return new RetrySettings(null, null, null, null, null, null, null);
    }
}
