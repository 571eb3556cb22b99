package io.mailpipe.status;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mailpipe.inbox.BounceEvent;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;

/**
 * Per campaign over a period: how many requests are where (each request counted once, by its latest outcome in the
 * period: SENT, DEFERRED if it is still waiting, FAILED, ...), and the bounces and complaints reported about them. A
 * bounce is matched to its campaign through the request id of an outcome in the period; others count under
 * {@link #UNKNOWN}. Pure: fed events in log order.
 */
public final class CampaignStats {

    /** The campaign of requests that named none, and of bounces whose request is not among the period's outcomes. */
    public static final String NONE = "(none)";
    public static final String UNKNOWN = "(unknown)";

    /**
     * One campaign.
     *
     * @param campaign    its name
     * @param requests    requests with an outcome in the period
     * @param byStatus    requests by their latest status
     * @param hardBounces hard bounces reported
     * @param softBounces soft bounces reported
     * @param complaints  complaints (feedback reports)
     */
    public record Row(String campaign, long requests, Map<Status, Long> byStatus, long hardBounces, long softBounces,
                      long complaints) {
        public long count(Status s) {
            return byStatus.getOrDefault(s, 0L);
        }

        /** {@code part} per request sent, 0 when none was sent. */
        public double perSent(long part) {
            long sent = count(Status.SENT);
            return sent == 0 ? 0 : (double) part / sent;
        }

        public double share(Status s) {
            return requests == 0 ? 0 : (double) count(s) / requests;
        }
    }

    private final Instant since;
    private final Instant until;
    private final Map<String, Status> latest = new HashMap<>();
    private final Map<String, String> campaignOf = new HashMap<>();
    private final Map<String, long[]> bounces = new HashMap<>(); // hard, soft, complaints

    /** Counts events with {@code since <= at < until} (either may be null). */
    public CampaignStats(Instant since, Instant until) {
        this.since = since;
        this.until = until;
    }

    public boolean inPeriod(Instant at) {
        return at != null && (since == null || !at.isBefore(since)) && (until == null || at.isBefore(until));
    }

    public void outcome(OutcomeEvent e) {
        if (e.id() == null || e.status() == null || !inPeriod(e.at())) {
            return;
        }
        latest.put(e.id(), e.status());
        campaignOf.put(e.id(), e.campaign() == null ? NONE : e.campaign());
    }

    public void bounce(BounceEvent e) {
        if (!inPeriod(e.receivedAt())) {
            return;
        }
        String campaign = e.requestId() == null ? UNKNOWN : campaignOf.getOrDefault(e.requestId(), UNKNOWN);
        long[] b = bounces.computeIfAbsent(campaign, k -> new long[3]);
        if ("complaint".equals(e.kind())) {
            b[2]++;
        } else if ("bounce".equals(e.kind())) {
            b[e.hard() ? 0 : 1]++;
        }
    }

    /** Campaign of a request id seen in the period, or null. */
    public String campaignOf(String requestId) {
        return campaignOf.get(requestId);
    }

    /** One row per campaign, by name. */
    public List<Row> rows() {
        Map<String, Map<Status, Long>> counts = new TreeMap<>();
        latest.forEach((id, status) -> counts.computeIfAbsent(campaignOf.get(id), k -> new EnumMap<>(Status.class))
                .merge(status, 1L, Long::sum));
        bounces.keySet().forEach(c -> counts.computeIfAbsent(c, k -> new EnumMap<>(Status.class)));
        return counts.entrySet().stream().map(e -> {
            long[] b = bounces.getOrDefault(e.getKey(), new long[3]);
            long requests = e.getValue().values().stream().mapToLong(Long::longValue).sum();
            return new Row(e.getKey(), requests, Map.copyOf(e.getValue()), b[0], b[1], b[2]);
        }).toList();
    }

    /** The row of one campaign (empty counts when it has none). */
    public Row row(String campaign) {
        return rows().stream().filter(r -> r.campaign().equals(campaign)).findFirst()
                .orElse(new Row(campaign, 0, Map.of(), 0, 0, 0));
    }
}
