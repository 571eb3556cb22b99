package io.mailpipe.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mailpipe.outcome.Status;

/**
 * The campaign report as one self-contained HTML file: inline CSS and SVG charts, no scripts, no fonts or images from
 * elsewhere, so it opens anywhere and can be mailed on. Every chart is an {@code <svg>} with an id
 * ({@code chart-outcomes}, {@code chart-hourly}, {@code chart-reasons}, {@code chart-domains}) whose bars are
 * {@code <rect class="bar">} elements carrying their count in {@code data-count}.
 */
public final class ReportHtml {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("dd HH'h'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final String[] PALETTE = {"#2f6fb0", "#e07b39", "#3a9a5b", "#b8428a", "#7a63c2", "#c9a227", "#4aa3a8", "#8c564b"};
    private static final Map<String, String> STATUS_COLOURS = Map.of("SENT", "#3a9a5b", "DEFERRED", "#c9a227", "FAILED", "#c0392b",
            "REJECTED", "#8e44ad", "EXPIRED", "#7f8c8d", "SUPPRESSED", "#34495e", "UNCERTAIN", "#e07b39");

    private ReportHtml() {
    }

    public static String render(CampaignReport r, Instant generatedAt) {
        CampaignStats.Row o = r.outcomes();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>mailpipe report: ").append(esc(r.campaign()))
                .append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222;background:#fff;max-width:1000px}")
                .append("h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}")
                .append("td:first-child,th:first-child{text-align:left}.meta{color:#666;font-size:13px}svg text{font-size:12px;fill:#333}")
                .append(".empty{color:#888;font-style:italic}\n</style></head><body>\n");
        h.append("<h1 id=\"title\">Campaign ").append(esc(r.campaign())).append("</h1>\n<p class=\"meta\">")
                .append(r.from() == null ? "from the beginning" : "from " + STAMP.format(r.from()))
                .append(r.to() == null ? " until now" : " until " + STAMP.format(r.to()))
                .append("; generated ").append(STAMP.format(generatedAt)).append(" by mailpipe report</p>\n");

        h.append("<h2>Outcomes</h2>\n<table id=\"outcomes\"><tr><th>status</th><th>requests</th><th>share</th></tr>\n");
        for (Status s : Status.values()) {
            h.append("<tr><td>").append(s.name()).append("</td><td>").append(o.count(s)).append("</td><td>")
                    .append(percent(o.share(s))).append("</td></tr>\n");
        }
        h.append("<tr><td>hard bounces</td><td>").append(o.hardBounces()).append("</td><td>").append(percent(o.perSent(o.hardBounces())))
                .append(" of sent</td></tr>\n<tr><td>soft bounces</td><td>").append(o.softBounces()).append("</td><td>")
                .append(percent(o.perSent(o.softBounces()))).append(" of sent</td></tr>\n<tr><td>complaints</td><td>")
                .append(o.complaints()).append("</td><td>").append(percent(o.perSent(o.complaints()))).append(" of sent</td></tr>\n</table>\n");
        h.append(bars("chart-outcomes", r.outcomeBars(), true));

        h.append("<h2>Sends per hour by account</h2>\n").append(hourly(r));
        h.append("<h2>Bounce and complaint reasons</h2>\n").append(bars("chart-reasons", r.reasons(), false));
        h.append("<h2>Recipient domains that refused most</h2>\n").append(bars("chart-domains", r.refusingDomains(), false));
        h.append("</body></html>\n");
        return h.toString();
    }

    /** Horizontal bars, one per label. */
    static String bars(String id, List<CampaignReport.Bar> bars, boolean statusColours) {
        if (bars.stream().allMatch(b -> b.count() == 0)) {
            return "<p class=\"empty\" id=\"" + id + "\">none in this period</p>\n";
        }
        long max = bars.stream().mapToLong(CampaignReport.Bar::count).max().orElse(1);
        int rowH = 24;
        int width = 760;
        int labelW = 230;
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"").append(id).append("\" width=\"").append(width)
                .append("\" height=\"").append(bars.size() * rowH + 10).append("\" role=\"img\">\n");
        int y = 5;
        int i = 0;
        for (CampaignReport.Bar b : bars) {
            int w = (int) Math.round((width - labelW - 70) * (double) b.count() / max);
            String colour = statusColours ? STATUS_COLOURS.getOrDefault(b.label(), PALETTE[0]) : PALETTE[i % PALETTE.length];
            s.append("<text x=\"0\" y=\"").append(y + 16).append("\">").append(esc(b.label())).append("</text>");
            s.append("<rect class=\"bar\" data-count=\"").append(b.count()).append("\" x=\"").append(labelW).append("\" y=\"")
                    .append(y + 3).append("\" width=\"").append(Math.max(w, b.count() > 0 ? 2 : 0)).append("\" height=\"")
                    .append(rowH - 6).append("\" fill=\"").append(colour).append("\"/>");
            s.append("<text x=\"").append(labelW + w + 6).append("\" y=\"").append(y + 16).append("\">").append(b.count()).append("</text>\n");
            y += rowH;
            i++;
        }
        return s.append("</svg>\n").toString();
    }

    /** Stacked columns: sends per hour, one colour per account, with a legend. */
    static String hourly(CampaignReport r) {
        Map<Instant, Map<String, Long>> hours = r.sentPerHour();
        if (hours.isEmpty()) {
            return "<p class=\"empty\" id=\"chart-hourly\">nothing sent in this period</p>\n";
        }
        List<String> accounts = r.accounts();
        long max = hours.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).max().orElse(1);
        int plotH = 220;
        int colW = Math.max(8, Math.min(40, 700 / hours.size()));
        int width = Math.max(760, 60 + hours.size() * (colW + 4));
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"chart-hourly\" width=\"").append(width).append("\" height=\"")
                .append(plotH + 60 + 20 * accounts.size()).append("\" role=\"img\">\n");
        s.append("<line x1=\"50\" y1=\"").append(plotH + 10).append("\" x2=\"").append(width).append("\" y2=\"").append(plotH + 10)
                .append("\" stroke=\"#999\"/>");
        s.append("<text x=\"0\" y=\"20\">").append(max).append("</text><text x=\"0\" y=\"").append(plotH + 10).append("\">0</text>\n");
        int x = 54;
        for (var hour : hours.entrySet()) {
            int y = plotH + 10;
            for (String account : accounts) {
                long n = hour.getValue().getOrDefault(account, 0L);
                if (n == 0) {
                    continue;
                }
                int hgt = (int) Math.max(1, Math.round(plotH * (double) n / max));
                y -= hgt;
                s.append("<rect class=\"bar\" data-account=\"").append(esc(account)).append("\" data-count=\"").append(n)
                        .append("\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(colW)
                        .append("\" height=\"").append(hgt).append("\" fill=\"").append(PALETTE[accounts.indexOf(account) % PALETTE.length])
                        .append("\"><title>").append(esc(account)).append(' ').append(HOUR.format(hour.getKey())).append(": ").append(n)
                        .append("</title></rect>");
            }
            s.append("<text x=\"").append(x).append("\" y=\"").append(plotH + 26).append("\" font-size=\"10\">")
                    .append(HOUR.format(hour.getKey())).append("</text>\n");
            x += colW + 4;
        }
        int ly = plotH + 50;
        for (String account : accounts) {
            s.append("<rect x=\"54\" y=\"").append(ly - 10).append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(PALETTE[accounts.indexOf(account) % PALETTE.length]).append("\"/><text x=\"72\" y=\"").append(ly)
                    .append("\">").append(esc(account)).append("</text>\n");
            ly += 20;
        }
        return s.append("</svg>\n").toString();
    }

    private static String percent(double fraction) {
        return String.format(Locale.ENGLISH, "%.1f%%", fraction * 100);
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
