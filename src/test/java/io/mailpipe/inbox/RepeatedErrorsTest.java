package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.MutableClock;

/** The same failure, message after message and poll after poll, is one log line and then a count. */
class RepeatedErrorsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final RepeatedErrors errors = new RepeatedErrors(LoggerFactory.getLogger(RepeatedErrorsTest.class), "rep-box",
            clock, Duration.ofMinutes(10));

    private static List<String> lines(LogCapture logs) {
        return logs.lines().stream().filter(l -> l.contains("rep-box")).toList();
    }

    @Test
    void theSameCauseIsLoggedOnceWithoutStackTraceThenCounted() {
        try (LogCapture logs = LogCapture.begin()) {
            for (int i = 0; i < 300; i++) {
                // what differs between repeats: the IMAP tag, the server's timing
                errors.failed("moving a message", new jakarta.mail.MessagingException("A" + i + " NO [CANNOT] Invalid mailbox"
                        + " name (0.00" + (i % 7) + " + 0.000" + (i % 2 == 0 ? "" : " + 0.001") + " secs)."));
            }
            assertThat(lines(logs)).singleElement().satisfies(l -> {
                assertThat(l).contains("moving a message failed").contains("Invalid mailbox name");
                assertThat(l).doesNotContain("\tat ");
            });
            assertThat(errors.count("moving a message")).isEqualTo(300);

            clock.advance(Duration.ofMinutes(11));
            errors.failed("moving a message", new jakarta.mail.MessagingException("B1 NO [CANNOT] Invalid mailbox"
                    + " name (0.002 + 0.000 secs)."));
            assertThat(lines(logs)).hasSize(2);
            assertThat(lines(logs).get(1)).contains("failed again 300 time(s)").contains("301 in all");

            errors.succeeded("moving a message");
            assertThat(lines(logs)).hasSize(3);
            assertThat(lines(logs).get(2)).contains("works again after 301 failure(s)");
            assertThat(errors.count("moving a message")).isZero();
        }
    }

    @Test
    void differentCausesAreLoggedEachOnce() {
        try (LogCapture logs = LogCapture.begin()) {
            for (int i = 0; i < 10; i++) {
                errors.failed(BounceMailProcessor.PUBLISHING, new IllegalStateException("Kafka did not acknowledge"));
                errors.failed("moving a message", new IllegalStateException("folder closed"));
            }
            assertThat(lines(logs)).hasSize(2);
        }
    }
}
