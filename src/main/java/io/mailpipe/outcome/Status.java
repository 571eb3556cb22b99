package io.mailpipe.outcome;

/**
 * The status of an outcome event on {@code mail.outcomes}. Part of the public contract.
 * Every request ends in exactly one terminal status; DEFERRED may precede it any number of times.
 */
public enum Status {
    /** The SMTP server accepted the message for at least one recipient (2xx after DATA). Terminal. */
    SENT(true),
    /** Not sent yet for a temporary reason (4xx, timeout, connection, account at limit); retried later. */
    DEFERRED(false),
    /** The server refused the message or every recipient permanently (5xx). Terminal. */
    FAILED(true),
    /** The request itself is invalid and was never sent; a {@code mail.dlq} record holds its bytes. Terminal. */
    REJECTED(true),
    /** Too late: {@code notAfter} passed, or attempts or maximum age ran out. Terminal. */
    EXPIRED(true),
    /** Not sent: every recipient is on the suppression list (hard bounce, complaint, or added by hand). Terminal. */
    SUPPRESSED(true),
    /**
     * The message was sent completely but the server's reply to it never came: it may or may not have been
     * delivered. Held for a human (after the one resend that {@code retry.uncertain: retry-once} allows); a
     * {@code mail.dlq} record holds its bytes, {@code mailpipe replay --reason delivery_uncertain} sends it again. Terminal.
     */
    UNCERTAIN(true);

    private final boolean terminal;

    Status(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }
}
