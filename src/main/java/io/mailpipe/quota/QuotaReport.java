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

    /** One line per account. */
    public record Row(String account, int hourUsed, Integer hourLimit, int dayUsed, Integer dayLimit, int sessions,
                      Integer concurrency, Instant nextSend, Instant coolingUntil, QuotaRecord.Cooldown loginRefused) {
    }

    public static List<Row> rows(QuotaBook book, List<Account> accounts, Instant now, Duration sendFor) {
        List<Row> rows = new ArrayList<>();
        for (Account a : accounts) {
            QuotaBook.Usage u = book.usage(a.name(), now, sendFor);
            Limits l = a.limits();
            rows.add(new Row(a.name(), u.hour(), l.perHour(), u.day(), l.perDay(), u.sessions(), l.concurrency(), u.nextRoom(),
                    book.coolingUntil(a.name(), now), book.loginRefused(a.name(), now)));
        }
        return rows;
    }

    /** A fixed-width table. */
    public static String format(List<Row> rows, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-20s %15s %15s %10s  %s%n", "ACCOUNT", "HOUR", "DAY", "SESSIONS", "NEXT SEND"));
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
            out.append(String.format("%-20s %15s %15s %10s  %s%n", r.account(), ratio(r.hourUsed(), r.hourLimit()),
                    ratio(r.dayUsed(), r.dayLimit()), ratio(r.sessions(), r.concurrency()), next));
        }
        return out.toString();
    }

    private static String ratio(int used, Integer limit) {
        return used + "/" + (limit == null ? "-" : limit.toString());
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
