package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;

/** Exactly one of several workers polls the bounce mailboxes, and another takes over when it goes. */
class PollerLeadershipIT {

    @Test
    void oneWorkerIsElectedAndAnotherTakesOverWhenItStops() {
        KafkaSettings.Topics topics = TestWorkers.topics("election");
        TestWorkers.config(topics, List.of()); // creates the one-partition quota topic the election runs on
        String group = "g-" + topics.requests() + ".bounce-poller";
        AtomicInteger polling = new AtomicInteger();
        AtomicBoolean overlap = new AtomicBoolean();
        PollerLeadership[] workers = new PollerLeadership[3];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new PollerLeadership(TestKafka.bootstrapServers(), topics.quota(), group, Duration.ofSeconds(6),
                    () -> overlap.compareAndSet(false, polling.incrementAndGet() > 1), polling::decrementAndGet).start();
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> leaders(workers) == 1);
            PollerLeadership first = java.util.Arrays.stream(workers).filter(PollerLeadership::isLeader).findFirst().orElseThrow();
            assertThat(polling.get()).isEqualTo(1);

            first.close();

            await().atMost(Duration.ofSeconds(30)).until(() -> leaders(workers) == 1 && !first.isLeader());
            assertThat(polling.get()).as("the old poller stopped, one new one started").isEqualTo(1);
            assertThat(overlap).as("never two pollers at once").isFalse();
        } finally {
            for (PollerLeadership w : workers) {
                w.close();
            }
        }
    }

    private static long leaders(PollerLeadership[] workers) {
        return java.util.Arrays.stream(workers).filter(PollerLeadership::isLeader).count();
    }
}
