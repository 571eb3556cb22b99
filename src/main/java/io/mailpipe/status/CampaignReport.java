package io.mailpipe.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.mailpipe.inbox.BounceEvent;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;

/**
 * What {@code mailpipe report} shows about one campaign over a period: the outcome breakdown, sends per hour by
 * account, bounce and complaint reasons, and the recipient domains that refused most (bounces, and recipients the
 * servers refused while accepting the message for others). Pure: fed outcome events, then bounce events, in log order.
 */
public final class CampaignReport {

    /** A name and a count, for a bar. */
    public record Bar(String label, long count) {
    }

    private final String campaign;
    private final Instant from;
    private final Instant to;
    private final CampaignStats stats;
    private final Map<Instant, Map<String, Long>> sentPerHour = new TreeMap<>();
    private final Map<String, Long> reasons = new HashMap<>();
    private final Map<String, Long> refusingDomains = new HashMap<>();
    private final Map<String, String> accountOf = new HashMap<>();

    public CampaignReport(String campaign, Instant from, Instant to) {
        this.campaign = campaign;
        this.from = from;
        this.to = to;
        this.stats = new CampaignStats(from, to);
    }

    public void outcome(OutcomeEvent e) {
        if (!campaign.equals(e.campaign()) || !stats.inPeriod(e.at())) {
            return;
        }
        stats.outcome(e);
        if (e.status() == Status.SENT && e.account() != null) {
            sentPerHour.computeIfAbsent(e.at().truncatedTo(ChronoUnit.HOURS), h -> new TreeMap<>()).merge(e.account(), 1L, Long::sum);
            accountOf.put(e.id(), e.account());
        }
        if (e.rejectedRecipients() != null) {
            e.rejectedRecipients().forEach(r -> refused(r.address()));
        }
        if (e.parts() != null) {
            e.parts().stream().filter(p -> p.status() == Status.FAILED && p.recipients() != null)
                    .forEach(p -> p.recipients().forEach(this::refused));
        }
    }

    public void bounce(BounceEvent e) {
        if (e.requestId() == null || !campaign.equals(stats.campaignOf(e.requestId()))) {
            return;
        }
        stats.bounce(e);
        if ("complaint".equals(e.kind())) {
            reasons.merge("complaint: " + (e.feedbackType() != null ? e.feedbackType() : String.valueOf(e.reason())), 1L, Long::sum);
        } else if ("bounce".equals(e.kind())) {
            reasons.merge((e.hard() ? "hard: " : "soft: ") + (e.reason() == null ? "undefined" : e.reason()), 1L, Long::sum);
            refused(e.recipient());
        }
    }

    private void refused(String address) {
        if (address == null) {
            return;
        }
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? address : address.substring(at + 1);
        refusingDomains.merge(domain.replace(">", "").trim().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
    }

    public String campaign() {
        return campaign;
    }

    public Instant from() {
        return from;
    }

    public Instant to() {
        return to;
    }

    public CampaignStats.Row outcomes() {
        return stats.row(campaign);
    }

    /** Hour (UTC, start) to sends per account. */
    public Map<Instant, Map<String, Long>> sentPerHour() {
        return sentPerHour;
    }

    /** Accounts that sent, in name order. */
    public List<String> accounts() {
        return sentPerHour.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
    }

    /** Bounce and complaint reasons, most frequent first. */
    public List<Bar> reasons() {
        return top(reasons, 15);
    }

    /** The domains that refused most, most first. */
    public List<Bar> refusingDomains() {
        return top(refusingDomains, 10);
    }

    private static List<Bar> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(e -> new Bar(e.getKey(), e.getValue())).collect(Collectors.toList());
    }

    /** The outcome breakdown as bars, in status order. */
    public List<Bar> outcomeBars() {
        Map<String, Long> bars = new LinkedHashMap<>();
        for (Status s : Status.values()) {
            bars.put(s.name(), outcomes().count(s));
        }
        return bars.entrySet().stream().map(e -> new Bar(e.getKey(), e.getValue())).toList();
    }
}
