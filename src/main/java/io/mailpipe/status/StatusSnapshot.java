package io.mailpipe.status;

import java.time.Instant;
import java.util.List;

/**
 * What {@code mailpipe status} shows, read at one moment: accounts, backlog with its finish estimate, campaigns. The
 * JSON of {@code status --json} is this record as it is (instants in ISO-8601).
 *
 * @param at        when it was read
 * @param accounts  one row per configured account, in configured order
 * @param backlog   what waits, and when it will be out
 * @param since     the campaigns' period starts here
 * @param until     and ends here (null: now)
 * @param campaigns per campaign over the period
 * @param notes     what could not be read (a worker's metrics unreachable, a sampled backlog)
 */
public record StatusSnapshot(Instant at, List<AccountRow> accounts, Backlog backlog, Instant since, Instant until,
                             List<CampaignStats.Row> campaigns, List<String> notes) {

    /** Health of an account as the cluster sees it. */
    public enum Health { SENDING, COOLING_DOWN, DISABLED }

    /**
     * One account.
     *
     * @param account        its name
     * @param perHour        configured hourly limit, null: none
     * @param perDay         configured daily limit, null: none
     * @param learnedPerHour the hourly limit learned from the provider's pushback (below the configured one), or null
     * @param learnedPerDay  the daily limit learned from the provider's pushback, or null
     * @param hourUsed       sends counted in the current hour window (sent plus held reserved), cluster-wide
     * @param dayUsed        sends counted in the current day window
     * @param nextFree       when the next send is allowed (now when it is)
     * @param health         sending, cooling down or disabled
     * @param until          for cooling down: until when
     * @param why            for cooling down or disabled: the reason code of the failure behind it
     * @param sendsPerMinute sends accepted per minute over the last 5 minutes
     */
    public record AccountRow(String account, Integer perHour, Integer perDay, Integer learnedPerHour, Integer learnedPerDay,
                             int hourUsed,
                             int dayUsed, Instant nextFree, Health health, Instant until, String why, double sendsPerMinute) {
    }

    /**
     * Consumer lag of one topic.
     *
     * @param topic   the topic
     * @param group   the consumer group
     * @param waiting records not consumed yet (end offset minus committed offset)
     */
    public record Lag(String topic, String group, long waiting) {
    }

    /**
     * Waiting requests with the same candidates.
     *
     * @param name             {@code any}, a pool's name, or {@code account:NAME}
     * @param waiting          requests waiting
     * @param earliestNotAfter the earliest notAfter among them, null when none has one
     * @param finish           when the estimate sees the last of them go out, null: not within the horizon
     */
    public record Group(String name, long waiting, Instant earliestNotAfter, Instant finish) {
        /** Whether the estimate says some of them will be too late. */
        public boolean late() {
            return earliestNotAfter != null && (finish == null || finish.isAfter(earliestNotAfter));
        }
    }

    /**
     * The backlog.
     *
     * @param lags       per topic
     * @param groups     per pool (or pinned account, or any account)
     * @param waiting    requests waiting in all
     * @param nextHour   of them, going out within the next hour
     * @param finish     when the last goes out, null: not within the horizon or never
     * @param unsendable requests no account can take (their candidates are disabled or unknown)
     * @param ratePerMinute the cluster's observed peak sends per minute the estimate assumed, null: only the limits
     * @param sampled    true when the groups were counted from a sample of the waiting records
     */
    public record Backlog(List<Lag> lags, List<Group> groups, long waiting, long nextHour, Instant finish, long unsendable,
                          Double ratePerMinute, boolean sampled) {
    }
}
