package io.mailpipe.ledger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;


/**
 * Which request ids already reached a terminal status, so that a redelivered request is not sent twice: asked of a
 * {@link Store}, in a worker {@link OutcomeState} (the partitions of {@code mail.outcomes} this worker consumes, on
 * local disk), in tests and single-process tools an in-memory set.
 *
 * <p>Within one worker, a request id is processed by one thread at a time ({@link #claim}); the records of a send
 * whose outcome could not be published yet are kept ({@link #pending}) and published again instead of sending
 * again. {@link #awaitCaughtUp} waits until every outcome written so far (by any worker) is known.
 */
public final class RequestLedger {

    /** Waits until the ledger knows every outcome written before the call. */
    @FunctionalInterface
    public interface CatchUp {
        void await(Duration timeout);
    }

    /**
     * Where finished ids are kept. Its methods may wait for the state of the id's partition to be restored, and throw
     * {@link LedgerUnavailableException} when it cannot be in time.
     */
    public interface Store {
        /** True when the ledger key already has a terminal outcome. */
        boolean isFinished(String lineage);

        /** Records that the ledger key reached a terminal status (its outcome was acknowledged). */
        void markFinished(String lineage);

        /** Waits until every outcome written before the call for this ledger key's partition is known. */
        void awaitCaughtUp(String lineage, Duration timeout);

        /** Waits until every outcome written before the call is known, for every partition this worker holds. */
        void awaitCaughtUp(Duration timeout);

        /** Finished ids known (an estimate for an on-disk store). */
        long size();
    }

    /** Ids in memory ({@link FinishedIds}), fed by whoever calls {@link #markFinished}. */
    static final class MemoryStore implements Store {
        private final FinishedIds finished = new FinishedIds();
        private final CatchUp catchUp;

        MemoryStore(CatchUp catchUp) {
            this.catchUp = catchUp;
        }

        @Override
        public boolean isFinished(String lineage) {
            return finished.contains(lineage);
        }

        @Override
        public void markFinished(String lineage) {
            finished.add(lineage);
        }

        @Override
        public void awaitCaughtUp(String lineage, Duration timeout) {
            catchUp.await(timeout);
        }

        @Override
        public void awaitCaughtUp(Duration timeout) {
            catchUp.await(timeout);
        }

        @Override
        public long size() {
            return finished.size();
        }
    }

    /** The ledger cannot tell right now whether a request finished; the record must be processed again later. */
    public static final class LedgerUnavailableException extends RuntimeException {
        public LedgerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What must be published for a send that happened (the pipeline's conclusion of it), and whether it ends the
     * request.
     *
     * @param <P> what the caller publishes
     */
    public record Pending<P>(P payload, boolean terminal) {
        public Pending {
            java.util.Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * The ledger key of a request: its id, or for a record re-published by {@code mailpipe replay} the id together
     * with the replay key, so that a replayed request is processed once although its id already finished.
     */
    public static String lineage(String requestId, String replayKey) {
        return replayKey == null || replayKey.isEmpty() ? requestId : requestId + REPLAY_SEPARATOR + replayKey;
    }

    /** Between a request id and its replay key in a ledger key. */
    static final String REPLAY_SEPARATOR = "\u0000replay:";

    private final Store finished;
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Pending<?>> pending = new ConcurrentHashMap<>();

    /** A ledger in memory that is always caught up (nothing else writes outcomes): for tests and single-process tools. */
    public RequestLedger() {
        this(timeout -> { });
    }

    /** A ledger in memory; {@code catchUp} waits until whoever feeds it ({@link #markFinished}) is up to date. */
    public RequestLedger(CatchUp catchUp) {
        this(new MemoryStore(catchUp));
    }

    public RequestLedger(Store store) {
        this.finished = store;
    }

    /** Waits until every outcome written before this call is known (every partition this worker holds). */
    public void awaitCaughtUp(Duration timeout) {
        finished.awaitCaughtUp(timeout);
    }

    /** Waits until every outcome written before this call is known for the partition of this ledger key. */
    public void awaitCaughtUp(String lineage, Duration timeout) {
        finished.awaitCaughtUp(lineage, timeout);
    }

    /** Records that a request id reached a terminal status. */
    public void markFinished(String requestId) {
        finished.markFinished(requestId);
    }

    /** True when the request id already has a terminal outcome. */
    public boolean isFinished(String requestId) {
        return finished.isFinished(requestId);
    }

    /** Number of finished request ids known (an estimate for an on-disk store). */
    public long size() {
        return finished.size();
    }

    /**
     * Claims a request id for processing in this worker. Returns empty when the id already finished; waits while
     * another thread of this worker processes the same id.
     */
    public Optional<Claim> claim(String requestId, Duration maxWait) {
        while (true) {
            if (finished.isFinished(requestId)) {
                return Optional.empty();
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> other = inFlight.putIfAbsent(requestId, mine);
            if (other == null) {
                if (finished.isFinished(requestId)) {
                    inFlight.remove(requestId, mine);
                    mine.complete(null);
                    return Optional.empty();
                }
                return Optional.of(new Claim(requestId, mine));
            }
            try {
                other.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerUnavailableException("Interrupted while waiting for request " + requestId, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new LedgerUnavailableException("Request " + requestId + " is still being processed by another thread", e);
            }
        }
    }

    /**
     * What a finished send left to publish that Kafka has not acknowledged yet, to publish again instead of sending
     * again.
     *
     * @param type what the caller published (checked)
     */
    public <P> Optional<Pending<P>> pending(String requestId, Class<P> type) {
        Pending<?> p = pending.get(requestId);
        if (p == null) {
            return Optional.empty();
        }
        return Optional.of(new Pending<>(type.cast(p.payload()), p.terminal()));
    }

    /** A processing claim on one request id; {@link #close()} releases it. */
    public final class Claim implements AutoCloseable {
        private final String requestId;
        private final CompletableFuture<Void> done;

        private Claim(String requestId, CompletableFuture<Void> done) {
            this.requestId = requestId;
            this.done = done;
        }

        /** Remembers records that must be published for a send that happened, until {@link #published}. */
        public void sendHappened(Pending<?> records) {
            pending.put(requestId, records);
        }

        /** The records were acknowledged; a terminal status makes the id finished. */
        public void published(boolean terminalStatus) {
            pending.remove(requestId);
            if (terminalStatus) {
                finished.markFinished(requestId);
            }
        }

        /** Releases the claim; calling it again does nothing. */
        @Override
        public void close() {
            inFlight.remove(requestId, done);
            done.complete(null);
        }
    }
}
