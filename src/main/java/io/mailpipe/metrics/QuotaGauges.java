package io.mailpipe.metrics;

import java.util.List;
import java.util.function.Function;

import io.mailpipe.account.Account;

/**
 * Quota gauges of the per-worker quota counting ({@code account.LocalQuotaSelector}): sends used and left per account
 * in the {@code hour} and {@code day} windows. An account without a limit in a window gets no gauge for it.
 */
public final class QuotaGauges {
    private QuotaGauges() {
    }

    /** {@code used} gives an account's sends in the last hour and the last day ({@code int[]{hour, day}}). */
    public static void register(MailpipeMetrics metrics, List<Account> accounts, Function<Account, int[]> used) {
        for (Account account : accounts) {
            Integer perHour = account.limits().perHour();
            Integer perDay = account.limits().perDay();
            if (perHour != null) {
                metrics.registerQuota(account.name(), "hour", () -> used.apply(account)[0],
                        () -> Math.max(0, perHour - used.apply(account)[0]));
            }
            if (perDay != null) {
                metrics.registerQuota(account.name(), "day", () -> used.apply(account)[1],
                        () -> Math.max(0, perDay - used.apply(account)[1]));
            }
        }
    }
}
