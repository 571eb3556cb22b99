package io.mailpipe.oauth;

import java.time.Instant;
import java.util.Objects;

/**
 * An OAuth 2.0 access token (RFC 6749) and when it stops being valid. What XOAUTH2 sends in place of a password.
 *
 * @param value     the token; never logged ({@link #toString()} masks it)
 * @param expiresAt when the token expires (its source's {@code expires_in}, or the configured lifetime when the source
 *                  says nothing)
 */
public record AccessToken(String value, Instant expiresAt) {

    public AccessToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (value.isBlank()) {
            throw new IllegalArgumentException("an access token must not be empty");
        }
    }

    @Override
    public String toString() {
        return "AccessToken[****, expires " + expiresAt + "]";
    }
}
