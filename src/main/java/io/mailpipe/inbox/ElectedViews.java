package io.mailpipe.inbox;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounce views' life on one worker: read when the worker is elected to poll the bounce mailboxes, and only then
 * is polling started; polling stopped and the views dropped when it is deposed or closed. A worker that is not the
 * poller holds none of them.
 * <p>
 * The views are read on a thread of their own ({@code mailpipe-bounce-views}), so the election keeps its group
 * membership while a long history is read. When reading fails (Kafka away, a topic missing, not caught up in time),
 * or polling cannot be started, the failure is logged, nothing polls, and reading is tried again after a growing
 * back-off for as long as the worker stays elected; a new election starts afresh. Every attempt belongs to one term
 * of office: views read for a term that has ended (deposed meanwhile) are closed and never polled with.
 */
final class ElectedViews<V extends ElectedViews.Views> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ElectedViews.class);

    /** Views read from Kafka that can say what they hold and let it go. */
    interface Views extends AutoCloseable {
        /** What the views hold, for the log: topics and counts, no addresses. */
        String describe();

        @Override
        void close();
    }

    private final Supplier<V> read;
    private final Runnable startPolling;
    private final Runnable stopPolling;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService reader;
    private final Object lock = new Object();
    /** Counts the elections and depositions: an attempt goes on only while the term it was started for lasts. */
    private long term;
    private boolean closed;
    private volatile V views;

    /**
     * @param read         reads the views to the end of their topics, or throws
     * @param startPolling starts polling the mailboxes (called with the views held)
     * @param stopPolling  stops polling, waiting for a message being decided (called before the views are dropped)
     * @param firstBackoff wait before the second attempt; doubled after each failure up to {@code maxBackoff}
     */
    ElectedViews(Supplier<V> read, Runnable startPolling, Runnable stopPolling, Duration firstBackoff, Duration maxBackoff) {
        this.read = read;
        this.startPolling = startPolling;
        this.stopPolling = stopPolling;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailpipe-bounce-views");
            t.setDaemon(true);
            return t;
        });
    }

    /** The views, or null when this worker holds none (not elected, still reading, or reading failed). */
    V current() {
        return views;
    }

    /** This worker was elected: reads the views, then starts polling. Returns at once. */
    void elected() {
        long t;
        synchronized (lock) {
            if (closed || views != null) {
                return; // closed, or elected already and polling
            }
            t = ++term;
            reader.execute(() -> attempt(t, 1));
        }
    }

    /** This worker was deposed: stops polling and drops the views (an attempt under way is given up). */
    void deposed() {
        synchronized (lock) {
            term++;
        }
        drop();
    }

    private void attempt(long t, int attempt) {
        if (!current(t)) {
            return;
        }
        long started = System.nanoTime();
        V v;
        try {
            v = read.get();
        } catch (RuntimeException e) {
            retry(t, attempt, "could not be read", e);
            return;
        }
        RuntimeException notStarted = null;
        boolean over;
        synchronized (lock) {
            over = closed || t != term;
            if (!over) {
                views = v;
                try {
                    startPolling.run();
                } catch (RuntimeException e) {
                    notStarted = e;
                }
            }
        }
        if (over) {
            v.close(); // deposed while reading: these views are of no use
            return;
        }
        if (notStarted != null) {
            drop();
            retry(t, attempt, "were read, but polling could not be started", notStarted);
            return;
        }
        LOG.info("Bounce views read {} in {} s; polling the mailboxes now", v.describe(),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
    }

    private void retry(long t, int attempt, String what, RuntimeException e) {
        synchronized (lock) {
            if (closed || t != term) {
                return;
            }
            Duration wait = backoff(attempt);
            LOG.error("Bounce views {} (attempt {}): {}; the bounce mailboxes are not polled until they are; trying again"
                    + " in {} s", what, attempt, e.getMessage(), wait.toSeconds());
            reader.schedule(() -> attempt(t, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** How long to wait after failed attempt n: firstBackoff, doubled each time, at most maxBackoff. */
    Duration backoff(int attempt) {
        Duration d = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private boolean current(long t) {
        synchronized (lock) {
            return !closed && t == term;
        }
    }

    /** Stops polling (if it runs), then lets the views go. */
    private void drop() {
        V old;
        synchronized (lock) {
            old = views;
            if (old == null) {
                return;
            }
            try {
                stopPolling.run();
            } catch (RuntimeException e) {
                // a route that keeps polling finds no views and leaves every message where it is
                LOG.warn("Could not stop polling the bounce mailboxes: {}", e.toString());
            }
            views = null;
        }
        String held = old.describe();
        old.close();
        LOG.info("Bounce views dropped ({}): this worker does not poll the mailboxes", held);
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            term++;
        }
        reader.shutdownNow(); // interrupts a read under way
        try {
            if (!reader.awaitTermination(15, TimeUnit.SECONDS)) {
                LOG.warn("The bounce views reader did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drop();
    }
}
