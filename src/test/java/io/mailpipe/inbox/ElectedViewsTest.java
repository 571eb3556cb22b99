package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.LogCapture;

/**
 * The bounce views' life on one worker: polling starts only after the views were read, a failed read leaves the
 * mailboxes unpolled and is tried again, deposition stops polling before the views are dropped, and views read for a
 * term that ended are never polled with.
 */
class ElectedViewsTest {

    /** What happened, in order: read, start, stop, close:&lt;n&gt;. */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    /** Reads that fail before one succeeds. */
    private volatile int failures;
    /** Held by a read until counted down (a long history). */
    private volatile CountDownLatch slowRead = new CountDownLatch(0);

    private final class FakeViews implements ElectedViews.Views {
        final int n;

        FakeViews(int n) {
            this.n = n;
        }

        @Override
        public String describe() {
            return "fake views #" + n;
        }

        @Override
        public void close() {
            events.add("close:" + n);
        }
    }

    private final ElectedViews<FakeViews> views = new ElectedViews<>(() -> {
        int n = reads.incrementAndGet();
        try {
            slowRead.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        if (n <= failures) {
            events.add("failed read");
            throw new IllegalStateException("Kafka is away (read " + n + ")");
        }
        events.add("read");
        return new FakeViews(n);
    }, () -> events.add("start"), () -> events.add("stop"), Duration.ofMillis(20), Duration.ofMillis(80));

    @AfterEach
    void close() {
        views.close();
    }

    @Test
    void pollingStartsOnlyOnceTheViewsAreRead() {
        try (LogCapture logs = LogCapture.begin()) {
            views.elected();

            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("start"));
            assertThat(events).containsExactly("read", "start");
            assertThat(views.current().n).isEqualTo(1);
            assertThat(logs.lines()).anyMatch(l -> l.contains("Bounce views read fake views #1 in ")
                    && l.contains(" s; polling the mailboxes now"));
        }
    }

    @Test
    void aFailedReadLeavesTheMailboxesUnpolledAndIsTriedAgain() {
        failures = 2;
        try (LogCapture logs = LogCapture.begin()) {
            views.elected();

            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("start"));
            assertThat(events).containsExactly("failed read", "failed read", "read", "start");
            assertThat(views.current().n).isEqualTo(3);
            assertThat(logs.lines()).anyMatch(l -> l.contains("Bounce views could not be read (attempt 1): Kafka is away (read 1);"
                    + " the bounce mailboxes are not polled until they are; trying again in 0 s"));
            assertThat(logs.lines()).anyMatch(l -> l.contains("(attempt 2): Kafka is away (read 2)"));
        }
    }

    @Test
    void deposedStopsPollingBeforeTheViewsAreDropped() {
        views.elected();
        await().atMost(Duration.ofSeconds(5)).until(() -> views.current() != null);

        try (LogCapture logs = LogCapture.begin()) {
            views.deposed();

            assertThat(events).containsExactly("read", "start", "stop", "close:1");
            assertThat(views.current()).isNull();
            assertThat(logs.lines()).anyMatch(l -> l.contains("Bounce views dropped (fake views #1)"));
        }

        views.elected(); // elected again: read afresh
        await().atMost(Duration.ofSeconds(5)).until(() -> views.current() != null);
        assertThat(views.current().n).isEqualTo(2);
        assertThat(events).containsExactly("read", "start", "stop", "close:1", "read", "start");
    }

    @Test
    void viewsReadForATermThatEndedAreClosedAndNeverPolledWith() {
        slowRead = new CountDownLatch(1);
        views.elected();
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() == 1);

        views.deposed();
        slowRead.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("close:1"));
        assertThat(events).containsExactly("read", "close:1");
        assertThat(views.current()).isNull();
    }

    @Test
    void retriesEndWithTheTerm() {
        failures = Integer.MAX_VALUE;
        views.elected();
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() >= 2);

        views.deposed();
        int after = reads.get();

        // while elected it read every 80 ms at most; deposed, it stops (one read may have begun just before)
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> reads.get() <= after + 1);
        assertThat(events).doesNotContain("start");
        assertThat(views.current()).isNull();
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        assertThat(List.of(views.backoff(1), views.backoff(2), views.backoff(3), views.backoff(4), views.backoff(60)))
                .containsExactly(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80), Duration.ofMillis(80),
                        Duration.ofMillis(80));
    }
}
