package io.mailpipe.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A quota ledger in memory for unit tests: records are "appended" with the test clock's time and applied at once,
 * to this worker's book and to the books of any simulated peers.
 */
public final class InMemoryQuotaLedger implements QuotaLedger {

    private final Clock clock;
    private final QuotaBook book;
    private final List<QuotaBook> peers = new ArrayList<>();
    private final List<QuotaRecord> log = new ArrayList<>();

    public InMemoryQuotaLedger(QuotaBook book, Clock clock) {
        this.book = book;
        this.clock = clock;
    }

    /** Another worker reading the same log (its own reservations are decided in its own book). */
    public synchronized InMemoryQuotaLedger withPeer(QuotaBook peer) {
        peers.add(peer);
        return this;
    }

    /** Appends a record as another worker would. */
    public synchronized QuotaBook.Grant append(QuotaRecord r) {
        Instant t = clock.instant();
        log.add(r);
        QuotaBook.Grant mine;
        synchronized (book) {
            mine = book.apply(r, t);
            book.notifyAll();
        }
        QuotaBook.Grant theirs = null;
        for (QuotaBook peer : peers) {
            QuotaBook.Grant g = peer.apply(r, t);
            if (g != null) {
                theirs = g;
            }
        }
        return mine != null ? mine : theirs;
    }

    public synchronized List<QuotaRecord> log() {
        return List.copyOf(log);
    }

    @Override
    public QuotaBook.Grant reserve(QuotaRecord.Reserve request) {
        QuotaBook.Grant grant = append(request);
        if (grant.needsConfirm()) {
            append(new QuotaRecord.Confirm(grant.lease(), grant.account(), grant.granted(), grant.slotStart(), grant.rate()));
        }
        return grant;
    }

    @Override
    public void release(QuotaRecord.Release release) {
        append(release);
    }

    @Override
    public <T> T read(Function<QuotaBook, T> query) {
        synchronized (book) {
            return query.apply(book);
        }
    }

    @Override
    public long changes() {
        synchronized (book) {
            return book.changes();
        }
    }

    @Override
    public boolean awaitChange(long seen, Instant deadline, Clock waitClock) throws InterruptedException {
        // the test clock does not move by itself: report "no change" at once
        synchronized (book) {
            return book.changes() != seen;
        }
    }

    @Override
    public void close() {
    }
}
