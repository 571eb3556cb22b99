package io.mailpipe.quota;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.QuotaSettings;

/**
 * What a reader of the quota ledger ({@code mail.quota}) needs from the configuration: each account's limits and how
 * far back the records still matter (the longest window plus the longest a lease may be held: its TTL and the send's
 * grace). Workers and {@code mailpipe status} read the ledger with the same scope.
 *
 * @param limits   configured limits by account name
 * @param lookBack the longest window plus the longest hold of a lease
 */
public record LedgerScope(Map<String, Limits> limits, Duration lookBack) {

    public LedgerScope {
        limits = Map.copyOf(limits);
    }

    public static LedgerScope of(MailpipeConfig config) {
        QuotaSettings q = config.quota();
        Map<String, Limits> limits = new HashMap<>();
        Duration longestHold = Duration.ZERO;
        for (Account account : config.accounts()) {
            limits.put(account.name(), account.limits());
            Duration hold = q.leaseTtl().plus(q.sendGraceFor(account.timeout()));
            longestHold = hold.compareTo(longestHold) > 0 ? hold : longestHold;
        }
        Duration longestWindow = q.dayWindow().compareTo(q.hourWindow()) > 0 ? q.dayWindow() : q.hourWindow();
        return new LedgerScope(limits, longestWindow.plus(longestHold));
    }

    /** An empty book of this scope for {@code worker}. */
    public QuotaBook book(String worker, QuotaSettings q) {
        return new QuotaBook(worker, q.hourWindow(), q.dayWindow(), limits);
    }
}
