package io.mailpipe.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The pure parts of replay: filters, the replay key, the progress bar, the rate limiter. */
class ReplayPartsTest {

    static FailedRequest failed(String id, String reason, String account, String campaign, String at) {
        return new FailedRequest(id, id.getBytes(), "{}".getBytes(), new RecordHeaders(), "REJECTED", reason,
                at == null ? null : Instant.parse(at), account, campaign, "mail.requests-2@41", "mail.dlq-0@7");
    }

    @Test
    void everyGivenConditionMustHold() {
        FailedRequest r = failed("a", "unknown_account", "shop", "winter", "2026-11-28T10:00:00Z");
        assertThat(ReplayFilter.any().matches(r)).isTrue();
        assertThat(new ReplayFilter(Instant.parse("2026-11-28T10:00:00Z"), Instant.parse("2026-11-28T11:00:00Z"),
                Set.of("unknown_account"), Set.of("shop"), Set.of("winter"), Set.of("a", "b")).matches(r)).isTrue();
        assertThat(new ReplayFilter(Instant.parse("2026-11-28T10:00:01Z"), null, null, null, null, null).matches(r)).isFalse();
        assertThat(new ReplayFilter(null, Instant.parse("2026-11-28T10:00:00Z"), null, null, null, null).matches(r))
                .as("until is exclusive").isFalse();
        assertThat(new ReplayFilter(null, null, Set.of("attempts_exhausted"), null, null, null).matches(r)).isFalse();
        assertThat(new ReplayFilter(null, null, null, Set.of("other"), null, null).matches(r)).isFalse();
        assertThat(new ReplayFilter(null, null, null, null, Set.of("summer"), null).matches(r)).isFalse();
        assertThat(new ReplayFilter(null, null, null, null, null, Set.of("b")).matches(r)).isFalse();
        assertThat(new ReplayFilter(null, null, null, Set.of("shop"), null, null).matches(failed("a", "x", null, null, null)))
                .as("a filter on a field the failure lacks excludes it").isFalse();
    }

    @Test
    void sinceMustBeBeforeUntil() {
        assertThatThrownBy(() -> new ReplayFilter(Instant.parse("2026-01-02T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"),
                null, null, null, null)).hasMessageContaining("--since must be before --until");
    }

    @Test
    void replayKeyNamesTheFailedRecord() {
        assertThat(failed("order-1", "x", null, null, null).replayKey()).isEqualTo("order-1@mail.requests-2@41");
    }

    @Test
    void progressBar() {
        ProgressBar bar = new ProgressBar(10);
        assertThat(bar.render(0, 20)).isEqualTo("[..........] 0/20 0%");
        assertThat(bar.render(5, 20)).isEqualTo("[##........] 5/20 25%");
        assertThat(bar.render(20, 20)).isEqualTo("[##########] 20/20 100%");
    }

    @Test
    void rateLimiterSpacesCalls() throws Exception {
        RateLimiter limiter = new RateLimiter(100);
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            limiter.acquire();
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).as("10 intervals of 10 ms").isGreaterThanOrEqualTo(95);
        RateLimiter unlimited = new RateLimiter(0);
        start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            unlimited.acquire();
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(50);
    }
}
