package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.MutableClock;

/** A failing bounce mailbox is polled less and less often (2, 4, 8 ... poll intervals, capped), and normally again once a poll works. */
class MailboxPollBackoffTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final MailboxPollBackoff backoff = new MailboxPollBackoff("main", Duration.ofSeconds(10), clock);

    @Test
    void failedPollsSkipTheNextPollsForADoublingWait() {
        assertThat(backoff.begin(null, null)).isTrue();
        backoff.rollback(null, null, 0, new IOException("Connection refused"));
        assertThat(backoff.begin(null, null)).as("right after a failure").isFalse();
        clock.advance(Duration.ofSeconds(19));
        assertThat(backoff.begin(null, null)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(backoff.begin(null, null)).as("after 2 poll intervals").isTrue();
        backoff.rollback(null, null, 0, new IOException("Connection refused"));
        clock.advance(Duration.ofSeconds(39));
        assertThat(backoff.begin(null, null)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(backoff.begin(null, null)).as("after 4 poll intervals").isTrue();

        backoff.commit(null, null, 3);
        assertThat(backoff.failuresInARow()).isZero();
        assertThat(backoff.begin(null, null)).isTrue();
    }

    @Test
    void theWaitIsCappedAtFiveMinutesOrThePollInterval() {
        assertThat(backoff.backoff(1)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.backoff(3)).isEqualTo(Duration.ofSeconds(80));
        assertThat(backoff.backoff(30)).isEqualTo(MailboxPollBackoff.MAX_BACKOFF);
        MailboxPollBackoff slow = new MailboxPollBackoff("slow", Duration.ofMinutes(10), clock);
        assertThat(slow.backoff(5)).isEqualTo(Duration.ofMinutes(10));
    }
}
