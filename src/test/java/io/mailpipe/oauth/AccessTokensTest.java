package io.mailpipe.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.MutableClock;

/** The token cache of one account: reuse, renewal before expiry, renewal after a refusal, failures passed on. */
class AccessTokensTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");

    /** Hands out t1, t2, ... living {@code lifetime}; can be told to fail. */
    static final class CountingSource implements TokenSource {
        final MutableClock clock;
        final Duration lifetime;
        final List<Instant> fetches = new ArrayList<>();
        TokenException failure;

        CountingSource(MutableClock clock, Duration lifetime) {
            this.clock = clock;
            this.lifetime = lifetime;
        }

        @Override
        public AccessToken fetch() throws TokenException {
            if (failure != null) {
                throw failure;
            }
            fetches.add(clock.instant());
            return new AccessToken("t" + fetches.size(), clock.instant().plus(lifetime));
        }

        @Override
        public String describe() {
            return "test";
        }
    }

    @Test
    void aTokenIsReusedUntilFiveMinutesBeforeItExpires() throws Exception {
        MutableClock clock = new MutableClock(T0);
        CountingSource source = new CountingSource(clock, Duration.ofHours(1));
        AccessTokens tokens = new AccessTokens(source, clock);
        assertThat(tokens.current().value()).isEqualTo("t1");
        clock.advance(Duration.ofMinutes(54).plusSeconds(59));
        assertThat(tokens.current().value()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.current().value()).as("5 minutes before expiry").isEqualTo("t2");
        assertThat(source.fetches).hasSize(2);
    }

    @Test
    void aShortLivedTokenIsRenewedAfterThreeQuartersOfItsLife() throws Exception {
        MutableClock clock = new MutableClock(T0);
        AccessTokens tokens = new AccessTokens(new CountingSource(clock, Duration.ofSeconds(8)), clock);
        assertThat(tokens.current().value()).isEqualTo("t1");
        clock.advance(Duration.ofMillis(5999));
        assertThat(tokens.current().value()).isEqualTo("t1");
        clock.advance(Duration.ofMillis(1));
        assertThat(tokens.current().value()).isEqualTo("t2");
    }

    @Test
    void aRefusedTokenIsReplacedOnceAndAStaleRefusalChangesNothing() throws Exception {
        MutableClock clock = new MutableClock(T0);
        CountingSource source = new CountingSource(clock, Duration.ofHours(1));
        AccessTokens tokens = new AccessTokens(source, clock);
        AccessToken first = tokens.current();
        tokens.rejected(first);
        AccessToken second = tokens.current();
        assertThat(second.value()).isEqualTo("t2");
        tokens.rejected(first); // another session reports the old token late: the new one stays
        assertThat(tokens.current()).isSameAs(second);
        assertThat(source.fetches).hasSize(2);
    }

    @Test
    void aFailureIsPassedOnAndTheNextCallAsksAgain() throws Exception {
        MutableClock clock = new MutableClock(T0);
        CountingSource source = new CountingSource(clock, Duration.ofHours(1));
        AccessTokens tokens = new AccessTokens(source, clock);
        source.failure = new TokenException(TokenException.Kind.REFUSED, "invalid_client", null);
        assertThatThrownBy(tokens::current).isInstanceOf(TokenException.class).hasMessage("invalid_client");
        source.failure = null;
        assertThat(tokens.current().value()).isEqualTo("t1");
    }

    @Test
    void tokensNeverShowInToString() {
        assertThat(new AccessToken("eyJ-secret-token", T0).toString()).doesNotContain("eyJ-secret-token").contains("****");
    }
}
