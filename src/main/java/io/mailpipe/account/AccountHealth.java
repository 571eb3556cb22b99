package io.mailpipe.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure;

/**
 * Per-account circuit breaker of one worker: a busy or blocked account is not a dead recipient.
 * <ul>
 *   <li>An account-level failure (scope ACCOUNT: throttling, spam block, 421, TLS, connection) puts the account in
 *   cool-down: {@code coolDown} after the first failure, doubling with each further step up to {@code maxCoolDown}.
 *   A send the server accepts, started after the last cool-down ended, resets it.</li>
 *   <li><b>One throttle, one step.</b> Sends run in parallel, so when an account pushes back several sends are
 *   usually in flight and fail alike. A failure of a send that started before the current cool-down ended belongs to
 *   the same episode: the message still moves on, but the cool-down neither restarts nor doubles. The next step needs
 *   a failure of a send started after the cool-down ended.</li>
 *   <li>An authentication failure disables the account until the worker restarts with a changed configuration,
 *   with a loud log line.</li>
 * </ul>
 * Thread-safe.
 */
public final class AccountHealth {

    private static final Logger LOG = LoggerFactory.getLogger(AccountHealth.class);

    /** What an account's state is. */
    public enum State { HEALTHY, COOLING, DISABLED }

    /** What a failure did to the account. */
    public enum Reaction {
        /** Not about the account (scope RECIPIENT, MESSAGE or UNEXPLAINED): no change. */
        NONE,
        /** About the account, and part of the episode already cooling down (a send that was in flight): no change. */
        SAME_EPISODE,
        /** A new episode: the account cools down (one step further than the last one, unless it took mail since). */
        COOLING,
        /** The login was refused: the account is disabled. */
        DISABLED;

        /** Whether the failure was about the account (the message should move to another account). */
        public boolean accountLevel() {
            return this != NONE;
        }

        /** Whether this failure started something the other workers should hear of. */
        public boolean news() {
            return this == COOLING || this == DISABLED;
        }
    }

    private final Duration coolDown;
    private final Duration maxCoolDown;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        int consecutive;
        Instant coolUntil = Instant.EPOCH;
        /** Whether a cool-down has been started (coolUntil is the end of the last episode's). */
        boolean cooled;
        String disabledBecause;
    }

    public AccountHealth(Duration coolDown, Duration maxCoolDown, Clock clock) {
        this.coolDown = coolDown;
        this.maxCoolDown = maxCoolDown;
        this.clock = clock;
    }

    /** Whether the account may be used now. */
    public boolean available(String account) {
        Entry e = entries.get(account);
        if (e == null) {
            return true;
        }
        synchronized (e) {
            return e.disabledBecause == null && !clock.instant().isBefore(e.coolUntil);
        }
    }

    /** When the account may be used again: now when it may, null when it is disabled. */
    public Instant availableAt(String account) {
        Entry e = entries.get(account);
        Instant now = clock.instant();
        if (e == null) {
            return now;
        }
        synchronized (e) {
            if (e.disabledBecause != null) {
                return null;
            }
            return e.coolUntil.isAfter(now) ? e.coolUntil : now;
        }
    }

    public State state(String account) {
        Entry e = entries.get(account);
        if (e == null) {
            return State.HEALTHY;
        }
        synchronized (e) {
            if (e.disabledBecause != null) {
                return State.DISABLED;
            }
            return clock.instant().isBefore(e.coolUntil) ? State.COOLING : State.HEALTHY;
        }
    }

    /**
     * The server accepted a message sent at {@code sentAt}: the account's steps of cool-down start over, unless the
     * send was already in flight before the last cool-down ended (it says nothing about the account now).
     */
    public void succeeded(String account, Instant sentAt) {
        Entry e = entries.get(account);
        if (e != null) {
            synchronized (e) {
                if (sentAt == null || !sentAt.isBefore(e.coolUntil)) {
                    e.consecutive = 0;
                }
            }
        }
    }

    /**
     * Records a failed send. Only account-level failures change the state.
     *
     * @param sentAt when the failed send started (null: now)
     * @return what the failure did; {@link Reaction#accountLevel()} tells whether the message should move on
     */
    public Reaction failed(String account, SendFailure failure, Instant sentAt) {
        if (failure == null || failure.scope() != SendFailure.Scope.ACCOUNT) {
            return Reaction.NONE;
        }
        Entry e = entries.computeIfAbsent(account, a -> new Entry());
        synchronized (e) {
            if (failure.reason() == ReasonCode.AUTHENTICATION_FAILED) {
                if (e.disabledBecause == null) {
                    e.disabledBecause = failure.detail();
                    LOG.error("ACCOUNT DISABLED: account '{}' was refused its login ({}). Its mail goes through the other"
                            + " accounts; fix its username or password in the configuration and restart the worker.",
                            account, failure.detail());
                    return Reaction.DISABLED;
                }
                return Reaction.SAME_EPISODE;
            }
            Instant now = clock.instant();
            Instant started = sentAt == null ? now : sentAt;
            if (e.cooled && started.isBefore(e.coolUntil)) {
                // in flight when the account pushed back: the same throttle, not a new one
                LOG.debug("Account '{}' failed a send that started before its cool-down ended ({}): same episode",
                        account, failure.reason().code());
                return Reaction.SAME_EPISODE;
            }
            e.consecutive++;
            Duration wait = coolDown;
            for (int i = 1; i < e.consecutive && wait.compareTo(maxCoolDown) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            if (wait.compareTo(maxCoolDown) > 0) {
                wait = maxCoolDown;
            }
            e.cooled = true;
            e.coolUntil = now.plus(wait);
            LOG.warn("Account '{}' cools down for {} s after an account-level failure ({}: {}); step {} in a row",
                    account, wait.toSeconds(), failure.reason().code(), failure.detail(), e.consecutive);
            return Reaction.COOLING;
        }
    }

    /** The reason the account was disabled, or null when it is not. */
    public String disabledBecause(String account) {
        Entry e = entries.get(account);
        if (e == null) {
            return null;
        }
        synchronized (e) {
            return e.disabledBecause;
        }
    }
}
