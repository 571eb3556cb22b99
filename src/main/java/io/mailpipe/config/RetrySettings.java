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
 */
public record RetrySettings(Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff,
                            Duration maxAge) {
    public RetrySettings {
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

    public static RetrySettings defaults() {
        return new RetrySettings(null, null, null, null, null);
    }
}
