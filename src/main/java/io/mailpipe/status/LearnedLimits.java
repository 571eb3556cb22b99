package io.mailpipe.status;

/**
 * Hourly limits learned from the providers' pushback (a throttled account's real limit). The one place status and the
 * backlog gauges get them from: {@link #NONE} until the quota ledger carries them; an account's effective hourly limit
 * is the lower of the configured and the learned one.
 */
@FunctionalInterface
public interface LearnedLimits {

    /** Nothing learned yet: every account shows "-". */
    LearnedLimits NONE = account -> null;

    /** The learned sends per hour of an account, or null. */
    Integer perHour(String account);
}
