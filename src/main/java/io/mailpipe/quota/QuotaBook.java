package io.mailpipe.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailpipe.account.Limits;

/**
 * One worker's reading of the quota ledger: every lease of every account that can still count against a limit,
 * built by applying the ledger's records in log order. Pure and single-threaded ({@link QuotaLedger} guards it).
 *
 * <h2>How a lease counts</h2>
 * A lease reserved at log time {@code t} (the record's log-append time) may start sends until {@code t + sendFor}
 * and a send started in time may run until {@code t + hold}. Its sends therefore all happen within
 * {@code [t, end]}, where {@code end = t + hold}, or the release time when it was released earlier. For a window of
 * length {@code W} (an hour, a day) the lease counts until {@code end + W}: with {@code used} sends once released,
 * with what was granted once confirmed, and with everything asked for before that.
 *
 * <h2>Why no limit is exceeded</h2>
 * Take any window {@code (x, x+W]} and the leases whose sends fall in it; let {@code L} be the one reserved last, at
 * {@code t* <= x+W}. Every other such lease was reserved at or before {@code t*} and ends after {@code x}, so it still
 * counted at {@code t*} (its {@code end + W > x + W >= t*}), with at least as many sends as it made. {@code L}'s
 * requester granted itself only what fitted next to them, so the window holds at most the limit. This needs no
 * agreement between workers on anything but the log: each requester decides for itself from its own reading, and
 * counting others' unconfirmed requests in full only ever over-counts.
 *
 * <p>Concurrency counts the sessions of leases that are neither released nor past {@code t + hold}. A per-second
 * rate gives each lease a run of send slots {@code 1/rate} apart, starting after the slots of every earlier lease
 * (an unconfirmed lease of another worker is assumed to use its whole {@code [t, t + sendFor)}).
 *
 * <h2>Learned limits</h2>
 * A {@link QuotaRecord.Learned} record lowers an account's hourly and daily limits to what the provider's pushback
 * showed, from its place in the log on, for every reader alike: reservations after it are decided with
 * {@code min(configured, learned)} ({@link #limits(String)}). Lower limits only make the argument above stricter. The
 * book also counts, per window, the sends of leases reserved since that window's learned value was set
 * ({@link LearnedLimits#sentSinceHour()}): once they reach the learned value, the limit has held and may rise.
 */
public final class QuotaBook {

    /** A lease as this book knows it. */
    public static final class Lease {
        final String id;
        final String account;
        final String worker;
        final Instant at;
        final int requested;
        final int sessions;
        final Duration sendFor;
        final Duration hold;
        int granted;
        boolean confirmed;
        Instant slotStart;
        Double rate;
        Instant releasedAt;
        Integer used;

        Lease(QuotaRecord.Reserve r, Instant at) {
            this.id = r.lease();
            this.account = r.account();
            this.worker = r.worker();
            this.at = at;
            this.requested = r.sends();
            this.sessions = r.sessions();
            this.sendFor = r.sendFor();
            this.hold = r.hold();
            this.granted = r.sends();
        }

        /** When its last send is over at the latest. */
        Instant end() {
            Instant holdEnd = at.plus(hold);
            return releasedAt != null && releasedAt.isBefore(holdEnd) ? releasedAt : holdEnd;
        }

        /** Sends it counts for. */
        int count() {
            return used != null ? used : granted;
        }

        boolean activeAt(Instant t) {
            return releasedAt == null && at.plus(hold).isAfter(t);
        }

        /** The end of its per-second slots. */
        Instant slotEnd() {
            if (!confirmed || slotStart == null || rate == null) {
                return at.plus(sendFor);
            }
            Instant end = slotStart.plus(slots(granted, rate));
            if (used != null && releasedAt != null) {
                Instant lastUsed = slotStart.plus(slots(used, rate));
                Instant shortened = releasedAt.isAfter(lastUsed) ? releasedAt : lastUsed;
                if (shortened.isBefore(end)) {
                    end = shortened;
                }
            }
            return end;
        }

        public String id() {
            return id;
        }

        public int granted() {
            return granted;
        }

        public Instant at() {
            return at;
        }

        public Instant slotStart() {
            return slotStart;
        }
    }

    /** What a worker granted itself for one of its reservations. */
    public record Grant(String lease, String account, Instant at, int requested, int granted, Instant slotStart, Double rate) {
        /** Whether others need a confirmation record to count it right. */
        public boolean needsConfirm() {
            return granted < requested || slotStart != null;
        }
    }

    /** Use of one account as this book sees it at a time. */
    public record Usage(String account, int hour, int day, int sessions, Instant nextRoom) {
    }

    /**
     * The limits learned for an account (null: the configured one applies to that window).
     *
     * @param perHour       learned sends per hour window, or null
     * @param perDay        learned sends per day window, or null
     * @param sentSinceHour sends made (released leases) since the hourly value was set
     * @param sentSinceDay  sends made since the daily value was set
     * @param since         log time of the record that last set a value
     * @param reply         the reply of the pushback that taught them, if known
     */
    public record LearnedLimits(Integer perHour, Integer perDay, int sentSinceHour, int sentSinceDay, Instant since,
                                String reply) {
    }

    /** The learned limits of one account as the log set them. */
    private static final class Learned {
        Integer perHour;
        Integer perDay;
        Instant hourSince;
        Instant daySince;
        int hourSent;
        int daySent;
        Instant since;
        String reply;

        LearnedLimits view() {
            return new LearnedLimits(perHour, perDay, hourSent, daySent, since, reply);
        }
    }

    private final String worker;
    private final Duration hourWindow;
    private final Duration dayWindow;
    private final Map<String, Limits> limits;
    private final Map<String, Map<String, Lease>> byAccount = new HashMap<>();
    private final Map<String, Lease> byId = new HashMap<>();
    private Instant clock = Instant.EPOCH;
    private long changes;
    /** Cool-downs other workers announced, by account; only those written after {@link #sharedSince}. */
    private final Map<String, Instant> coolUntil = new HashMap<>();
    /** The latest refused login announced per account (for {@code mailpipe quota}). */
    private final Map<String, QuotaRecord.Cooldown> loginRefused = new HashMap<>();
    private Instant sharedSince = Instant.EPOCH;
    /** Limits learned from pushback, by account. */
    private final Map<String, Learned> learned = new HashMap<>();

    /**
     * @param worker     this worker's id: its own reservations are decided when applied
     * @param hourWindow length of the per-hour window
     * @param dayWindow  length of the per-day window
     * @param limits     limits by account name, used to decide this worker's own reservations
     */
    public QuotaBook(String worker, Duration hourWindow, Duration dayWindow, Map<String, Limits> limits) {
        this.worker = worker;
        this.hourWindow = hourWindow;
        this.dayWindow = dayWindow;
        this.limits = Map.copyOf(limits);
    }

    /**
     * Applies the next record of the ledger.
     *
     * @param record    the record
     * @param timestamp its log-append time
     * @return the decision when the record is one of this worker's reservations, else null
     */
    public Grant apply(QuotaRecord record, Instant timestamp) {
        // log-append times can step back a little when the broker's clock does; never let time run backwards
        Instant t = timestamp.isAfter(clock) ? timestamp : clock;
        clock = t;
        changes++;
        prune(t);
        if (record instanceof QuotaRecord.Reserve r) {
            if (byId.containsKey(r.lease())) {
                return null; // a producer retry wrote it twice: the first one counts
            }
            Lease lease = new Lease(r, t);
            if (worker.equals(r.worker())) {
                Grant grant = decide(lease, t);
                if (grant.granted() > 0) {
                    add(lease);
                }
                return grant;
            }
            add(lease);
            return null;
        }
        if (record instanceof QuotaRecord.Confirm c) {
            Lease lease = byId.get(c.lease());
            if (lease != null && !lease.worker.equals(worker)) {
                if (c.granted() == 0) {
                    remove(lease);
                } else {
                    lease.granted = Math.min(lease.requested, c.granted());
                    lease.confirmed = true;
                    lease.slotStart = c.slotStart();
                    lease.rate = c.rate();
                }
            }
            return null;
        }
        if (record instanceof QuotaRecord.Cooldown c) {
            // older ones were decided before this worker started, maybe about configuration it no longer has
            if (!worker.equals(c.worker()) && !timestamp.isBefore(sharedSince)) {
                coolUntil.merge(c.account(), c.until(), (a, b) -> a.isAfter(b) ? a : b);
                if ("authentication_failed".equals(c.reason())) {
                    loginRefused.put(c.account(), c);
                }
            }
            return null;
        }
        if (record instanceof QuotaRecord.Learned l) {
            learn(l, t);
            return null;
        }
        if (record instanceof QuotaRecord.Release r) {
            Lease lease = byId.get(r.lease());
            if (lease != null && lease.releasedAt == null) {
                lease.releasedAt = t;
                lease.used = Math.min(r.used(), lease.granted);
                Learned st = learned.get(lease.account);
                if (st != null) {
                    if (st.hourSince != null && !lease.at.isBefore(st.hourSince)) {
                        st.hourSent += lease.used;
                    }
                    if (st.daySince != null && !lease.at.isBefore(st.daySince)) {
                        st.daySent += lease.used;
                    }
                }
            }
        }
        return null;
    }

    private void learn(QuotaRecord.Learned l, Instant t) {
        Learned st = learned.get(l.account());
        if (l.source() == QuotaRecord.LearnSource.REFRESH && st != null) {
            if (java.util.Objects.equals(st.perHour, l.perHour()) && java.util.Objects.equals(st.perDay, l.perDay())) {
                st.since = t; // the same limits, written again: only their age changes
            }
            return; // otherwise written from an older reading: this reader knows newer ones
        }
        if (l.perHour() == null && l.perDay() == null) {
            learned.remove(l.account());
            return;
        }
        if (st == null) {
            st = new Learned();
            learned.put(l.account(), st);
        }
        boolean pushback = l.source() == QuotaRecord.LearnSource.PUSHBACK;
        if (pushback || !java.util.Objects.equals(st.perHour, l.perHour())) {
            st.perHour = l.perHour();
            st.hourSince = l.perHour() == null ? null : t;
            st.hourSent = 0;
        }
        if (pushback || !java.util.Objects.equals(st.perDay, l.perDay())) {
            st.perDay = l.perDay();
            st.daySince = l.perDay() == null ? null : t;
            st.daySent = 0;
        }
        st.since = t;
        if (l.reply() != null) {
            st.reply = l.reply();
        }
    }

    /**
     * The limits reservations of the account are decided with: the configured ones, with the hourly and daily limits
     * lowered to learned ones where there are any.
     */
    public Limits limits(String account) {
        Limits l = limits.getOrDefault(account, Limits.NONE);
        Learned st = learned.get(account);
        if (st == null) {
            return l;
        }
        return new Limits(lower(l.perHour(), st.perHour), lower(l.perDay(), st.perDay), l.perSecond(), l.concurrency(),
                l.learn(), l.countRefused());
    }

    /** The account's learned limits, or null when it has none. */
    public LearnedLimits learned(String account) {
        Learned st = learned.get(account);
        return st == null ? null : st.view();
    }

    private static Integer lower(Integer configured, Integer learnedValue) {
        if (learnedValue == null) {
            return configured;
        }
        return configured == null ? learnedValue : Math.min(configured, learnedValue);
    }

    private Grant decide(Lease lease, Instant t) {
        Limits l = limits(lease.account);
        int room = lease.requested;
        if (l.perHour() != null) {
            room = Math.min(room, l.perHour() - counted(lease.account, hourWindow, t));
        }
        if (l.perDay() != null) {
            room = Math.min(room, l.perDay() - counted(lease.account, dayWindow, t));
        }
        if (l.concurrency() != null && sessions(lease.account, t) + lease.sessions > l.concurrency()) {
            room = 0;
        }
        Instant slotStart = null;
        if (l.perSecond() != null && room > 0) {
            Instant frontier = slotFrontier(lease.account);
            slotStart = frontier.isAfter(t) ? frontier : t;
            long nanos = Duration.between(slotStart, t.plus(lease.sendFor)).toNanos();
            // a slot i is usable when it begins before the lease's sendFor ends: i < nanos * rate
            long fit = nanos <= 0 ? 0 : (long) Math.ceil(nanos / 1e9 * l.perSecond());
            room = (int) Math.min(room, fit);
        }
        int granted = Math.max(0, room);
        lease.granted = granted;
        lease.confirmed = true;
        lease.slotStart = granted > 0 ? slotStart : null;
        lease.rate = l.perSecond();
        return new Grant(lease.id, lease.account, t, lease.requested, granted, lease.slotStart, l.perSecond());
    }

    /** Sends counted in a window of length {@code window} at {@code t}. */
    int counted(String account, Duration window, Instant t) {
        int sum = 0;
        for (Lease lease : leases(account)) {
            if (lease.end().plus(window).isAfter(t)) {
                sum += lease.count();
            }
        }
        return sum;
    }

    /** Leases of the account not handed back and not past their hold at {@code t}: sends may still be under way. */
    public int openLeases(String account, Instant t) {
        int n = 0;
        for (Lease lease : leases(account)) {
            if (lease.activeAt(t)) {
                n++;
            }
        }
        return n;
    }

    int sessions(String account, Instant t) {
        int sum = 0;
        for (Lease lease : leases(account)) {
            if (lease.activeAt(t)) {
                sum += lease.sessions;
            }
        }
        return sum;
    }

    private Instant slotFrontier(String account) {
        Instant frontier = Instant.EPOCH;
        for (Lease lease : leases(account)) {
            Instant end = lease.slotEnd();
            if (end.isAfter(frontier)) {
                frontier = end;
            }
        }
        return frontier;
    }

    /**
     * The earliest time, not before {@code now}, at which a reservation of one send for the account would be
     * granted if nothing else happened in the meantime. Leases handed back early bring it forward.
     *
     * @param sendFor the sendFor the reservation would ask for (matters for per-second rates only)
     */
    public Instant nextRoom(String account, Instant now, Duration sendFor) {
        Limits l = limits(account);
        Instant at = now;
        if (l.perHour() != null) {
            at = later(at, windowRoom(account, hourWindow, l.perHour(), now));
        }
        if (l.perDay() != null) {
            at = later(at, windowRoom(account, dayWindow, l.perDay(), now));
        }
        if (l.concurrency() != null) {
            at = later(at, sessionRoom(account, l.concurrency(), now));
        }
        if (l.perSecond() != null) {
            Instant frontier = slotFrontier(account);
            at = later(at, frontier.minus(sendFor).plusNanos(1));
        }
        return at;
    }

    /** Sends that would be granted right now (ignoring concurrency and rate), or {@code Integer.MAX_VALUE}. */
    public int room(String account, Instant now) {
        Limits l = limits(account);
        int room = Integer.MAX_VALUE;
        if (l.perHour() != null) {
            room = Math.min(room, l.perHour() - counted(account, hourWindow, now));
        }
        if (l.perDay() != null) {
            room = Math.min(room, l.perDay() - counted(account, dayWindow, now));
        }
        return Math.max(0, room);
    }

    private Instant windowRoom(String account, Duration window, int limit, Instant now) {
        List<Lease> counting = new ArrayList<>();
        int sum = 0;
        for (Lease lease : leases(account)) {
            if (lease.end().plus(window).isAfter(now)) {
                counting.add(lease);
                sum += lease.count();
            }
        }
        if (sum < limit) {
            return now;
        }
        counting.sort(Comparator.comparing(Lease::end));
        for (Lease lease : counting) {
            sum -= lease.count();
            if (sum < limit) {
                return lease.end().plus(window);
            }
        }
        return now; // limit 0 with nothing counting cannot happen: sum >= limit > sum
    }

    private Instant sessionRoom(String account, int concurrency, Instant now) {
        List<Lease> active = new ArrayList<>();
        int sum = 0;
        for (Lease lease : leases(account)) {
            if (lease.activeAt(now)) {
                active.add(lease);
                sum += lease.sessions;
            }
        }
        if (sum < concurrency) {
            return now;
        }
        active.sort(Comparator.comparing(lease -> lease.at.plus(lease.hold)));
        for (Lease lease : active) {
            sum -= lease.sessions;
            if (sum < concurrency) {
                return lease.at.plus(lease.hold);
            }
        }
        return now;
    }

    /** Use of an account at {@code now}. */
    public Usage usage(String account, Instant now, Duration sendFor) {
        return new Usage(account, counted(account, hourWindow, now), counted(account, dayWindow, now),
                sessions(account, now), nextRoom(account, now, sendFor));
    }

    /** Leases of an account in reservation order (for tests and diagnostics). */
    public List<Lease> leases(String account) {
        Map<String, Lease> m = byAccount.get(account);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** Cool-downs announced before this time are not applied (set it to the worker's start). */
    public void shareCooldownsSince(Instant since) {
        this.sharedSince = since;
    }

    /** Until when another worker asked to leave the account alone, or null. */
    public Instant coolingUntil(String account, Instant now) {
        Instant until = coolUntil.get(account);
        return until != null && until.isAfter(now) ? until : null;
    }

    /**
     * The latest announcement that the account's login was refused (the worker that saw it disabled the account), while
     * the account still cools down in the other workers; null otherwise.
     */
    public QuotaRecord.Cooldown loginRefused(String account, Instant now) {
        QuotaRecord.Cooldown c = loginRefused.get(account);
        return c != null && coolingUntil(account, now) != null ? c : null;
    }

    /** Log time of the last record applied. */
    public Instant clock() {
        return clock;
    }

    /** Grows with every record applied (waiters use it to notice a change). */
    public long changes() {
        return changes;
    }

    /** Counts a change that is not in the ledger (a worker's own send finished), so that waiters look again. */
    void touch() {
        changes++;
    }

    private void add(Lease lease) {
        byId.put(lease.id, lease);
        byAccount.computeIfAbsent(lease.account, a -> new LinkedHashMap<>()).put(lease.id, lease);
    }

    private void remove(Lease lease) {
        byId.remove(lease.id);
        Map<String, Lease> m = byAccount.get(lease.account);
        if (m != null) {
            m.remove(lease.id);
        }
    }

    /** Forgets leases that can no longer count for anything. */
    private void prune(Instant t) {
        Duration longest = hourWindow.compareTo(dayWindow) > 0 ? hourWindow : dayWindow;
        for (Map<String, Lease> m : byAccount.values()) {
            Iterator<Lease> it = m.values().iterator();
            while (it.hasNext()) {
                Lease lease = it.next();
                if (!lease.end().plus(longest).isAfter(t) && !lease.activeAt(t) && !lease.slotEnd().isAfter(t)) {
                    it.remove();
                    byId.remove(lease.id);
                }
            }
        }
    }

    private static Duration slots(int n, double rate) {
        return Duration.ofNanos((long) Math.ceil(n * 1e9 / rate));
    }

    private static Instant later(Instant a, Instant b) {
        return b.isAfter(a) ? b : a;
    }
}
