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
            if (account.limits().perHour() != null) {
                register(metrics, account, router, "hour", 0, account.limits().perHour(),
                        () -> router.limits(account).perHour());
            }
            if (account.limits().perDay() != null) {
                register(metrics, account, router, "day", 1, account.limits().perDay(),
                        () -> router.limits(account).perDay());
            }
            metrics.presetAccounts(List.of(account.name()));
            metrics.registerAccountHealth(account.name(), AccountHealth.State.class,
                    () -> router.state(account.name()));
        }
    }

    /** Used, remaining, and the configured and effective (learned, where lower) limit of one window. */
    private static void register(MailpipeMetrics metrics, Account account, QuotaRouter router, String window, int index,
                                 int configured, java.util.function.IntSupplier effective) {
        metrics.registerQuota(account.name(), window, () -> router.used(account)[index],
                () -> Math.max(0, effective.getAsInt() - router.used(account)[index]));
        metrics.registerQuotaLimit(account.name(), window, "configured", () -> configured);
        metrics.registerQuotaLimit(account.name(), window, "effective", effective::getAsInt);
    }
}
