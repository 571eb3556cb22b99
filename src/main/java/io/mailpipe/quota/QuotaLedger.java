package io.mailpipe.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * Where workers reserve and hand back sends: the {@code mail.quota} topic in production ({@link KafkaQuotaLedger}).
 * Every implementation feeds a {@link QuotaBook} in one order and decides a reservation from everything before it.
 */
public interface QuotaLedger extends AutoCloseable {

    /** The ledger could not be written or read: an infrastructure problem, the request record is read again later. */
    final class QuotaUnavailableException extends RuntimeException {
        public QuotaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes a reservation and returns what this worker granted itself when it was read back in order.
     *
     * @throws QuotaUnavailableException when the ledger cannot be written or read in time
     */
    QuotaBook.Grant reserve(QuotaRecord.Reserve request);

    /** Hands a lease back, stating how many sends it used. */
    void release(QuotaRecord.Release release);

    /**
     * Tells the other workers about an account: a cool-down after an account-level failure, or limits learned from the
     * provider's pushback. Best effort (never blocks the caller for long).
     */
    void announce(QuotaRecord news);

    /** The book this ledger feeds; guarded by its own monitor (use {@link #read}). */
    QuotaBook book();

    /** Reads something from the book, under its lock. */
    default <T> T read(Function<QuotaBook, T> query) {
        QuotaBook book = book();
        synchronized (book) {
            return query.apply(book);
        }
    }

    /** The book's change counter; pass it to {@link #awaitChange}. */
    default long changes() {
        return read(QuotaBook::changes);
    }

    /**
     * Waits until the book changed since {@code seen} or {@code deadline} passed.
     *
     * @return true when it changed
     */
    boolean awaitChange(long seen, Instant deadline, Clock clock) throws InterruptedException;

    /**
     * Wakes the threads in {@link #awaitChange}: something changed in this worker that the ledger does not carry
     * (a send finished, so one of its lease's sessions is free again).
     */
    default void nudge() {
    }

    @Override
    void close();
}
