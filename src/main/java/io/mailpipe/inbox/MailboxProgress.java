package io.mailpipe.inbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.mail.Message;

import org.apache.camel.component.mail.DefaultMailUidGenerator;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.component.mail.MailUidGenerator;
import org.apache.camel.spi.IdempotentRepository;

/**
 * Makes every poll of a bounce mailbox progress: a message that stayed in the folder after its turn (it could not be
 * moved, or the processor left it because Kafka did not answer) is parked, and polls pass over it until its retry
 * time (2, 4, 8 ... poll intervals, at most {@link MailboxPollBackoff#MAX_BACKOFF}). camel-mail takes at most
 * {@code maxMessagesPerPoll} messages per poll and asks this repository ({@code idempotentRepository}) about each
 * before it counts it, so parked messages never fill a poll: 150 stuck messages cannot hide the 151st.
 *
 * <p>Messages are keyed by their IMAP UID ({@code UIDVALIDITY.UID}, this class is also the endpoint's
 * {@code mailUidGenerator}), so two reports with one Message-ID stay apart. camel-mail calls {@link #add} when a poll
 * lists a message, {@link #confirm} after the exchange completed (whether or not the message was moved: the processor
 * says so with {@link #left}), {@link #remove} after it failed; a message added and never answered was not moved
 * (the move failed), which {@link #newPoll} finds. Memory: at most {@value #MAX_PARKED} parked keys.
 */
final class MailboxProgress implements IdempotentRepository, MailUidGenerator {
    static final int MAX_PARKED = 100_000;

    /** A message passed over until {@code retryAt}. */
    private record Parked(int failures, Instant retryAt) {
    }

    private final Duration pollInterval;
    private final Clock clock;
    private final Map<String, Parked> parked = new LinkedHashMap<>();
    /** Listed in the current poll, outcome not known yet. */
    private final Set<String> inPoll = new HashSet<>();
    /** Completed without being moved (the processor left them in place). */
    private final Set<String> left = new HashSet<>();
    private final MailUidGenerator fallback = new DefaultMailUidGenerator();

    MailboxProgress(Duration pollInterval, Clock clock) {
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    /** A poll begins ({@link MailboxPollBackoff#begin}): the messages the last one listed and did not move are parked. */
    synchronized void newPoll() {
        for (String key : inPoll) {
            park(key);
        }
        inPoll.clear();
        left.clear();
    }

    /** The processor leaves this message where it is (nothing was decided): it is retried after its back-off. */
    synchronized void left(String key) {
        if (key != null) {
            left.add(key);
        }
    }

    /** How many messages are passed over now. */
    synchronized int parkedCount() {
        Instant now = clock.instant();
        return (int) parked.values().stream().filter(p -> now.isBefore(p.retryAt())).count();
    }

    @Override
    public synchronized boolean add(String key) {
        Parked p = parked.get(key);
        if (p != null && clock.instant().isBefore(p.retryAt())) {
            return false; // camel-mail passes over it without counting it against maxMessagesPerPoll
        }
        inPoll.add(key);
        return true;
    }

    @Override
    public synchronized boolean confirm(String key) {
        inPoll.remove(key);
        if (left.remove(key)) {
            park(key);
        } else {
            parked.remove(key); // moved out of the folder: done
        }
        return true;
    }

    @Override
    public synchronized boolean remove(String key) {
        inPoll.remove(key);
        left.remove(key);
        park(key); // the exchange failed: the message stayed
        return true;
    }

    @Override
    public synchronized boolean contains(String key) {
        return parked.containsKey(key);
    }

    @Override
    public synchronized void clear() {
        parked.clear();
        inPoll.clear();
        left.clear();
    }

    private void park(String key) {
        Parked old = parked.remove(key);
        int failures = old == null ? 1 : old.failures() + 1;
        parked.put(key, new Parked(failures, clock.instant().plus(MailboxPollBackoff.backoff(pollInterval, failures))));
        if (parked.size() > MAX_PARKED) {
            parked.remove(parked.keySet().iterator().next());
        }
    }

    @Override
    public String generateUuid(MailEndpoint endpoint, Message message) {
        String uid = PolledMessage.uid(message);
        return uid != null ? uid : fallback.generateUuid(endpoint, message);
    }

    @Override
    public void start() {
        // in memory: nothing to open
    }

    @Override
    public void stop() {
        // in memory: nothing to close; parked messages are kept across route restarts
    }
}
