package io.mailpipe.oauth;

/**
 * Where an account's access tokens come from: a token endpoint (client credentials or a refresh token) or an
 * external command. Each {@link #fetch()} asks for a new token; {@link AccessTokens} decides when.
 */
public interface TokenSource {

    /**
     * A new access token.
     *
     * @throws TokenException {@link TokenException.Kind#REFUSED} when the source said no (wrong client secret, revoked
     *                        refresh token, command failed), {@link TokenException.Kind#UNAVAILABLE} when it could not
     *                        be asked (connection, time-out, a 5xx answer)
     */
    AccessToken fetch() throws TokenException;

    /** Where the tokens come from, for messages: the token endpoint's URL or the command's program; never a secret. */
    String describe();
}
