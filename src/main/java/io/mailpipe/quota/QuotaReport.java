package io.mailpipe.quota;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;

/**
 * What {@code mailpipe quota} prints: per account, sends counted in the hour and the day against their limits, open
 * sessions, and when the next send is allowed. "Used" counts what was sent plus what workers hold reserved right now,
 * as every worker counts it.
 */
public final class QuotaReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private QuotaReport() {
    }

    /**
     * One line per account.
     *
     * @param hourLimit   the configured hourly limit, or null
     * @param hourLearned the hourly limit learned from the provider's pushback (below the configured one), or null
     * @param learnedFrom the reply that taught the learned limits, when known
     * @param loginRefused the latest announcement that the account's login was refused, while it still cools down; or null
     */
    public record Row(String account, int hourUsed, Integer hourLimit, Integer hourLearned, int dayUsed, Integer dayLimit,
                      Integer dayLearned, int sessions, Integer concurrency, Instant nextSend, Instant coolingUntil,
                      String learnedFrom, QuotaRecord.Cooldown loginRefused) {
    }

    public static List<Row> rows(QuotaBook book, List<Account> accounts, Instant now, Duration sendFor) {
        List<Row> rows = new ArrayList<>();
        for (Account a : accounts) {
            QuotaBook.Usage u = book.usage(a.name(), now, sendFor);
            Limits l = a.limits();
            QuotaBook.LearnedLimits learned = book.learned(a.name());
            Limits effective = book.limits(a.name());
            Integer hourLearned = learned == null || learned.perHour() == null ? null : effective.perHour();
            Integer dayLearned = learned == null || learned.perDay() == null ? null : effective.perDay();
            rows.add(new Row(a.name(), u.hour(), l.perHour(), hourLearned, u.day(), l.perDay(), dayLearned, u.sessions(),
                    l.concurrency(), u.nextRoom(), book.coolingUntil(a.name(), now), learned == null ? null : learned.reply(),
                    book.loginRefused(a.name(), now)));
        }
        return rows;
    }

    /**
     * A fixed-width table: per account, sends counted against the limit in the hour and the day ({@code used/limit},
     * with {@code (learned N)} where the provider's pushback taught a lower limit), sessions and the next send.
     */
    public static String format(List<Row> rows, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-20s %26s %26s %10s  %s%n", "ACCOUNT", "HOUR", "DAY", "SESSIONS", "NEXT SEND"));
        for (Row r : rows) {
            String next = next(r.nextSend(), now);
            if (r.loginRefused() != null) {
                QuotaRecord.Cooldown c = r.loginRefused();
                next = "DISABLED: login refused (" + c.reason() + ", worker " + c.worker() + ")"
                        + (c.detail() == null ? "" : ": " + c.detail())
                        + "; fix the account's login in the configuration and restart the workers";
            } else if (r.coolingUntil() != null) {
                next = next + "; cooling down until " + TIME.format(r.coolingUntil()) + " after an account-level failure";
            }
            out.append(String.format("%-20s %26s %26s %10s  %s%n", r.account(), ratio(r.hourUsed(), r.hourLimit(), r.hourLearned()),
                    ratio(r.dayUsed(), r.dayLimit(), r.dayLearned()), ratio(r.sessions(), r.concurrency(), null), next));
            if (r.learnedFrom() != null) {
                out.append(String.format("%-20s learned from: %s%n", "", r.learnedFrom()));
            }
        }
        return out.toString();
    }

    private static String ratio(int used, Integer limit, Integer learned) {
        return used + "/" + (limit == null ? "-" : limit.toString()) + (learned == null ? "" : " (learned " + learned + ")");
    }

    static String next(Instant at, Instant now) {
        if (!at.isAfter(now)) {
            return "now";
        }
        long s = Duration.between(now, at).toSeconds();
        String in = s < 60 ? s + " s" : s < 3600 ? (s + 59) / 60 + " min" : s / 3600 + " h " + (s % 3600) / 60 + " min";
        return TIME.format(at) + " (in " + in + ")";
    }
}
