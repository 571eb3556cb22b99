package io.mailpipe.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A quota ledger in memory for unit tests. A {@link Log} plays the topic: records are appended with the test
 * clock's time and applied at once, in order, to the book of every worker that joined it.
 */
public final class InMemoryQuotaLedger implements QuotaLedger {

    /** The shared topic. */
    public static final class Log {
        private final Clock clock;
        private final List<QuotaBook> books = new ArrayList<>();
        private final List<QuotaRecord> records = new ArrayList<>();

        public Log(Clock clock) {
            this.clock = clock;
        }

        /** A worker whose book reads this log. */
        public synchronized InMemoryQuotaLedger join(QuotaBook book) {
            books.add(book);
            return new InMemoryQuotaLedger(this, book);
        }

        /** Appends a record; returns the decision of the book that owns it, if it is a reservation. */
        public synchronized QuotaBook.Grant append(QuotaRecord r) {
            Instant t = clock.instant();
            records.add(r);
            QuotaBook.Grant grant = null;
            for (QuotaBook book : books) {
                synchronized (book) {
                    QuotaBook.Grant g = book.apply(r, t);
                    if (g != null) {
                        grant = g;
                    }
                    book.notifyAll();
                }
            }
            return grant;
        }

        public synchronized List<QuotaRecord> records() {
            return List.copyOf(records);
        }
    }

    private final Log log;
    private final QuotaBook book;

    private InMemoryQuotaLedger(Log log, QuotaBook book) {
        this.log = log;
        this.book = book;
    }

    /** A ledger with a log of its own. */
    public static InMemoryQuotaLedger alone(QuotaBook book, Clock clock) {
        return new Log(clock).join(book);
    }

    public Log log() {
        return log;
    }

    @Override
    public QuotaBook.Grant reserve(QuotaRecord.Reserve request) {
        QuotaBook.Grant grant = log.append(request);
        if (grant.needsConfirm()) {
            log.append(new QuotaRecord.Confirm(grant.lease(), grant.account(), grant.granted(), grant.slotStart(), grant.rate()));
        }
        return grant;
    }

    @Override
    public void release(QuotaRecord.Release release) {
        log.append(release);
    }

    @Override
    public void announce(QuotaRecord news) {
        log.append(news);
    }

    @Override
    public QuotaBook book() {
        return book;
    }

    @Override
    public boolean awaitChange(long seen, Instant deadline, Clock waitClock) {
        // the test clock does not move by itself: answer at once
        synchronized (book) {
            return book.changes() != seen;
        }
    }

    @Override
    public void close() {
    }
}
