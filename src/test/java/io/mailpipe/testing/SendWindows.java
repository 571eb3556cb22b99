package io.mailpipe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The provider's view of a limit: how many messages a server received within any window of its own clock. */
public final class SendWindows {
    private SendWindows() {
    }

    /** No {@code window} of the server's clock holds more than {@code limit} of these messages. */
    public static void assertHold(List<ScriptedSmtpServer.Received> received, int limit, Duration window) {
        List<Instant> times = received.stream().map(ScriptedSmtpServer.Received::at).sorted().toList();
        for (int i = 0; i + limit < times.size(); i++) {
            assertThat(Duration.between(times.get(i), times.get(i + limit)))
                    .as("%d more sends after the one at %s (limit %d per %s)", limit, times.get(i), limit, window)
                    .isGreaterThanOrEqualTo(window);
        }
    }

    /** The most messages any window of the server's clock holds. */
    public static int busiest(List<ScriptedSmtpServer.Received> received, Duration window) {
        List<Instant> times = received.stream().map(ScriptedSmtpServer.Received::at).sorted().toList();
        int most = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (j < times.size() && times.get(j).isBefore(times.get(i).plus(window))) {
                j++;
            }
            most = Math.max(most, j - i);
        }
        return most;
    }
}
