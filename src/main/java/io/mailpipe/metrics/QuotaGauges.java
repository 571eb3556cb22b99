package io.mailpipe.metrics;

import java.util.List;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountHealth;
import io.mailpipe.quota.QuotaRouter;

/**
 * Quota and health gauges of the cluster-wide quota router: per account, the sends counted (sent plus held
 * reserved, by any worker) and left in the {@code hour} and {@code day} windows, and the account's health state as
 * this worker sees it (cool-downs other workers announced included). An account without a limit in a window gets no gauge for it.
 */
public final class QuotaGauges {
    private QuotaGauges() {
    }

    public static void register(MailpipeMetrics metrics, List<Account> accounts, QuotaRouter router) {
        for (Account account : accounts) {
            Integer perHour = account.limits().perHour();
            Integer perDay = account.limits().perDay();
            if (perHour != null) {
                metrics.registerQuotaLimit(account.name(), "hour", () -> perHour);
                metrics.registerQuota(account.name(), "hour", () -> router.used(account)[0],
                        () -> Math.max(0, perHour - router.used(account)[0]));
            }
            if (perDay != null) {
                metrics.registerQuotaLimit(account.name(), "day", () -> perDay);
                metrics.registerQuota(account.name(), "day", () -> router.used(account)[1],
                        () -> Math.max(0, perDay - router.used(account)[1]));
            }
            metrics.presetAccounts(List.of(account.name()));
            metrics.registerAccountHealth(account.name(), AccountHealth.State.class,
                    () -> router.state(account.name()));
        }
    }
}
