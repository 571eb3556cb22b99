package io.mailpipe.account;

/**
 * Send limits of one account; a null field means "no limit". The limits hold for the whole cluster: every worker
 * reserves its sends through the quota ledger ({@code io.mailpipe.quota}).
 *
 * @param perHour     sends allowed in any rolling hour ({@code quota.hourWindow}, default 60 minutes)
 * @param perDay      sends allowed in any rolling day ({@code quota.dayWindow}, default 24 hours)
 * @param perSecond   a smooth rate: sends start at least {@code 1/perSecond} seconds apart on average (may be
 *                    fractional: 0.5 is one send every two seconds)
 * @param concurrency SMTP sessions open at the same time through this account, across all workers
 */
public record Limits(Integer perHour, Integer perDay, Double perSecond, Integer concurrency) {
    public static final Limits NONE = new Limits(null, null, null, null);

    /** Hourly and daily limits only. */
    public Limits(Integer perHour, Integer perDay) {
        this(perHour, perDay, null, null);
    }

    /** True when no limit is set at all: sends need no reservation. */
    public boolean unlimited() {
        return perHour == null && perDay == null && perSecond == null && concurrency == null;
    }
}
