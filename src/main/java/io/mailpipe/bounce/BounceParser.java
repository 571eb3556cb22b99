package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses bounce messages (non-delivery reports, delay notices, complaint reports, auto-replies)
 * into one {@link BounceRecord} per recipient. Camel-free and thread-safe; never throws on bad
 * input: what cannot be read is listed in {@link ParseResult#problems()}.
 *
 * <p>Stages: raw bytes are normalised (line endings, mbox separators, several messages per file)
 * ({@link RawMessages}); each message is read with jakarta.mail into a {@link MailView}; the
 * first detector of {@link Detectors#DEFAULT} whose guard passes and that finds recipients
 * extracts them; {@link ReasonClassifier} decides each reason.
 */
public final class BounceParser {
    private final List<Detector> detectors;

    /** A parser with the default detector list. */
    public BounceParser() {
        this(Detectors.DEFAULT);
    }

    BounceParser(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /** Parses one raw message (or an mbox file holding several). Never throws. */
    public ParseResult parse(byte[] rawMessage) {
        List<String> problems = new ArrayList<>();
        List<BounceRecord> records = new ArrayList<>();
        if (rawMessage == null) {
            problems.add("no input");
            return new ParseResult(records, problems);
        }
        for (byte[] message : RawMessages.split(rawMessage, problems)) {
            try {
                records.addAll(parseOne(message, problems));
            } catch (RuntimeException | StackOverflowError e) {
                problems.add("message skipped: " + e.getClass().getSimpleName() + " while parsing");
            }
        }
        return new ParseResult(records, problems);
    }

    private List<BounceRecord> parseOne(byte[] message, List<String> problems) {
        return parseOne(message, problems, 0);
    }

    private List<BounceRecord> parseOne(byte[] message, List<String> problems, int depth) {
        MailView mail = MailReader.read(message, problems);
        for (Detector d : detectors) {
            if (!d.guard(mail)) {
                continue;
            }
            List<Finding> found = withoutOwnAddresses(d.extract(mail), mail);
            if (found.isEmpty()) {
                continue;
            }
            OriginalMessage original = OriginalMessage.of(mail);
            List<String> reportRecipients = reportRecipients(mail);
            List<BounceRecord> out = new ArrayList<>(found.size());
            for (Finding f : found) {
                out.add(toRecord(f, d.name(), original, reportRecipients));
            }
            return out;
        }
        if (depth < MAX_NESTING && isNestedReport(mail)) {
            // A gateway (e.g. a virus scanner relaying a Sendmail report) sent a report of its own
            // with an empty address list and the real report attached as the "returned message".
            List<byte[]> inner = RawMessages.split(mail.returnedMessage, problems);
            return inner.isEmpty() ? List.of() : parseOne(inner.get(0), problems, depth + 1);
        }
        return List.of();
    }

    /**
     * The findings of a failure report without those that name the report's own sender or its postmaster: what
     * remains is about the recipients (complaints and auto-replies name the complaining or replying address, kept).
     */
    static List<Finding> withoutOwnAddresses(List<Finding> found, MailView mail) {
        ReportSender sender = null;
        List<Finding> out = new ArrayList<>(found.size());
        for (Finding f : found) {
            boolean failure = f.kind == null || f.kind == Kind.BOUNCE || f.kind == Kind.DELAY;
            if (failure && f.recipient != null) {
                if (sender == null) {
                    sender = ReportSender.of(mail);
                }
                if (sender.withHost(f.reportingMta).isOwn(f.recipient)) {
                    continue;
                }
            }
            out.add(f);
        }
        return out;
    }

    /** How many reports inside reports are opened. */
    private static final int MAX_NESTING = 2;

    /** True when the returned message is itself a bounce: a report type or a mailer-daemon sender. */
    static boolean isNestedReport(MailView mail) {
        if (mail.returnedMessage == null || mail.originalHeaders == null) {
            return false;
        }
        String h = Texts.lower(mail.originalHeaders);
        return h.contains("report-type=delivery-status") || h.contains("\nfrom: mail delivery")
                || h.contains("\nfrom: mailer-daemon");
    }

    /** Header fields naming where the report was delivered, most specific first. */
    private static final List<String> DELIVERY_HEADERS = List.of("X-Original-To", "Delivered-To", "Envelope-To", "To");
    private static final int MAX_REPORT_RECIPIENTS = 10;

    /** The addresses the report itself was delivered to, without duplicates (see {@link BounceRecord#reportRecipients()}). */
    static List<String> reportRecipients(MailView mail) {
        List<String> out = new ArrayList<>();
        for (String header : DELIVERY_HEADERS) {
            for (String v : mail.headerValues(header)) {
                java.util.regex.Matcher m = Texts.EMAIL.matcher(v);
                while (m.find() && out.size() < MAX_REPORT_RECIPIENTS) {
                    String a = Texts.cleanAddress(m.group());
                    if (a != null && out.stream().noneMatch(a::equalsIgnoreCase)) {
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }

    static BounceRecord toRecord(Finding f, String detector, OriginalMessage original, List<String> reportRecipients) {
        Reason reason = ReasonClassifier.decide(f);
        Kind kind = kindOf(f, reason);
        boolean permanent = isPermanent(f);
        boolean hard = kind == Kind.BOUNCE && reason.isHard(permanent);
        SesClassification ses = f.ses != null ? f.ses : SesClassification.of(kind, reason, hard);
        return new BounceRecord(kind, Texts.cleanAddress(f.recipient), f.status, f.replyCode, f.action, reason,
                hard, Texts.collapse(f.diagnostic), f.reportingMta, f.remoteMta, original.messageId(),
                original.requestId(), original.returnPath(), reportRecipients, original.headersQuoted(),
                ses.type(), ses.subType(), f.feedbackType, detector);
    }

    private static Kind kindOf(Finding f, Reason reason) {
        if (f.kind != null) {
            return f.kind;
        }
        if (reason == Reason.DELIVERED || "delivered".equals(f.action) || "relayed".equals(f.action)
                || "expanded".equals(f.action)) {
            return Kind.DELIVERED;
        }
        if ("delayed".equals(f.action)) {
            return Kind.DELAY;
        }
        return Kind.BOUNCE;
    }

    private static boolean isPermanent(Finding f) {
        if (f.status != null) {
            return f.status.startsWith("5");
        }
        if (f.replyCode != null) {
            return f.replyCode.startsWith("5");
        }
        return !"delayed".equals(f.action);
    }
}
