package io.mailpipe.loadtest;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.mailpipe.kafka.TopicTail;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;

/**
 * Reads {@code mail.outcomes} from the beginning in the background and files each event under its {@link Phase}
 * (request ids are {@code <phase prefix>-<index>}): counts by status, terminal outcomes per request, and the
 * request-to-outcome latency of each request's first terminal outcome (outcome record timestamp minus request
 * record timestamp; both are CreateTime from this machine's clock).
 */
final class OutcomeWatcher implements AutoCloseable {
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    OutcomeWatcher(String bootstrapServers, String outcomesTopic) {
        TopicTail tail = new TopicTail(bootstrapServers, outcomesTopic);
        thread = new Thread(() -> {
            try (tail) {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(100))) {
                        accept(r);
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }, "outcome-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Registers a phase before its requests are published. */
    Phase phase(String name, String prefix, int size) {
        Phase p = new Phase(name, prefix, size);
        phases.put(prefix, p);
        return p;
    }

    /** Outcome events whose id belongs to no phase of this run. */
    long foreign() {
        return foreign.get();
    }

    long unreadable() {
        return unreadable.get();
    }

    void checkAlive() {
        if (failure != null) {
            throw new IllegalStateException("reading the outcomes failed: " + failure, failure);
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        OutcomeEvent event;
        try {
            event = OutcomeJson.read(r.value());
        } catch (IOException | RuntimeException e) {
            unreadable.incrementAndGet();
            return;
        }
        String id = event.id();
        int dash = id == null ? -1 : id.lastIndexOf('-');
        Phase phase = dash < 0 ? null : phases.get(id.substring(0, dash));
        int index;
        try {
            index = phase == null ? -1 : Integer.parseInt(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            index = -1;
        }
        if (phase == null || index < 0 || index >= phase.size) {
            foreign.incrementAndGet();
            return;
        }
        phase.accept(index, event.status().name(), event.status().isTerminal(), r.timestamp());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    /** The requests of one publishing phase and what became of them. */
    static final class Phase {
        final String name;
        final String prefix;
        final int size;
        private final AtomicLongArray publishedAt;
        private final int[] terminalCount;
        private final long[] latencyMillis;
        private final Map<String, Long> statusCounts = new TreeMap<>();
        private volatile int finished;
        private int extraTerminal;
        private long firstOutcome = Long.MAX_VALUE;
        private long lastOutcome = Long.MIN_VALUE;

        private Phase(String name, String prefix, int size) {
            this.name = name;
            this.prefix = prefix;
            this.size = size;
            this.publishedAt = new AtomicLongArray(size);
            this.terminalCount = new int[size];
            this.latencyMillis = new long[size];
        }

        int size() {
            return size;
        }

        String name() {
            return name;
        }

        String id(int index) {
            return prefix + "-" + index;
        }

        void published(int index, long timestampMillis) {
            publishedAt.set(index, timestampMillis);
        }

        /** Requests that have at least one terminal outcome. */
        int finished() {
            return finished;
        }

        private synchronized void accept(int index, String status, boolean terminal, long timestamp) {
            statusCounts.merge(status, 1L, Long::sum);
            if (!terminal) {
                return;
            }
            if (terminalCount[index]++ > 0) {
                extraTerminal++;
                return;
            }
            long sent = publishedAt.get(index);
            latencyMillis[index] = sent == 0 ? -1 : Math.max(0, timestamp - sent);
            firstOutcome = Math.min(firstOutcome, timestamp);
            lastOutcome = Math.max(lastOutcome, timestamp);
            finished = finished + 1;
        }

        /** What is known now. */
        synchronized Result result() {
            long firstPublished = Long.MAX_VALUE;
            for (int i = 0; i < size; i++) {
                long t = publishedAt.get(i);
                if (t != 0) {
                    firstPublished = Math.min(firstPublished, t);
                }
            }
            long[] latencies = new long[finished];
            int n = 0;
            int missing = 0;
            for (int i = 0; i < size; i++) {
                if (terminalCount[i] == 0) {
                    missing++;
                } else if (latencyMillis[i] >= 0) {
                    latencies[n++] = latencyMillis[i];
                }
            }
            latencies = Arrays.copyOf(latencies, n);
            Arrays.sort(latencies);
            return new Result(size, finished, missing, extraTerminal, new TreeMap<>(statusCounts), firstPublished,
                    firstOutcome, lastOutcome, Percentiles.of(latencies));
        }
    }

    /**
     * @param requests          requests published
     * @param finished          requests with a terminal outcome
     * @param missing           requests without one
     * @param extraTerminal     terminal outcomes beyond the first of a request (0 when every request has exactly one)
     * @param statusCounts      every outcome event by status (DEFERRED too)
     * @param firstPublished    timestamp of the first request record (ms)
     * @param firstOutcome      timestamp of the first terminal outcome record (ms)
     * @param lastOutcome       timestamp of the last terminal outcome record (ms)
     */
    record Result(int requests, int finished, int missing, int extraTerminal, Map<String, Long> statusCounts,
                  long firstPublished, long firstOutcome, long lastOutcome, Percentiles latency) {

        /** Messages per second between the first and the last outcome. */
        double rateFirstToLast() {
            return finished < 2 || lastOutcome <= firstOutcome ? Double.NaN
                    : (finished - 1) * 1000.0 / (lastOutcome - firstOutcome);
        }

        /** Messages per second from the first request published to the last outcome. */
        double rateOverall() {
            return finished < 1 || lastOutcome <= firstPublished ? Double.NaN
                    : finished * 1000.0 / (lastOutcome - firstPublished);
        }

        long sent() {
            return statusCounts.getOrDefault("SENT", 0L);
        }
    }

    /** p50, p99 and max of sorted values (ms); nearest-rank percentiles. */
    record Percentiles(long count, long p50, long p99, long max) {
        static Percentiles of(long[] sorted) {
            if (sorted.length == 0) {
                return new Percentiles(0, -1, -1, -1);
            }
            return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
        }

        static long rank(long[] sorted, double p) {
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }
}
