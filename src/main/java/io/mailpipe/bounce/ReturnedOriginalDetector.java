package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Last resort for failure reports that name no recipient of their own: a Postfix report whose
 * delivery-status part has no recipient block ("--- Delivery report unavailable ---"), or an old
 * Sendmail whose transcript names only the host ("421 example.com (smtp)... Deferred"). The report
 * is about the returned message, so its recipients are the original's {@code To}/{@code Cc}
 * addresses. The diagnostic is the transcript, when there is one; nothing is made up otherwise.
 *
 * <pre>
 *    ----- Transcript of session follows -----
 * 421 example.com (smtp)... Deferred: Connection timed out during user open with example.com
 *
 *    ----- Unsent message follows -----
 * From: sender@example.org
 * To: nobody@example.com
 * </pre>
 */
final class ReturnedOriginalDetector implements Detector {
    /** At most this many addresses are taken from the original (a report is about a few, not a list). */
    private static final int MAX_RECIPIENTS = 20;
    private static final Pattern RECIPIENT_FIELD = Pattern.compile("(?im)^(?:to|cc):[ \\t]*(.*(?:\\n[ \\t].*)*)");
    /**
     * Where the original was delivered, when its returned header names it: a delivery agent's Delivered-To
     * (qmail, Postfix, Exim), Postfix's X-Original-To, Exim's Envelope-To, and the common X-Envelope-To. More exact
     * than To (a list's own address, for a message a list manager sent on).
     */
    private static final Pattern ENVELOPE_FIELD = Pattern.compile(
            "(?im)^(?:x-original-to|delivered-to|envelope-to|x-envelope-to):[ \\t]*(.*(?:\\n[ \\t].*)*)");
    private static final List<String> TRANSCRIPT_MARKERS = List.of("transcript of session follows");

    @Override
    public String name() {
        return "ReturnedOriginal";
    }

    @Override
    public boolean guard(MailView mail) {
        if (!mail.deliveryStatus.isEmpty()) {
            return true; // a delivery-status report, but without recipient blocks
        }
        String from = mail.from();
        String subject = mail.subject();
        boolean daemon = from.contains("mailer-daemon") || from.contains("mail delivery") || from.contains("postmaster");
        return daemon && GenericTextDetector.BOUNCE_SUBJECTS.stream().anyMatch(subject::contains)
                || daemon && (subject.contains("returned mail") || subject.contains("cannot send"));
    }

    @Override
    public List<Finding> extract(MailView mail) {
        if (BounceParser.isNestedReport(mail)) {
            return List.of(); // the "original" is itself a report: the parser opens it instead
        }
        String[] lines = TextScan.lines(Texts.cap(mail.body(), 128 * 1024));
        int end = TextScan.find(lines, 0, TextScan.COMMON_END_MARKERS);
        String originalHeaders = mail.originalHeaders;
        if (originalHeaders == null && end >= 0) {
            originalHeaders = headerBlockAfter(lines, end + 1);
        }
        if (originalHeaders == null) {
            return List.of();
        }
        String diagnostic = null;
        int transcript = TextScan.find(lines, 0, TRANSCRIPT_MARKERS);
        if (transcript >= 0 && (end < 0 || transcript < end)) {
            diagnostic = TextScan.joined(lines, transcript + 1, end < 0 ? Math.min(lines.length, transcript + 30) : end);
        }
        String reportingMta = null;
        for (String ds : mail.deliveryStatus) {
            for (FieldBlocks.Block b : FieldBlocks.parse(Texts.cap(ds, 16 * 1024))) {
                if (reportingMta == null && b.has("reporting-mta")) {
                    reportingMta = FieldBlocks.typedValue(b.get("reporting-mta"));
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (String rcpt : recipients(originalHeaders)) {
            Finding f = new Finding(rcpt, diagnostic);
            f.reportingMta = reportingMta;
            TextScan.finish(f);
            if (f.replyCode != null && f.replyCode.startsWith("4") || Texts.lower(f.diagnostic).contains("deferred")) {
                f.action = "delayed";
            } else {
                f.action = "failed";
            }
            out.add(f);
        }
        return out;
    }

    /** The header lines from {@code start} up to the first blank line, or null when they are no headers. */
    private static String headerBlockAfter(String[] lines, int start) {
        int i = start;
        while (i < lines.length && lines[i].isBlank()) {
            i++;
        }
        StringBuilder sb = new StringBuilder();
        for (; i < lines.length && !lines[i].isBlank() && sb.length() < 32 * 1024; i++) {
            sb.append(lines[i]).append('\n');
        }
        String block = sb.toString();
        return block.isEmpty() || !block.contains(":") ? null : block;
    }

    /** Addresses the original was delivered to when its header says so, else of its To and Cc fields; no duplicates. */
    static List<String> recipients(String headers) {
        String h = headers.replace("\r\n", "\n");
        List<String> delivered = addresses(ENVELOPE_FIELD, h);
        return delivered.isEmpty() ? addresses(RECIPIENT_FIELD, h) : delivered;
    }

    private static List<String> addresses(Pattern fields, String headers) {
        List<String> out = new ArrayList<>();
        Matcher field = fields.matcher(headers);
        while (field.find() && out.size() < MAX_RECIPIENTS) {
            Matcher m = Texts.EMAIL.matcher(field.group(1));
            while (m.find() && out.size() < MAX_RECIPIENTS) {
                String a = Texts.cleanAddress(m.group());
                if (a != null && out.stream().noneMatch(x -> x.toLowerCase(Locale.ROOT).equals(a.toLowerCase(Locale.ROOT)))) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
