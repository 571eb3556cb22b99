package io.mailpipe.inbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll strategy of a bounce mailbox route ({@code pollStrategy}): after a failed poll (IMAP server down, login
 * refused, connection reset) the next polls are skipped for a back-off that doubles with each failure in a row, from
 * twice the poll interval up to {@link #MAX_BACKOFF} (or the poll interval, when that is longer). The log says so once
 * per failure, with the time of the next poll, and says when the mailbox is reachable again. No hot loop, no log
 * flood, whatever the poll interval.
 */
public final class MailboxPollBackoff implements PollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxPollBackoff.class);
    /** The longest wait between two polls of a failing mailbox (unless the poll interval is longer). */
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final String mailbox;
    private final Duration pollInterval;
    private final Clock clock;
    /** After a refused login: arranges a new access token and says whether to try again at once (OAuth2 only). */
    private final java.util.function.BooleanSupplier renewLogin;
    /** Told when a poll goes ahead ({@link MailboxProgress#newPoll}). */
    private final Runnable onPoll;
    private int failuresInARow;
    private Instant nextPoll = Instant.MIN;

    public MailboxPollBackoff(String mailbox, Duration pollInterval, Clock clock) {
        this(mailbox, pollInterval, clock, () -> false);
    }

    /**
     * @param renewLogin called when the server refused the login (an AuthenticationFailedException): true when a new
     *                   access token was arranged, and the poll is then tried once more at once before it counts as failed
     */
    public MailboxPollBackoff(String mailbox, Duration pollInterval, Clock clock, java.util.function.BooleanSupplier renewLogin) {
        this(mailbox, pollInterval, clock, renewLogin, () -> {
        });
    }

    /** @param onPoll told when a poll goes ahead ({@link MailboxProgress#newPoll}) */
    MailboxPollBackoff(String mailbox, Duration pollInterval, Clock clock, java.util.function.BooleanSupplier renewLogin,
                       Runnable onPoll) {
        this.mailbox = mailbox;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.renewLogin = renewLogin;
        this.onPoll = onPoll;
    }

    @Override
    public synchronized boolean begin(Consumer consumer, Endpoint endpoint) {
        // false skips this poll: still backing off
        if (clock.instant().isBefore(nextPoll)) {
            return false;
        }
        onPoll.run();
        return true;
    }

    @Override
    public synchronized void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (failuresInARow > 0) {
            LOG.info("Bounce mailbox {} polled again after {} failed poll(s); back to polling every {} s", mailbox,
                    failuresInARow, pollInterval.toSeconds());
        }
        failuresInARow = 0;
        nextPoll = Instant.MIN;
    }

    @Override
    public synchronized boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        if (retryCounter == 0 && loginRefused(cause) && renewLogin.getAsBoolean()) {
            LOG.info("bounce mailbox {}: the server refused the access token; polling once more with a new one", mailbox);
            return true;
        }
        failuresInARow++;
        Duration wait = backoff(failuresInARow);
        nextPoll = clock.instant().plus(wait);
        LOG.warn("bounce mailbox {}: poll failed ({} in a row): {}; backing off, next poll in {} s at {}", mailbox,
                failuresInARow, MailboxPollFailures.describe(cause), wait.toSeconds(), nextPoll);
        return false; // never retry at once
    }

    /** The wait after {@code failures} failed polls in a row: 2, 4, 8, ... poll intervals, capped. */
    Duration backoff(int failures) {
        return backoff(pollInterval, failures);
    }

    /**
     * The wait after {@code failures} failures in a row: 2, 4, 8, ... poll intervals, at most {@link #MAX_BACKOFF} (or
     * one poll interval when that is longer).
     */
    static Duration backoff(Duration pollInterval, int failures) {
        Duration cap = pollInterval.compareTo(MAX_BACKOFF) > 0 ? pollInterval : MAX_BACKOFF;
        Duration wait = pollInterval;
        for (int i = 0; i < failures && wait.compareTo(cap) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(cap) > 0 ? cap : wait;
    }

    private static boolean loginRefused(Throwable cause) {
        int depth = 0;
        for (Throwable t = cause; t != null && depth++ < 8; t = t.getCause()) {
            if (t instanceof jakarta.mail.AuthenticationFailedException) {
                return true;
            }
        }
        return false;
    }

    synchronized int failuresInARow() {
        return failuresInARow;
    }

}
