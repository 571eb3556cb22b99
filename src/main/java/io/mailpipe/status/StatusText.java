package io.mailpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.mailpipe.outcome.Status;

/** The text of {@code mailpipe status}: three tables and the finish sentence, readable without knowing Kafka. */
public final class StatusText {
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("EEE HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private StatusText() {
    }

    /** The limits learned from the provider's pushback: {@code 3/h}, {@code 180/d}, both, or "-". */
    static String learned(StatusSnapshot.AccountRow a) {
        String hour = a.learnedPerHour() == null ? "" : a.learnedPerHour() + "/h";
        String day = a.learnedPerDay() == null ? "" : a.learnedPerDay() + "/d";
        String both = (hour + " " + day).strip();
        return both.isEmpty() ? "-" : both;
    }

    public static String render(StatusSnapshot s) {
        StringBuilder out = new StringBuilder();
        out.append("mailpipe status at ").append(STAMP.format(s.at())).append('\n').append('\n');
        out.append(String.format("%-20s %13s %13s %12s %-28s %-30s %8s%n", "ACCOUNT", "HOUR", "DAY", "LEARNED", "NEXT FREE SLOT",
                "HEALTH", "SENT/MIN"));
        for (StatusSnapshot.AccountRow a : s.accounts()) {
            out.append(String.format("%-20s %13s %13s %12s %-28s %-30s %8s%n", a.account(), ratio(a.hourUsed(), a.perHour()),
                    ratio(a.dayUsed(), a.perDay()), learned(a),
                    when(a.nextFree(), s.at()), health(a), String.format(Locale.ROOT, "%.1f", a.sendsPerMinute())));
        }
        out.append('\n').append(backlogSentence(s.backlog(), s.at())).append('\n');
        for (StatusSnapshot.Lag lag : s.backlog().lags()) {
            out.append(String.format("  %-28s %,10d waiting (group %s)%n", lag.topic(), lag.waiting(), lag.group()));
        }
        if (!s.backlog().groups().isEmpty()) {
            out.append(String.format("  %-28s %10s  %-22s %s%n", "POOL", "WAITING", "OUT BY", "EARLIEST NOT-AFTER"));
            for (StatusSnapshot.Group g : s.backlog().groups()) {
                out.append(String.format("  %-28s %,10d  %-22s %s%s%n", g.name(), g.waiting(),
                        g.finish() == null ? "not foreseeable" : DAY_TIME.format(g.finish()),
                        g.earliestNotAfter() == null ? "-" : DAY_TIME.format(g.earliestNotAfter()),
                        g.late() ? "  LATE: some will expire" : ""));
            }
        }
        out.append('\n').append("campaigns since ").append(STAMP.format(s.since()))
                .append(s.until() == null ? "" : " until " + STAMP.format(s.until())).append('\n');
        out.append(String.format("%-24s %8s %13s %13s %13s %13s %13s %13s %13s %13s%n", "CAMPAIGN", "REQUESTS", "SENT", "DEFERRED",
                "FAILED", "REJECTED", "EXPIRED", "SUPPRESSED", "HARD/SOFT", "COMPLAINTS"));
        for (CampaignStats.Row c : s.campaigns()) {
            out.append(String.format("%-24s %,8d %13s %13s %13s %13s %13s %13s %13s %13s%n", c.campaign(), c.requests(),
                    share(c, Status.SENT), share(c, Status.DEFERRED), share(c, Status.FAILED), share(c, Status.REJECTED),
                    share(c, Status.EXPIRED), share(c, Status.SUPPRESSED),
                    c.hardBounces() + "/" + c.softBounces() + " " + percent(c.perSent(c.hardBounces())),
                    c.complaints() + " " + percent(c.perSent(c.complaints()))));
        }
        if (s.campaigns().isEmpty()) {
            out.append("  (no outcomes in this period)\n");
        }
        for (String note : s.notes()) {
            out.append("note: ").append(note).append('\n');
        }
        return out.toString();
    }

    /** "12,400 waiting: 3,100 go out this hour, the rest by Tue 14:20 UTC as windows free up". */
    public static String backlogSentence(StatusSnapshot.Backlog b, Instant now) {
        if (b.waiting() == 0) {
            return "nothing waiting";
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ENGLISH, "%,d waiting: ", b.waiting()));
        long rest = b.waiting() - b.nextHour() - b.unsendable();
        if (b.finish() != null && rest == 0) {
            s.append(b.nextHour() == b.waiting() ? "all go out this hour, the last by " : "out by ").append(DAY_TIME.format(b.finish()));
        } else {
            s.append(String.format(Locale.ENGLISH, "%,d go out this hour", b.nextHour()));
            if (b.finish() != null) {
                s.append(", the rest by ").append(DAY_TIME.format(b.finish())).append(" as windows free up");
            } else if (rest > 0) {
                s.append(String.format(Locale.ENGLISH, ", %,d not within 35 days at this rate", rest));
            }
        }
        if (b.unsendable() > 0) {
            s.append(String.format(Locale.ENGLISH, "; %,d can go nowhere (every account they may use is disabled or unknown)", b.unsendable()));
        }
        if (b.ratePerMinute() != null) {
            s.append(String.format(Locale.ENGLISH, " (at up to %,.0f sends a minute, the peak of the last 15 minutes)", b.ratePerMinute()));
        }
        if (b.sampled()) {
            s.append(" (pools counted from a sample)");
        }
        return s.toString();
    }

    private static String health(StatusSnapshot.AccountRow a) {
        return switch (a.health()) {
            case SENDING -> "sending";
            case COOLING_DOWN -> "cooling down until " + DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC).format(a.until())
                    + (a.why() == null ? "" : " (" + a.why() + ")");
            case DISABLED -> "DISABLED (" + (a.why() == null ? "?" : a.why()) + ")";
        };
    }

    private static String ratio(int used, Integer limit) {
        return String.format(Locale.ENGLISH, "%,d/%s", used, limit == null ? "-" : String.format(Locale.ENGLISH, "%,d", limit));
    }

    private static String share(CampaignStats.Row c, Status s) {
        return String.format(Locale.ENGLISH, "%,d %s", c.count(s), percent(c.share(s)));
    }

    private static String percent(double fraction) {
        return String.format(Locale.ENGLISH, "%.1f%%", fraction * 100);
    }

    static String when(Instant at, Instant now) {
        if (at == null || !at.isAfter(now)) {
            return "now";
        }
        long s = Duration.between(now, at).toSeconds();
        String in = s < 60 ? s + " s" : s < 3600 ? (s + 59) / 60 + " min" : s / 3600 + " h " + (s % 3600) / 60 + " min";
        return DAY_TIME.format(at) + " (in " + in + ")";
    }
}
