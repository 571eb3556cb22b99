package io.mailpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mailpipe.account.Account;
import io.mailpipe.config.QuotaSettings;
import io.mailpipe.quota.QuotaBook;

/**
 * The backlog's finish estimate from what a reader of the quota ledger knows: the accounts' limits (learned ones
 * included), the sends the book still counts, each account's health, and the waiting requests. Shared by
 * {@code mailpipe status} and the workers' backlog gauges, so both say the same.
 */
public final class BacklogEstimate {

    /**
     * How an account can send right now.
     *
     * @param health sending, cooling down, disabled
     * @param until  for cooling down: until when
     * @param why    the reason code behind a cool-down or a disable
     */
    public record AccountState(StatusSnapshot.Health health, Instant until, String why) {
        public static final AccountState SENDING = new AccountState(StatusSnapshot.Health.SENDING, null, null);
    }

    private BacklogEstimate() {
    }

    /**
     * @param book          the quota book (read under its lock by the caller)
     * @param states        account states by name; missing ones are sending
     * @param ratePerMinute the cluster's observed peak sends per minute, null: only the limits bound it
     */
    public static StatusSnapshot.Backlog estimate(Instant now, QuotaSettings quota, List<Account> accounts, QuotaBook book,
                                                  Map<String, AccountState> states,
                                                  WaitingRequests waiting, List<StatusSnapshot.Lag> lags, Double ratePerMinute) {
        long total = lags.stream().mapToLong(StatusSnapshot.Lag::waiting).sum();
        List<FinishEstimator.Group> groups = waiting.groups(accounts, total);
        FinishEstimator.Estimate e = new FinishEstimator(quota.hourWindow(), quota.dayWindow())
                .estimate(now, estimatorAccounts(accounts, book, states, quota.leaseTtl()), groups, ratePerMinute);
        List<StatusSnapshot.Group> rows = new ArrayList<>();
        for (FinishEstimator.Group g : groups) {
            rows.add(new StatusSnapshot.Group(g.name(), g.waiting(), waiting.earliestNotAfter(g.name()), e.groups().get(g.name())));
        }
        return new StatusSnapshot.Backlog(List.copyOf(lags), rows, e.waiting(), e.nextHour(), e.finish(), e.unsendable(),
                ratePerMinute, waiting.read() < total);
    }

    static List<FinishEstimator.Account> estimatorAccounts(List<Account> accounts, QuotaBook book,
                                                           Map<String, AccountState> states, Duration sendFor) {
        List<FinishEstimator.Account> out = new ArrayList<>();
        for (Account a : accounts) {
            AccountState s = states.getOrDefault(a.name(), AccountState.SENDING);
            // the limits the cluster decides with: configured, lowered where the provider's pushback taught lower ones
            io.mailpipe.account.Limits limits = book.limits(a.name());
            FinishEstimator.CountedSends counted = new FinishEstimator.CountedSends() {
                @Override
                public int hour(Instant t) {
                    return book.usage(a.name(), t, sendFor).hour();
                }

                @Override
                public int day(Instant t) {
                    return book.usage(a.name(), t, sendFor).day();
                }
            };
            out.add(new FinishEstimator.Account(a.name(), limits.perHour(), limits.perDay(), limits.perSecond(), counted,
                    s.health() == StatusSnapshot.Health.COOLING_DOWN ? s.until() : null,
                    s.health() == StatusSnapshot.Health.DISABLED));
        }
        return out;
    }
}
