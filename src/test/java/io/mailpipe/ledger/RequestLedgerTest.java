package io.mailpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RequestLedger}: finished ids are never claimed again, one thread at a time holds an id (the next one waits
 * for it, then sees whether it finished), a claim that is never released times out as "ledger unavailable", and the
 * records of a send are kept until they are published.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestLedgerTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final long BOUND_SECONDS = 10;

    private final RequestLedger ledger = new RequestLedger();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<RequestLedger.Claim> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void release() {
        toClose.forEach(RequestLedger.Claim::close);
        pool.shutdownNow();
    }

    private RequestLedger.Claim claimNow(String id) {
        RequestLedger.Claim claim = ledger.claim(id, Duration.ofMillis(100)).orElseThrow();
        toClose.add(claim);
        return claim;
    }

    /** A claim attempt on another thread; returns once that thread is parked waiting for the current holder. */
    private Waiter claimFromAnotherThread(String id, Duration maxWait) throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        Future<Optional<RequestLedger.Claim>> result = pool.submit(() -> {
            thread.complete(Thread.currentThread());
            Optional<RequestLedger.Claim> claim = ledger.claim(id, maxWait);
            claim.ifPresent(toClose::add);
            return claim;
        });
        Thread waiting = thread.get(BOUND_SECONDS, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (waiting.getState() != Thread.State.TIMED_WAITING && !result.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the claiming thread never started to wait: " + waiting.getState());
            }
            Thread.onSpinWait();
        }
        return new Waiter(result);
    }

    private record Waiter(Future<Optional<RequestLedger.Claim>> result) {
        Optional<RequestLedger.Claim> get() throws Exception {
            return result.get(BOUND_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static ProducerRecord<byte[], byte[]> outcome(String id) {
        return new ProducerRecord<>("mail.outcomes", id.getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- finished ids

    @Test
    void finishedIdIsNotClaimed() {
        ledger.markFinished("done");

        assertThat(ledger.claim("done", Duration.ofMillis(10))).isEmpty();
        assertThat(ledger.isFinished("done")).isTrue();
        assertThat(ledger.isFinished("other")).isFalse();
        assertThat(ledger.size()).isEqualTo(1);
    }

    /** How a claim ends (published terminal / published not terminal / not published), and whether the id is finished. */
    static Stream<Arguments> endings() {
        return Stream.of(
                arguments("published, terminal", Boolean.TRUE, true),
                arguments("published, not terminal (DEFERRED)", Boolean.FALSE, false),
                arguments("not published (Kafka failed)", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void nextClaimOnTheSameThreadSeesHowTheLastEnded(String name, Boolean publishedTerminal, boolean finished) {
        try (RequestLedger.Claim claim = ledger.claim("id-1", Duration.ofMillis(100)).orElseThrow()) {
            if (publishedTerminal != null) {
                claim.published(publishedTerminal);
            }
        }

        Optional<RequestLedger.Claim> next = ledger.claim("id-1", Duration.ofMillis(100));
        next.ifPresent(toClose::add);

        assertThat(next.isEmpty()).isEqualTo(finished);
        assertThat(ledger.isFinished("id-1")).isEqualTo(finished);
    }

    // ---------------------------------------------------------------- one thread at a time

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void secondClaimWaitsForTheFirstThenSeesHowItEnded(String name, Boolean publishedTerminal, boolean finished)
            throws Exception {
        RequestLedger.Claim first = claimNow("id-2");
        Waiter second = claimFromAnotherThread("id-2", LONG);

        assertThat(second.result().isDone()).as("waits while the first holds the id").isFalse();
        if (publishedTerminal != null) {
            first.published(publishedTerminal);
        }
        assertThat(second.result().isDone()).as("publishing alone does not release the claim").isFalse();
        first.close();

        Optional<RequestLedger.Claim> claim = second.get();
        assertThat(claim.isEmpty()).isEqualTo(finished);
    }

    @Test
    void otherIdsAreNotHeldUp() {
        claimNow("held");

        Optional<RequestLedger.Claim> other = ledger.claim("free", Duration.ofMillis(1));

        assertThat(other).isPresent();
        other.get().close();
    }

    @Test
    void claimTimesOutAsLedgerUnavailableWhenTheHolderNeverReleases() {
        claimNow("stuck");

        assertThatThrownBy(() -> ledger.claim("stuck", Duration.ofMillis(50)))
                .isInstanceOf(RequestLedger.LedgerUnavailableException.class)
                .hasMessageContaining("stuck")
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void interruptedWaitIsLedgerUnavailableAndKeepsTheInterruptFlag() throws Exception {
        claimNow("held");
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                ledger.claim("held", LONG);
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (waiter.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("waiter parked").isLessThan(deadline);
            Thread.onSpinWait();
        }

        waiter.interrupt();

        assertThat(thrown.get(BOUND_SECONDS, TimeUnit.SECONDS)).isInstanceOf(RequestLedger.LedgerUnavailableException.class);
        assertThat(interruptedAfter.get(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingTwiceIsHarmless() {
        RequestLedger.Claim claim = ledger.claim("twice", Duration.ofMillis(100)).orElseThrow();
        claim.close();
        claim.close();

        Optional<RequestLedger.Claim> again = ledger.claim("twice", Duration.ofMillis(100));

        assertThat(again).isPresent();
        again.get().close();
    }

    @Test
    void closingAnOldClaimAgainDoesNotReleaseTheNextHolder() {
        RequestLedger.Claim old = ledger.claim("id-3", Duration.ofMillis(100)).orElseThrow();
        old.close();
        RequestLedger.Claim current = claimNow("id-3");

        old.close();

        assertThat(current).isNotSameAs(old);
        assertThatThrownBy(() -> ledger.claim("id-3", Duration.ofMillis(50)))
                .as("the current holder still holds the id")
                .isInstanceOf(RequestLedger.LedgerUnavailableException.class);
    }

    @Test
    void manyThreadsHoldAnIdOneAtATime() throws Exception {
        int threads = 8;
        int rounds = 200;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    try (RequestLedger.Claim claim = ledger.claim("hot", LONG).orElseThrow()) {
                        mostAtOnce.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        Thread.yield();
                        holders.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(BOUND_SECONDS * 2, TimeUnit.SECONDS);
        }

        assertThat(mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void onlyOneOfManyRacingThreadsGetsAnIdThatTheWinnerFinishes() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                Optional<RequestLedger.Claim> claim = ledger.claim("race", LONG);
                claim.ifPresent(c -> {
                    c.published(true);
                    c.close();
                });
                return claim.isPresent();
            }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
            winners += f.get(BOUND_SECONDS * 2, TimeUnit.SECONDS) ? 1 : 0;
        }

        assertThat(winners).isEqualTo(1);
        assertThat(ledger.isFinished("race")).isTrue();
    }

    // ---------------------------------------------------------------- pending sends

    @Test
    void pendingIsKeptUntilPublished() {
        RequestLedger.Pending<List<ProducerRecord<byte[], byte[]>>> pending = new RequestLedger.Pending<>(List.of(outcome("p")), true);
        try (RequestLedger.Claim claim = ledger.claim("p", Duration.ofMillis(100)).orElseThrow()) {
            claim.sendHappened(pending);
        }

        assertThat(ledger.pending("p", List.class)).get().extracting(RequestLedger.Pending::payload).isEqualTo(pending.payload());
        assertThat(ledger.isFinished("p")).as("not finished before its outcome is acknowledged").isFalse();
        RequestLedger.Claim next = ledger.claim("p", Duration.ofMillis(100)).orElseThrow();
        assertThat(ledger.pending("p", List.class)).as("still kept for the next claim").isPresent();

        next.published(pending.terminal());
        next.close();

        assertThat(ledger.pending("p", List.class)).isEmpty();
        assertThat(ledger.isFinished("p")).isTrue();
        assertThat(ledger.claim("p", Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void publishedNonTerminalClearsPendingWithoutFinishing() {
        try (RequestLedger.Claim claim = ledger.claim("q", Duration.ofMillis(100)).orElseThrow()) {
            claim.sendHappened(new RequestLedger.Pending<>(List.of(outcome("q")), false));
            claim.published(false);
        }

        assertThat(ledger.pending("q", List.class)).isEmpty();
        assertThat(ledger.isFinished("q")).isFalse();
    }

    @Test
    void pendingIsReadBackAsTheTypeItWasKeptAs() {
        try (RequestLedger.Claim claim = ledger.claim("t", Duration.ofMillis(100)).orElseThrow()) {
            claim.sendHappened(new RequestLedger.Pending<>("payload", true));
        }

        assertThat(ledger.pending("t", String.class)).get().extracting(RequestLedger.Pending::payload).isEqualTo("payload");
        assertThatThrownBy(() -> ledger.pending("t", Integer.class)).isInstanceOf(ClassCastException.class);
    }

    @Test
    void awaitCaughtUpAsksTheCatchUp() {
        List<Duration> asked = new ArrayList<>();
        RequestLedger tailing = new RequestLedger(asked::add);

        tailing.awaitCaughtUp(Duration.ofSeconds(7));

        assertThat(asked).containsExactly(Duration.ofSeconds(7));
    }
}
