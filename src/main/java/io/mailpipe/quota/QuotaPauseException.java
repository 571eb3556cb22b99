package io.mailpipe.quota;

import java.time.Instant;

/**
 * No eligible account can send now: the record is left uncommitted, consumption pauses and the record is read again
 * when an account has room. Not an error of the request; the error policy lets it through without dead-lettering.
 */
public final class QuotaPauseException extends RuntimeException {
    private final Instant until;

    public QuotaPauseException(String reason, Instant until) {
        super(reason + "; consumption paused until " + until, null, false, false);
        this.until = until;
    }

    public Instant until() {
        return until;
    }
}
