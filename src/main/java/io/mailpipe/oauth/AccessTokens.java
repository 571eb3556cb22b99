package io.mailpipe.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The access tokens of one account (or bounce mailbox): one token at a time, shared by every session of the account,
 * fetched from its {@link TokenSource} when there is none yet, when it is about to expire, or after a server refused it.
 * A token is used until {@link #MAX_MARGIN} (or a quarter of its lifetime, when that is shorter) before it expires, so
 * a session never logs in with a token that runs out on the way. Thread-safe: a thread that needs a token while another
 * fetches one waits for that one.
 */
public final class AccessTokens {

    /** How long before its expiry a token is replaced, at most. */
    public static final Duration MAX_MARGIN = Duration.ofMinutes(5);

    private final TokenSource source;
    private final Clock clock;
    private AccessToken current;
    private Instant replaceAt = Instant.MIN;

    public AccessTokens(TokenSource source, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token that is valid for a while yet: the cached one, or a new one from the source. */
    public synchronized AccessToken current() throws TokenException {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(replaceAt)) {
            AccessToken fresh = source.fetch();
            Duration lifetime = Duration.between(now, fresh.expiresAt());
            Duration margin = lifetime.dividedBy(4);
            current = fresh;
            replaceAt = fresh.expiresAt().minus(margin.compareTo(MAX_MARGIN) < 0 ? margin : MAX_MARGIN);
        }
        return current;
    }

    /**
     * A server refused {@code token} (535, or a 334 error challenge): the next {@link #current()} fetches a new one.
     * Does nothing when another session already replaced it.
     */
    public synchronized void rejected(AccessToken token) {
        if (token != null && token.equals(current)) {
            current = null;
        }
    }

    /** Where the tokens come from (the token endpoint's URL or the command), for messages. */
    public String describe() {
        return source.describe();
    }

    @Override
    public String toString() {
        return "AccessTokens[" + source.describe() + "]";
    }
}
