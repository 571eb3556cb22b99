package io.mailpipe.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A program that prints a token: its first line, reused for the configured lifetime; failures by exit status. */
class CommandTokenSourceTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    static CommandTokenSource source(String script, Duration timeout) {
        return new CommandTokenSource(List.of("sh", "-c", script), Duration.ofMinutes(5), timeout, CLOCK);
    }

    @Test
    void theFirstLinePrintedIsTheToken() throws Exception {
        AccessToken token = source("printf 'ya29.token-value\\nextra line\\n'; echo noise >&2", Duration.ofSeconds(10)).fetch();
        assertThat(token.value()).isEqualTo("ya29.token-value");
        assertThat(token.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void aFailingProgramIsARefusalNamingTheProgramOnly() {
        assertThatThrownBy(() -> source("echo secret-arg >&2; exit 3", Duration.ofSeconds(10)).fetch())
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.REFUSED))
                .hasMessage("the token command 'sh' exited with status 3");
        assertThatThrownBy(() -> source("true", Duration.ofSeconds(10)).fetch())
                .hasMessage("the token command 'sh' printed no token");
        assertThatThrownBy(() -> new CommandTokenSource(List.of("/nonexistent/token-tool"), Duration.ofMinutes(5),
                Duration.ofSeconds(5), CLOCK).fetch())
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.REFUSED))
                .hasMessageStartingWith("the token command '/nonexistent/token-tool' could not be started");
    }

    @Test
    void aProgramThatHangsIsStoppedAfterTheTimeout() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> source("exec sleep 30", Duration.ofMillis(500)).fetch())
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }
}
