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
 *   cool-down: {@code coolDown} after the first failure, doubling with each consecutive one up to {@code maxCoolDown}.
 *   A send the server accepts resets it.</li>
 *   <li>An authentication failure disables the account until the worker restarts with a changed configuration,
 *   with a loud log line.</li>
 * </ul>
 * Thread-safe.
 */
public final class AccountHealth {

    private static final Logger LOG = LoggerFactory.getLogger(AccountHealth.class);

    /** What an account's state is. */
    public enum State { HEALTHY, COOLING, DISABLED }

    private final Duration coolDown;
    private final Duration maxCoolDown;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        int consecutive;
        Instant coolUntil = Instant.EPOCH;
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

    /** The server accepted a message: the account's failure streak ends. */
    public void succeeded(String account) {
        Entry e = entries.get(account);
        if (e != null) {
            synchronized (e) {
                e.consecutive = 0;
            }
        }
    }

    /**
     * Records a failed send. Only account-level failures change the state.
     *
     * @return true when the failure was about the account (the message should move to another account)
     */
    public boolean failed(String account, SendFailure failure) {
        if (failure == null || failure.scope() != SendFailure.Scope.ACCOUNT) {
            return false;
        }
        Entry e = entries.computeIfAbsent(account, a -> new Entry());
        synchronized (e) {
            if (failure.reason() == ReasonCode.AUTHENTICATION_FAILED) {
                if (e.disabledBecause == null) {
                    e.disabledBecause = failure.detail();
                    LOG.error("ACCOUNT DISABLED: account '{}' was refused its login ({}). Its mail goes through the other"
                            + " accounts; fix its username or password in the configuration and restart the worker.",
                            account, failure.detail());
                }
                return true;
            }
            e.consecutive++;
            Duration wait = coolDown;
            for (int i = 1; i < e.consecutive && wait.compareTo(maxCoolDown) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            if (wait.compareTo(maxCoolDown) > 0) {
                wait = maxCoolDown;
            }
            e.coolUntil = clock.instant().plus(wait);
            LOG.warn("Account '{}' cools down for {} s after an account-level failure ({}: {}); failure #{} in a row",
                    account, wait.toSeconds(), failure.reason().code(), failure.detail(), e.consecutive);
            return true;
        }
    }
}
