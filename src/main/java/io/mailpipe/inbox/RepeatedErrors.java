package io.mailpipe.inbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;

/**
 * Logs a failure that repeats (Kafka refusing every record of a poll, a message that cannot be moved poll after poll)
 * once, then only a count: "... failed again 240 times since 10:02:00Z" at most every {@code summaryEvery}, and a
 * line when it works again. One line each, no stack trace: a stuck mailbox must not fill the disk with logs.
 * Failures are told apart by what failed and their cause; words with digits are left out (an IMAP tag, a UID, a port
 * or a timing does not make a new cause).
 */
final class RepeatedErrors {
    private static final int MAX_KINDS = 100;

    /** One kind of failure so far. */
    private static final class Tally {
        final Instant first;
        long total = 1;
        long unreported;
        Instant lastLine;

        Tally(Instant now) {
            this.first = now;
            this.lastLine = now;
        }
    }

    private final Logger log;
    private final String mailbox;
    private final Clock clock;
    private final Duration summaryEvery;
    private final Map<String, Tally> tallies = new LinkedHashMap<>();

    RepeatedErrors(Logger log, String mailbox, Clock clock, Duration summaryEvery) {
        this.log = log;
        this.mailbox = mailbox;
        this.clock = clock;
        this.summaryEvery = summaryEvery;
    }

    /** A failure of {@code what} (e.g. "publishing to Kafka"): logged the first time, then counted. */
    synchronized void failed(String what, Throwable cause) {
        String description = MailboxPollFailures.describe(cause);
        // tokens with digits (an IMAP tag "A12", a UID, a server's timing "(0.001 + 0.000 secs)") make no new cause
        String key = what + ": " + description.replaceAll("\\S*\\d\\S*", "#").replaceAll("#(?:[\\s+]*#)+", "#");
        Instant now = clock.instant();
        Tally t = tallies.get(key);
        if (t == null) {
            if (tallies.size() >= MAX_KINDS) {
                tallies.remove(tallies.keySet().iterator().next());
            }
            tallies.put(key, new Tally(now));
            log.warn("bounce mailbox {}: {} failed: {} (repeats are counted, not logged)", mailbox, what, description);
            return;
        }
        t.total++;
        t.unreported++;
        if (!now.isBefore(t.lastLine.plus(summaryEvery))) {
            log.warn("bounce mailbox {}: {} failed again {} time(s) since {} ({} in all): {}", mailbox, what, t.unreported,
                    t.lastLine, t.total, description);
            t.unreported = 0;
            t.lastLine = now;
        }
    }

    /** {@code what} worked: if it had failed, one line says so with the count, and the count starts again. */
    synchronized void succeeded(String what) {
        String prefix = what + ": ";
        var it = tallies.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Tally> e = it.next();
            if (e.getKey().startsWith(prefix)) {
                log.info("bounce mailbox {}: {} works again after {} failure(s) since {}", mailbox, what, e.getValue().total,
                        e.getValue().first);
                it.remove();
            }
        }
    }

    /** How many times failures of {@code what} happened since it last worked (for tests and metrics). */
    synchronized long count(String what) {
        String prefix = what + ": ";
        return tallies.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().total).sum();
    }
}
