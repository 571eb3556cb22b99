package io.mailpipe.replay;

/** Spaces calls evenly: at most {@code perSecond} per second (0 or less: no limit). */
final class RateLimiter {
    private final long intervalNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
    }

    /** Waits until the next call is allowed. */
    void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        if (next > now) {
            long wait = next - now;
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            now = next;
        }
        next = Math.max(now, next) + intervalNanos;
    }
}
