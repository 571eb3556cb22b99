package io.mailpipe.account;

/**
 * Send limits of one account; a null field means "no limit". The limits hold for the whole cluster: every worker
 * reserves its sends through the quota ledger ({@code io.mailpipe.quota}).
 *
 * @param perHour      sends allowed in any rolling hour ({@code quota.hourWindow}, default 60 minutes)
 * @param perDay       sends allowed in any rolling day ({@code quota.dayWindow}, default 24 hours)
 * @param perSecond    a smooth rate: sends start at least {@code 1/perSecond} seconds apart on average (may be
 *                     fractional: 0.5 is one send every two seconds)
 * @param concurrency  SMTP sessions open at the same time through this account, across all workers
 * @param learn        learn the provider's real limits from its pushback (default true): when the account is
 *                     throttled, the sends its hour and day windows held then become its limits (never above
 *                     perHour/perDay) until it has sent that many again without pushback; then they rise slowly
 *                     (docs/quota.md). Needs perHour or perDay: only limited accounts are counted
 * @param countRefused count every attempt against perHour/perDay (default false: a transaction the server refused,
 *                     or a connection that failed, does not use quota, as providers count what they accepted). Set it
 *                     for a provider that counts attempts
 */
public record Limits(Integer perHour, Integer perDay, Double perSecond, Integer concurrency, Boolean learn,
                     Boolean countRefused) {
    public static final Limits NONE = new Limits(null, null, null, null);

    /** Limits with the default learning and counting. */
    public Limits(Integer perHour, Integer perDay, Double perSecond, Integer concurrency) {
        this(perHour, perDay, perSecond, concurrency, null, null);
    }

    /** Hourly and daily limits only. */
    public Limits(Integer perHour, Integer perDay) {
        this(perHour, perDay, null, null);
    }

    /** True when no limit is set at all: sends need no reservation. */
    public boolean unlimited() {
        return perHour == null && perDay == null && perSecond == null && concurrency == null;
    }

    /** Whether learned limits apply (on by default; only accounts with an hourly or daily limit are counted). */
    public boolean learns() {
        return !Boolean.FALSE.equals(learn) && (perHour != null || perDay != null);
    }

    /** Whether refused transactions and failed connections use quota (off by default). */
    public boolean countsRefused() {
        return Boolean.TRUE.equals(countRefused);
    }
}
