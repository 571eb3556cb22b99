package io.mailpipe.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the first account in order whose hourly and daily limits are not reached, counting the sends of this
 * worker only (rolling 60 minutes and 24 hours). Across several workers the limits are per worker: the
 * cluster-wide router replaces this class.
 */
public final class LocalQuotaSelector implements AccountSelector {

    private final Clock clock;
    private final Map<String, Quota> quotas = new ConcurrentHashMap<>();

    public LocalQuotaSelector(List<Account> accounts, Clock clock) {
        this.clock = clock;
        for (Account account : accounts) {
            quotas.put(account.name(), new Quota(account.limits()));
        }
    }

    @Override
    public Selection acquire(List<Account> candidates) {
        Instant now = clock.instant();
        Instant earliest = Instant.MAX;
        for (Account account : candidates) {
            Quota quota = quota(account);
            synchronized (quota) {
                Instant free = quota.nextRoom(now);
                if (!free.isAfter(now)) {
                    quota.add(now);
                    return Selection.of(account);
                }
                if (free.isBefore(earliest)) {
                    earliest = free;
                }
            }
        }
        return Selection.waitUntil(earliest);
    }

    @Override
    public void release(Account account) {
        Quota quota = quota(account);
        synchronized (quota) {
            quota.removeLast();
        }
    }

    /** Sends counted in the last hour and the last day, for display. */
    public int[] used(Account account) {
        Quota quota = quota(account);
        Instant now = clock.instant();
        synchronized (quota) {
            return new int[] {quota.hour == null ? 0 : quota.hour.used(now), quota.day == null ? 0 : quota.day.used(now)};
        }
    }

    private Quota quota(Account account) {
        return quotas.computeIfAbsent(account.name(), n -> new Quota(account.limits()));
    }

    private static final class Quota {
        final RollingWindow hour;
        final RollingWindow day;

        Quota(Limits limits) {
            hour = limits.perHour() == null ? null : new RollingWindow(Duration.ofHours(1), limits.perHour());
            day = limits.perDay() == null ? null : new RollingWindow(Duration.ofDays(1), limits.perDay());
        }

        Instant nextRoom(Instant now) {
            Instant free = now;
            for (RollingWindow w : windows()) {
                Instant t = w.nextRoom(now);
                if (t.isAfter(free)) {
                    free = t;
                }
            }
            return free;
        }

        void add(Instant now) {
            windows().forEach(w -> w.add(now));
        }

        void removeLast() {
            windows().forEach(RollingWindow::removeLast);
        }

        private List<RollingWindow> windows() {
            List<RollingWindow> list = new ArrayList<>(2);
            if (hour != null) {
                list.add(hour);
            }
            if (day != null) {
                list.add(day);
            }
            return list;
        }
    }
}
