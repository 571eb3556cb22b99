package io.mailpipe.account;

/**
 * Send limits of one account; a null field means "no limit".
 *
 * @param perHour sends allowed in any rolling 60 minutes
 * @param perDay  sends allowed in any rolling 24 hours
 */
public record Limits(Integer perHour, Integer perDay) {
    public static final Limits NONE = new Limits(null, null);
}
