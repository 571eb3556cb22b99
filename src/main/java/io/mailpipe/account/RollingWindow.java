package io.mailpipe.account;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sends within a rolling window (the last hour, the last day): the times of the sends still inside it.
 * Not thread-safe; {@link LocalQuotaSelector} guards it.
 */
final class RollingWindow {
    private final Duration length;
    private final int limit;
    private final Deque<Instant> sends = new ArrayDeque<>();

    RollingWindow(Duration length, int limit) {
        this.length = length;
        this.limit = limit;
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(length);
        while (!sends.isEmpty() && !sends.peekFirst().isAfter(cutoff)) {
            sends.pollFirst();
        }
    }

    boolean hasRoom(Instant now) {
        expire(now);
        return sends.size() < limit;
    }

    /** When the window next has room (now if it has). */
    Instant nextRoom(Instant now) {
        expire(now);
        if (sends.size() < limit) {
            return now;
        }
        if (limit == 0) {
            return Instant.MAX;
        }
        // the oldest send that keeps the window full leaves it length after it happened
        return sends.stream().skip(sends.size() - limit).findFirst().orElseThrow().plus(length);
    }

    void add(Instant now) {
        sends.addLast(now);
    }

    void removeLast() {
        sends.pollLast();
    }

    int used(Instant now) {
        expire(now);
        return sends.size();
    }
}
