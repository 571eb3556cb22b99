package io.mailpipe.suppression;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each address soft-bounced, as far back as the soft-bounce rule looks (older entries are dropped). Fed from
 * {@code mail.bounces} at start-up and by every bounce published afterwards. Thread-safe.
 */
public final class SoftBounceHistory {

    private final Duration keep;
    private final Map<String, Deque<Instant>> byAddress = new ConcurrentHashMap<>();

    /** @param keep how far back to remember (the rule's window); null keeps nothing */
    public SoftBounceHistory(Duration keep) {
        this.keep = keep;
    }

    /** Remembers a soft bounce of this address at this time. */
    public void record(String address, Instant at) {
        String n = Addresses.normalise(address);
        if (keep == null || n == null || at == null) {
            return;
        }
        Deque<Instant> times = byAddress.computeIfAbsent(n, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(at);
            Instant horizon = at.minus(keep);
            while (!times.isEmpty() && times.peekFirst().isBefore(horizon)) {
                times.removeFirst();
            }
        }
    }

    /** Soft bounces of the address in {@code [now - window, now]}. */
    public int countWithin(String address, Instant now, Duration window) {
        String n = Addresses.normalise(address);
        Deque<Instant> times = n == null ? null : byAddress.get(n);
        if (times == null) {
            return 0;
        }
        Instant from = now.minus(window);
        int count = 0;
        synchronized (times) {
            for (Instant t : times) {
                if (!t.isBefore(from) && !t.isAfter(now)) {
                    count++;
                }
            }
        }
        return count;
    }
}
