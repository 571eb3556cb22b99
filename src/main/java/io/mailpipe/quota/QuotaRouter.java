package io.mailpipe.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountHealth;
import io.mailpipe.account.AccountSelector;
import io.mailpipe.account.Limits;
import io.mailpipe.config.QuotaSettings;
import io.mailpipe.smtp.SendFailure;

/**
 * The cluster-wide quota router: picks the first account in order that is healthy and has quota, taking sends
 * from leases reserved on the quota ledger ({@link QuotaLedger}). Each worker holds at most one current lease per
 * account; a lease is handed back (with the number of sends it used) when it is used up, expires, or has been idle
 * for {@code quota.idleRelease}, so other workers can have the rest. Thread-safe.
 */
public final class QuotaRouter implements AccountSelector, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QuotaRouter.class);
    /** While waiting for room, look again at least this often (local hand-backs do not show in the ledger). */
    private static final Duration RECHECK = Duration.ofMillis(100);

    private final QuotaLedger ledger;
    private final AccountHealth health;
    private final QuotaSettings settings;
    private final String worker;
    private final int sessions;
    private final Clock clock;
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor;
    /** Learns accounts' real limits from their providers' pushback. */
    private final LimitLearner learner;

    /**
     * @param ledger   the quota ledger (started)
     * @param health   account health of this worker
     * @param settings lease sizes and times
     * @param worker   this worker's id (as in the ledger's book)
     * @param sessions SMTP sessions this worker may open at once per account (its sending threads)
     * @param clock    the clock
     */
    public QuotaRouter(QuotaLedger ledger, AccountHealth health, QuotaSettings settings, String worker, int sessions, Clock clock) {
        this(ledger, health, settings, worker, sessions, clock, true);
    }

    /**
     * @param background whether idle leases are handed back by a background thread (tests call
     *                   {@link #handBackIdle()} themselves)
     */
    public QuotaRouter(QuotaLedger ledger, AccountHealth health, QuotaSettings settings, String worker, int sessions, Clock clock,
                       boolean background) {
        this.ledger = ledger;
        this.health = health;
        this.settings = settings;
        this.worker = worker;
        this.sessions = Math.max(1, sessions);
        this.clock = clock;
        this.learner = new LimitLearner(ledger, worker, settings.dayWindow(), clock, this::heldNow);
        this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailpipe-quota-janitor");
            t.setDaemon(true);
            return t;
        });
        if (background) {
            long every = Math.max(50, Math.min(250, settings.idleRelease().toMillis() / 2));
            janitor.scheduleWithFixedDelay(this::handBackIdle, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public Selection acquire(List<Account> candidates, Duration maxWait) {
        Instant deadline = clock.instant().plus(maxWait);
        while (true) {
            long seen = ledger.changes();
            Selection s = tryOnce(candidates);
            if (s.found()) {
                try {
                    pace(s.ticket());
                } catch (InterruptedException e) {
                    s.ticket().giveBack();
                    Thread.currentThread().interrupt();
                    throw new QuotaLedger.QuotaUnavailableException("Interrupted while pacing a send", e);
                }
                return s;
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline) || s.retryAt() == null) {
                return s;
            }
            Instant until = min(deadline, now.plus(RECHECK));
            if (s.retryAt().isAfter(now)) {
                until = min(until, s.retryAt());
            }
            try {
                ledger.awaitChange(seen, until, clock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
        }
    }

    /**
     * When the account may be used: now, a later time (its own cool-down or one another worker announced), or null
     * when this worker disabled it.
     */
    private Instant availableAt(String account, Instant now) {
        Instant at = now;
        if (!health.available(account)) {
            Instant own = health.availableAt(account);
            if (own == null) {
                return null;
            }
            at = own.isAfter(now) ? own : now;
        }
        Instant shared = ledger.read(book -> book.coolingUntil(account, now));
        return shared != null && shared.isAfter(at) ? shared : at;
    }

    /** The account's health as this worker sees it, cool-downs announced by other workers included. */
    public AccountHealth.State state(String account) {
        AccountHealth.State own = health.state(account);
        if (own == AccountHealth.State.HEALTHY) {
            Instant now = clock.instant();
            if (ledger.read(book -> book.coolingUntil(account, now)) != null) {
                return AccountHealth.State.COOLING;
            }
        }
        return own;
    }

    @Override
    public boolean hasRoom(List<Account> candidates) {
        Instant now = clock.instant();
        for (Account account : candidates) {
            Instant at = availableAt(account.name(), now);
            if (at == null || at.isAfter(now)) {
                continue;
            }
            if (account.limits().unlimited()) {
                return true;
            }
            Holder h = holder(account);
            synchronized (h) {
                if (h.current != null && h.current.usable(now) && !h.busy(now)) {
                    return true;
                }
            }
            Instant room = ledger.read(book -> book.nextRoom(account.name(), now, settings.leaseTtl()));
            if (!room.isAfter(now)) {
                return true;
            }
        }
        return false;
    }

    private Selection tryOnce(List<Account> candidates) {
        Instant earliest = null;
        boolean anyEnabled = false;
        AccountSelector.NoRoom why = AccountSelector.NoRoom.DISABLED;
        for (Account account : candidates) {
            String name = account.name();
            Instant checked = clock.instant();
            Instant at = availableAt(name, checked);
            if (at == null) {
                continue; // disabled by this worker
            }
            anyEnabled = true;
            if (at.isAfter(checked)) {
                earliest = min(earliest, at);
                if (why != AccountSelector.NoRoom.AT_LIMIT) {
                    why = AccountSelector.NoRoom.COOLING;
                }
                continue;
            }
            if (account.limits().unlimited()) {
                return Selection.of(new FreeTicket(account));
            }
            Holder h = holder(account);
            synchronized (h) {
                Instant now = clock.instant();
                Ticket t = h.take(now);
                if (t == null && h.busy(now)) {
                    // this worker's sessions on the account are all in use: look again shortly
                    earliest = min(earliest, now.plus(RECHECK));
                    why = AccountSelector.NoRoom.AT_LIMIT;
                    continue;
                }
                if (t == null) {
                    t = reserve(h, now);
                }
                if (t != null) {
                    return Selection.of(t);
                }
            }
            Instant now = clock.instant();
            Instant room = ledger.read(book -> book.nextRoom(name, now, settings.leaseTtl()));
            earliest = min(earliest, room);
            why = AccountSelector.NoRoom.AT_LIMIT;
        }
        if (!anyEnabled) {
            return Selection.waitUntil(null, AccountSelector.NoRoom.DISABLED);
        }
        return Selection.waitUntil(earliest == null ? clock.instant() : earliest, why);
    }

    /** Reserves a new lease for the holder's account, or returns null when there is no room. Holds h's lock. */
    private Ticket reserve(Holder h, Instant now) {
        Account account = h.account;
        var limits = account.limits();
        int room = ledger.read(book -> book.nextRoom(account.name(), now, settings.leaseTtl()).isAfter(now) ? 0
                : book.room(account.name(), now));
        if (room <= 0) {
            return null;
        }
        int want = Math.min(h.nextSize(now), room);
        if (limits.perSecond() != null) {
            long perTtl = (long) Math.ceil(limits.perSecond() * settings.leaseTtl().toNanos() / 1e9);
            want = (int) Math.max(1, Math.min(want, perTtl));
        }
        int leaseSessions = limits.concurrency() == null ? sessions : Math.min(sessions, limits.concurrency());
        Duration hold = settings.leaseTtl().plus(settings.sendGraceFor(account.timeout()));
        QuotaRecord.Reserve request = new QuotaRecord.Reserve(UUID.randomUUID().toString(), account.name(), worker, want,
                leaseSessions, settings.leaseTtl(), hold);
        // the local deadline is taken before the reservation is written, so it is never later than the broker's
        Instant localDeadline = clock.instant().plus(settings.leaseTtl());
        long started = System.nanoTime();
        QuotaBook.Grant grant = ledger.reserve(request);
        if (LOG.isDebugEnabled()) {
            LOG.debug("account={} lease {}: asked {} got {} in {} us", account.name(), grant.lease(), want, grant.granted(),
                    (System.nanoTime() - started) / 1000);
        }
        if (grant.granted() == 0) {
            return null;
        }
        h.current = new Lease(h, grant, leaseSessions, localDeadline, clock.instant());
        h.last = h.current;
        return h.take(clock.instant());
    }

    /** Hands back leases that are used up, expired or idle and have no send in flight. */
    public void handBackIdle() {
        try {
            Instant now = clock.instant();
            for (Holder h : holders.values()) {
                List<Lease> done = new ArrayList<>();
                synchronized (h) {
                    Lease l = h.current;
                    if (l != null && (!l.usable(now)
                            || l.inFlight == 0 && !now.isBefore(l.lastUse.plus(settings.idleRelease())))) {
                        h.current = null;
                        l.retired = true;
                    }
                    h.retiring.removeIf(r -> {
                        if (r.inFlight == 0) {
                            done.add(r);
                            return true;
                        }
                        return false;
                    });
                    if (l != null && l.retired && l.inFlight == 0) {
                        done.add(l);
                    } else if (l != null && l.retired) {
                        h.retiring.add(l);
                    }
                }
                for (Lease l : done) {
                    releaseQuietly(l);
                }
            }
            learner.learnPending();
            learner.probe(holders.values().stream().map(h -> h.account).toList());
        } catch (RuntimeException e) {
            LOG.warn("Handing back idle leases failed: {}", e.toString());
        }
    }

    private void releaseQuietly(Lease l) {
        try {
            ledger.release(new QuotaRecord.Release(l.grant.lease(), l.grant.account(), l.taken));
        } catch (RuntimeException e) {
            // the lease keeps counting in full until it ages out: conservative, never an over-send
            LOG.warn("Could not hand back lease {} of account {}: {}", l.grant.lease(), l.grant.account(), e.toString());
        }
    }

    /**
     * Sends counted against the account in the hour and the day windows, cluster-wide: {@code {hour, day}}. The
     * unused rest of this worker's own leases is left out (it knows them); other workers' leases count in full
     * until they are handed back.
     */
    public int[] used(Account account) {
        Instant now = clock.instant();
        QuotaBook.Usage u = ledger.read(book -> book.usage(account.name(), now, settings.leaseTtl()));
        int unusedOwn = 0;
        Holder h = holders.get(account.name());
        if (h != null) {
            synchronized (h) {
                if (h.current != null) {
                    unusedOwn += h.current.grant.granted() - h.current.taken;
                }
                for (Lease l : h.retiring) {
                    unusedOwn += l.grant.granted() - l.taken;
                }
            }
        }
        return new int[] {Math.max(0, u.hour() - unusedOwn), Math.max(0, u.day() - unusedOwn)};
    }

    /**
     * The limits the cluster decides the account's sends with now: the configured ones, with hourly and daily limits
     * lowered to those learned from the provider's pushback.
     */
    public Limits limits(Account account) {
        return ledger.read(book -> book.limits(account.name()));
    }

    /** This worker's view of the accounts' health. */
    public AccountHealth health() {
        return health;
    }

    /** Sends this worker has taken and not yet handed back, per account (for metrics and the quota command). */
    public Map<String, Integer> held() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        for (Holder h : holders.values()) {
            synchronized (h) {
                int n = h.current == null ? 0 : h.current.grant.granted() - h.current.taken;
                m.put(h.account.name(), n);
            }
        }
        return m;
    }

    private Holder holder(Account account) {
        return holders.computeIfAbsent(account.name(), n -> new Holder(account));
    }

    /** Hands back every lease (the worker stops; nothing is in flight any more). */
    @Override
    public void close() {
        janitor.shutdownNow();
        for (Holder h : holders.values()) {
            List<Lease> all = new ArrayList<>();
            synchronized (h) {
                if (h.current != null) {
                    all.add(h.current);
                    h.current = null;
                }
                all.addAll(h.retiring);
                h.retiring.clear();
            }
            all.forEach(this::releaseQuietly);
        }
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    /** The leases of one account in this worker. Guarded by its own monitor. */
    private final class Holder {
        final Account account;
        Lease current;
        /** The most recent lease: how it was used sizes the next one. */
        Lease last;
        /** Size of the next lease: grows while leases are used up quickly, shrinks when they go unused. */
        int size = settings.leaseSize();
        final List<Lease> retiring = new ArrayList<>();

        Holder(Account account) {
            this.account = account;
        }

        /**
         * The size to ask for now. A lease used up within half its time doubles the next one (a busy worker pays
         * one ledger round trip per lease, so fewer, larger leases keep up with its rate), up to
         * {@code quota.maxLeaseSize} and a twentieth of the account's smallest count limit (what a crashed worker's
         * lease can hold back from the others until it ages out); a lease handed back unused halves it.
         */
        int nextSize(Instant now) {
            Lease l = last;
            if (l != null) {
                boolean usedUp = l.taken >= l.grant.granted();
                boolean quickly = Duration.between(l.createdAt, l.lastUse).compareTo(settings.leaseTtl().dividedBy(2)) < 0;
                if (usedUp && quickly) {
                    size = Math.max(size, Math.min(size * 2, growthCap()));
                } else if (!usedUp) {
                    size = Math.max(settings.leaseSize(), size / 2);
                }
                last = null;
            }
            return size;
        }

        private int growthCap() {
            var limits = account.limits();
            int cap = settings.maxLeaseSize();
            for (Integer limit : new Integer[] {limits.perHour(), limits.perDay()}) {
                if (limit != null) {
                    cap = Math.min(cap, limit / 20);
                }
            }
            return Math.max(settings.leaseSize(), cap);
        }

        /** The current lease has sends left but all its sessions are in use (concurrency): wait, do not reserve more. */
        boolean busy(Instant now) {
            return current != null && current.usable(now) && current.inFlight >= current.sessions;
        }

        /** Takes a send from the current lease, or returns null (retiring the lease when it is spent). */
        Ticket take(Instant now) {
            Lease l = current;
            if (l == null) {
                return null;
            }
            if (!l.usable(now)) {
                current = null;
                l.retired = true;
                retiring.add(l);
                return null;
            }
            if (l.inFlight >= l.sessions) {
                return null; // every session of the lease is busy: see busy()
            }
            Instant slot = l.slot(l.taken);
            l.taken++;
            l.inFlight++;
            l.lastUse = now;
            return new LeaseTicket(l, slot);
        }
    }

    /** A lease held by this worker. */
    private static final class Lease {
        final Holder holder;
        final QuotaBook.Grant grant;
        /** SMTP sessions this lease reserved: no more sends than that run at once under it. */
        final int sessions;
        final Instant localDeadline;
        final Instant createdAt;
        int taken;
        int inFlight;
        Instant lastUse;
        boolean retired;

        Lease(Holder holder, QuotaBook.Grant grant, int sessions, Instant localDeadline, Instant now) {
            this.holder = holder;
            this.grant = grant;
            this.sessions = sessions;
            this.localDeadline = localDeadline;
            this.createdAt = now;
            this.lastUse = now;
        }

        /** When send number i may start (per-second rates), else null. */
        Instant slot(int i) {
            if (grant.slotStart() == null || grant.rate() == null) {
                return null;
            }
            return grant.slotStart().plusNanos((long) Math.ceil(i * 1e9 / grant.rate()));
        }

        boolean usable(Instant now) {
            if (retired || taken >= grant.granted() || !now.isBefore(localDeadline)) {
                return false;
            }
            Instant slot = slot(taken);
            return slot == null || slot.isBefore(localDeadline);
        }
    }

    /** One send taken from a lease. */
    private final class LeaseTicket implements Ticket {
        private final Lease lease;
        private final Instant slot;
        private boolean done;
        /** When the SMTP transaction started ({@link #readyToSend}). */
        private volatile Instant startedAt;

        LeaseTicket(Lease lease, Instant slot) {
            this.lease = lease;
            this.slot = slot;
        }

        @Override
        public Account account() {
            return lease.holder.account;
        }

        /** Waits for the send's slot when the account has a per-second rate. */
        void pace() throws InterruptedException {
            if (slot != null) {
                long ms = Duration.between(clock.instant(), slot).toMillis();
                if (ms > 0) {
                    Thread.sleep(ms);
                }
            }
        }

        @Override
        public void giveBack() {
            finish(true);
        }

        @Override
        public boolean readyToSend() throws InterruptedException {
            pace();
            // the lease's local deadline was taken before its reservation was written: never later than the
            // cluster's; a send started before it finishes within sendGrace, which the cluster counts
            startedAt = clock.instant();
            return startedAt.isBefore(lease.localDeadline);
        }

        @Override
        public void sent(SendFailure failure) {
            Account account = lease.holder.account;
            // what the provider did not take does not use its quota (limits.countRefused: it does)
            finish(!countsAgainstQuota(account, failure));
            report(account, failure, startedAt);
        }

        private void finish(boolean unused) {
            Lease release = null;
            synchronized (lease.holder) {
                if (done) {
                    return;
                }
                done = true;
                lease.inFlight--;
                if (unused) {
                    lease.taken--;
                }
                lease.lastUse = clock.instant();
                if (lease.retired && lease.inFlight == 0 && lease.holder.retiring.remove(lease)) {
                    release = lease;
                } else if (!lease.retired && lease.inFlight == 0 && lease.taken >= lease.grant.granted()) {
                    // used up: hand it back at once, so its window ends as early as possible
                    lease.retired = true;
                    if (lease.holder.current == lease) {
                        lease.holder.current = null;
                    }
                    release = lease;
                }
            }
            if (release != null) {
                releaseQuietly(release);
            }
            // a thread may wait for one of this lease's sessions: without this it would look again only after RECHECK
            ledger.nudge();
        }
    }

    /** A send through an account without limits: nothing to count. */
    private final class FreeTicket implements Ticket {
        private final Account account;
        private volatile Instant startedAt;

        FreeTicket(Account account) {
            this.account = account;
        }

        @Override
        public Account account() {
            return account;
        }

        @Override
        public void giveBack() {
        }

        @Override
        public boolean readyToSend() {
            startedAt = clock.instant();
            return true;
        }

        @Override
        public void sent(SendFailure failure) {
            report(account, failure, startedAt);
        }
    }

    /**
     * Whether a send counts against the account's hourly and daily limits: when the server took the message (for all
     * or some recipients) or may have (uncertain delivery), or always with {@code limits.countRefused}. A transaction
     * the server refused, and a connection that failed, do not: providers count the mail they accepted.
     */
    static boolean countsAgainstQuota(Account account, SendFailure failure) {
        if (failure == null || account.limits().countsRefused()) {
            return true;
        }
        return failure.reason() == io.mailpipe.outcome.ReasonCode.PARTIALLY_ACCEPTED
                || failure.reason() == io.mailpipe.outcome.ReasonCode.DELIVERY_UNCERTAIN;
    }

    /**
     * Feeds the account's health. A new cool-down (not a send that was in flight when the account pushed back) is
     * announced to the other workers, and a throttle teaches the account's limits ({@code limits.learn}).
     */
    private void report(Account account, SendFailure failure, Instant sentAt) {
        String name = account.name();
        if (failure == null) {
            health.succeeded(name, sentAt);
            return;
        }
        AccountHealth.Reaction reaction = health.failed(name, failure, sentAt);
        if (!reaction.news()) {
            return;
        }
        Instant until = health.availableAt(name);
        if (until == null) {
            // disabled here: the others try it again themselves after the longest cool-down
            until = clock.instant().plus(settings.maxCoolDown());
        }
        ledger.announce(new QuotaRecord.Cooldown(name, worker, until, failure.reason().code(), failure.detail()));
        if (reaction == AccountHealth.Reaction.COOLING) {
            learner.throttled(account, failure);
        }
    }

    /** Sends counted in the hour and the day windows now, without this worker's unused and in-flight sends (learning). */
    private int[] heldNow(Account account) {
        Instant now = clock.instant();
        QuotaBook.Usage u = ledger.read(book -> book.usage(account.name(), now, settings.leaseTtl()));
        int notSent = 0;
        Holder h = holders.get(account.name());
        if (h != null) {
            synchronized (h) {
                List<Lease> own = new ArrayList<>(h.retiring);
                if (h.current != null) {
                    own.add(h.current);
                }
                for (Lease l : own) {
                    notSent += l.grant.granted() - l.taken + l.inFlight;
                }
            }
        }
        return new int[] {Math.max(0, u.hour() - notSent), Math.max(0, u.day() - notSent)};
    }

    /** Waits until a ticket's send may start (per-second pacing); a no-op for other tickets. */
    private static void pace(Ticket ticket) throws InterruptedException {
        if (ticket instanceof LeaseTicket t) {
            t.pace();
        }
    }
}
