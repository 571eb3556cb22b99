package io.mailpipe.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link RollingWindow}: which sends count, and when the window next has room. */
class RollingWindowTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    static RollingWindow hourWindow(int limit, List<Integer> sendMinutes) {
        RollingWindow w = new RollingWindow(HOUR, limit);
        sendMinutes.forEach(m -> w.add(T0.plus(Duration.ofMinutes(m))));
        return w;
    }

    /** limit, send times (minutes after T0), asked at (minutes after T0), then used and next room. */
    static Stream<Arguments> cases() {
        return Stream.of(
                arguments(3, List.of(), 0, 0, T0),
                arguments(3, List.of(0, 1), 2, 2, T0.plus(Duration.ofMinutes(2))),
                arguments(2, List.of(0, 1), 2, 2, T0.plus(HOUR)),
                arguments(2, List.of(0, 1), 59, 2, T0.plus(HOUR)),
                arguments(2, List.of(0, 1), 60, 1, T0.plus(HOUR)),
                arguments(2, List.of(0, 1), 61, 0, T0.plus(Duration.ofMinutes(61))),
                arguments(2, List.of(0, 30, 45), 50, 3, T0.plus(Duration.ofMinutes(30)).plus(HOUR)),
                arguments(1, List.of(5, 6, 7), 10, 3, T0.plus(Duration.ofMinutes(7)).plus(HOUR)),
                arguments(0, List.of(), 0, 0, Instant.MAX));
    }

    @ParameterizedTest(name = "limit {0}, sends {1}, at +{2} min")
    @MethodSource("cases")
    void countsTheSendsInsideTheWindowAndKnowsWhenItHasRoom(int limit, List<Integer> sends, int atMinute, int used,
                                                            Instant nextRoom) {
        RollingWindow w = hourWindow(limit, sends);
        Instant at = T0.plus(Duration.ofMinutes(atMinute));

        assertThat(w.nextRoom(at)).isEqualTo(nextRoom);
        assertThat(w.used(at)).isEqualTo(used);
        assertThat(w.hasRoom(at)).isEqualTo(!nextRoom.isAfter(at));
    }

    @Test
    void removeLastTakesBackTheNewestSend() {
        RollingWindow w = hourWindow(2, List.of(0, 10));

        w.removeLast();

        assertThat(w.used(T0.plus(Duration.ofMinutes(11)))).isEqualTo(1);
        assertThat(w.hasRoom(T0.plus(Duration.ofMinutes(11)))).isTrue();
        w.add(T0.plus(Duration.ofMinutes(11)));
        assertThat(w.nextRoom(T0.plus(Duration.ofMinutes(12)))).isEqualTo(T0.plus(HOUR));
    }

    @Test
    void removeLastOnAnEmptyWindowDoesNothing() {
        RollingWindow w = hourWindow(1, List.of());

        w.removeLast();

        assertThat(w.used(T0)).isZero();
    }
}
