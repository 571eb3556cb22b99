package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.MutableClock;

/**
 * Stuck messages never fill a poll: what stayed after its turn is passed over until its back-off ends, what left the
 * folder is forgotten. The calls are camel-mail's: add when a poll lists a message (false = pass over without
 * counting), confirm after the exchange completed, remove after it failed.
 */
class MailboxProgressTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final MailboxProgress progress = new MailboxProgress(Duration.ofSeconds(10), clock);

    /** camel-mail's selection: the first {@code max} listed messages the repository lets through. */
    private List<String> poll(List<String> folder, int max) {
        progress.newPoll();
        List<String> taken = new ArrayList<>();
        for (String key : folder) {
            if (taken.size() == max) {
                break;
            }
            if (progress.add(key)) {
                taken.add(key);
            }
        }
        return taken;
    }

    @Test
    void moreThanAPollOfStuckMessagesCannotHideTheOnesBehind() {
        List<String> folder = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            folder.add("7." + i); // these cannot be moved: add, then neither confirm nor remove
        }
        folder.add("7.999"); // a good one behind them
        List<String> first = poll(folder, 100);
        assertThat(first).hasSize(100).doesNotContain("7.999");
        List<String> second = poll(folder, 100);
        assertThat(second).hasSize(51).contains("7.999").doesNotContain("7.0");
        second.stream().filter(k -> k.equals("7.999")).forEach(progress::confirm); // the good one was moved
        folder.remove("7.999");
        assertThat(progress.parkedCount()).isEqualTo(100);
    }

    @Test
    void aParkedMessageIsTriedAgainAfterItsBackOffWhichDoubles() {
        List<String> folder = List.of("1.1");
        assertThat(poll(folder, 100)).containsExactly("1.1"); // stays: not moved
        assertThat(poll(folder, 100)).isEmpty(); // parked for 2 poll intervals
        clock.advance(Duration.ofSeconds(21));
        assertThat(poll(folder, 100)).containsExactly("1.1"); // stays again
        clock.advance(Duration.ofSeconds(21));
        assertThat(poll(folder, 100)).isEmpty(); // now 4 intervals
        clock.advance(Duration.ofSeconds(20));
        assertThat(poll(folder, 100)).isEmpty();
        clock.advance(Duration.ofSeconds(21));
        assertThat(poll(folder, 100)).containsExactly("1.1");
        progress.confirm("1.1"); // moved at last
        assertThat(progress.contains("1.1")).isFalse();
        assertThat(poll(List.of("1.1"), 100)).containsExactly("1.1");
    }

    @Test
    void aMessageTheProcessorLeftOrWhoseExchangeFailedIsParked() {
        assertThat(poll(List.of("1.1", "1.2", "1.3"), 100)).containsExactly("1.1", "1.2", "1.3");
        progress.left("1.1");
        progress.confirm("1.1"); // completed, but not moved: Kafka did not answer
        progress.remove("1.2"); // the exchange failed
        progress.confirm("1.3"); // moved
        assertThat(poll(List.of("1.1", "1.2", "1.3"), 100)).containsExactly("1.3");
        assertThat(progress.parkedCount()).isEqualTo(2);
    }

    @Test
    void theBackOffIsCappedAtFiveMinutes() {
        for (int i = 0; i < 12; i++) {
            poll(List.of("1.1"), 100);
            clock.advance(MailboxPollBackoff.MAX_BACKOFF.plusSeconds(1));
        }
        assertThat(poll(List.of("1.1"), 100)).containsExactly("1.1");
    }
}
