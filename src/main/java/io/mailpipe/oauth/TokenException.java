package io.mailpipe.oauth;

/**
 * No access token could be had. The message names the source and its answer (an OAuth error code and description, a
 * command's exit status) and never a secret.
 */
public final class TokenException extends Exception {

    /** Whether asking again later may help. */
    public enum Kind {
        /** The source said no (invalid_client, invalid_grant, unauthorized_client, a command that failed): fix the settings. */
        REFUSED,
        /** The source could not be asked or failed on its side (connection, time-out, a 5xx answer): try again later. */
        UNAVAILABLE
    }

    private final Kind kind;

    public TokenException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
