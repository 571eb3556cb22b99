package io.mailpipe.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure;

/**
 * Learns accounts' real limits from their providers' pushback, for one worker, and writes them to the quota ledger
 * where every worker's book applies them ({@link QuotaRecord.Learned}, docs/quota.md "Learned limits"):
 * <ul>
 *   <li>a throttle that starts a new cool-down ({@code rate_limited}, or {@code account_refused}: a refusal judged
 *   the account's) is learned from once the account has no lease out any more, so that every send under way has
 *   ended and been counted as the provider counted it (at most {@link #LEARN_WAIT});</li>
 *   <li>the shortest window that explains the pushback learns what it held: the hour, unless it held fewer sends than
 *   an hourly limit learned before (or none); then the day;</li>
 *   <li>a learned value that held (as many sends again since it was set, without pushback) rises a tenth, at least
 *   one; at the configured limit it is dropped;</li>
 *   <li>learned limits older than half the day window are written again, so that a worker started later reads
 *   them within the ledger's look-back.</li>
 * </ul>
 * A block ({@code account_blocked}), a refused login or a connection failure teaches nothing: it is not about volume.
 * Thread-safe.
 */
final class LimitLearner {

    private static final Logger LOG = LoggerFactory.getLogger(LimitLearner.class);
    /** Failures that say the provider counts the account's volume. */
    private static final Set<ReasonCode> THROTTLES = EnumSet.of(ReasonCode.RATE_LIMITED, ReasonCode.ACCOUNT_REFUSED);
    /** How long a lesson waits at most for the leases of the throttled account to come back. */
    static final Duration LEARN_WAIT = Duration.ofMinutes(2);

    private final QuotaLedger ledger;
    private final String worker;
    private final Duration dayWindow;
    private final Clock clock;
    /** The sends an account's hour and day windows hold now, as the cluster counts them ({@code {hour, day}}). */
    private final Function<Account, int[]> held;
    /** Throttles not yet learned from, by account. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** The last probe or refresh this worker wrote, by account (not to write the same twice). */
    private final Map<String, String> lastWritten = new ConcurrentHashMap<>();

    private record Pending(Account account, SendFailure failure, Instant at) {
    }

    LimitLearner(QuotaLedger ledger, String worker, Duration dayWindow, Clock clock, Function<Account, int[]> held) {
        this.ledger = ledger;
        this.worker = worker;
        this.dayWindow = dayWindow;
        this.clock = clock;
        this.held = held;
    }

    /** The account started a new cool-down after this failure: a throttle is learned from once its sends are back. */
    void throttled(Account account, SendFailure failure) {
        if (THROTTLES.contains(failure.reason()) && account.limits().learns()) {
            pending.putIfAbsent(account.name(), new Pending(account, failure, clock.instant()));
        }
    }

    /** Learns from the throttles whose accounts have no lease out any more, or that waited {@link #LEARN_WAIT}. */
    void learnPending() {
        Instant now = clock.instant();
        for (Pending p : List.copyOf(pending.values())) {
            String name = p.account().name();
            boolean drained = ledger.read(book -> book.openLeases(name, now)) == 0;
            if (drained || !now.isBefore(p.at().plus(LEARN_WAIT))) {
                pending.remove(name, p);
                learn(p.account(), p.failure());
            }
        }
    }

    private void learn(Account account, SendFailure failure) {
        int[] counts = held.apply(account);
        Limits configured = account.limits();
        QuotaBook.LearnedLimits before = ledger.read(book -> book.learned(account.name()));
        Integer perHour = before == null ? null : before.perHour();
        Integer perDay = before == null ? null : before.perDay();
        boolean hour = counts[0] >= 1 && (perHour == null || counts[0] >= perHour);
        Integer value = hour ? below(counts[0], configured.perHour()) : below(counts[1], configured.perDay());
        if (value == null) {
            LOG.info("Account '{}' was throttled ({}) with {} sends in its hour window and {} in its day window: nothing"
                    + " to learn (none, or as many as configured)", account.name(), failure.reason().code(), counts[0],
                    counts[1]);
            return;
        }
        if (hour) {
            perHour = value;
        } else {
            perDay = value;
        }
        String reply = failure.reply() != null ? failure.reply().toString() : failure.detail();
        try {
            ledger.announce(new QuotaRecord.Learned(account.name(), worker, perHour, perDay,
                    QuotaRecord.LearnSource.PUSHBACK, reply.length() > 300 ? reply.substring(0, 300) : reply));
        } catch (RuntimeException e) {
            LOG.warn("Could not record the limits account '{}' taught: {}", account.name(), e.toString());
            return;
        }
        LOG.warn("Account '{}' learned its limits from the provider's pushback: {} per hour (configured {}), {} per day"
                        + " (configured {}); its {} window held {} sends when it replied: {}", account.name(),
                orDash(perHour), orDash(configured.perHour()), orDash(perDay), orDash(configured.perDay()),
                hour ? "hour" : "day", value, reply);
    }

    /**
     * Raises the learned limits of these accounts that held, and writes again those older than half the day window.
     */
    void probe(Collection<Account> accounts) {
        Instant now = clock.instant();
        for (Account account : accounts) {
            QuotaBook.LearnedLimits l = ledger.read(book -> book.learned(account.name()));
            if (l == null) {
                continue;
            }
            Integer perHour = l.perHour() != null && l.sentSinceHour() >= l.perHour()
                    ? raised(l.perHour(), account.limits().perHour()) : l.perHour();
            Integer perDay = l.perDay() != null && l.sentSinceDay() >= l.perDay()
                    ? raised(l.perDay(), account.limits().perDay()) : l.perDay();
            QuotaRecord.LearnSource source;
            if (!Objects.equals(perHour, l.perHour()) || !Objects.equals(perDay, l.perDay())) {
                source = QuotaRecord.LearnSource.PROBE;
            } else if (l.since().isBefore(now.minus(dayWindow.dividedBy(2)))) {
                source = QuotaRecord.LearnSource.REFRESH;
            } else {
                continue;
            }
            String target = source + " " + perHour + "/" + perDay + " since " + l.since();
            if (target.equals(lastWritten.put(account.name(), target))) {
                continue; // written already; the ledger has not read it back yet
            }
            try {
                ledger.announce(new QuotaRecord.Learned(account.name(), worker, perHour, perDay, source, null));
            } catch (RuntimeException e) {
                lastWritten.remove(account.name());
                LOG.warn("Could not record account '{}''s learned limits: {}", account.name(), e.toString());
                continue;
            }
            if (source == QuotaRecord.LearnSource.PROBE) {
                LOG.info("Account '{}' sent as many as its learned limits allowed without pushback: now {} per hour, {} per"
                        + " day (configured {}, {})", account.name(), orDash(perHour), orDash(perDay),
                        orDash(account.limits().perHour()), orDash(account.limits().perDay()));
            }
        }
    }

    /** A learned value one step up (a tenth, at least one), or null once it reaches the configured limit. */
    static Integer raised(int learned, Integer configured) {
        int next = learned + Math.max(1, (int) Math.ceil(learned / 10.0));
        return configured != null && next >= configured ? null : next;
    }

    /** A learned value: the sends a window held, when that is at least one and below the configured limit. */
    private static Integer below(int held, Integer configured) {
        if (held < 1 || (configured != null && held >= configured)) {
            return null;
        }
        return held;
    }

    private static String orDash(Integer v) {
        return v == null ? "-" : v.toString();
    }
}
