package io.mailpipe.bounce;

import java.util.List;
import java.util.Locale;

/**
 * A failure report that names its failed recipient in no form the other detectors read, delivered to a VERP
 * address: the original's envelope sender carried the recipient, "bounces+taro=example.com@lists.example.org" for
 * taro@example.com (variable envelope return paths as Postfix's VERP_README, D. J. Bernstein's VERP description and
 * Mailman's VERP delivery write them: the sender's local part, "+", the recipient's local part, "=", its domain).
 * The report goes to that address, so its X-Original-To, Delivered-To, Envelope-To or To field holds it.
 * mailpipe's own VERP tokens carry no address and are left to the bounce pipeline's correlation.
 *
 * <pre>
 * Delivered-To: news-bounces+taro=example.com@lists.example.org
 * From: MAILER-DAEMON@mx.example.org
 * Subject: failure notice
 *
 * I could not deliver your message; please contact the postmaster.
 * </pre>
 */
final class VerpDetector implements Detector {
    @Override
    public String name() {
        return "VERP";
    }

    @Override
    public boolean guard(MailView mail) {
        return (!mail.deliveryStatus.isEmpty() || new GenericTextDetector().guard(mail)) && verpRecipient(mail) != null;
    }

    @Override
    public List<Finding> extract(MailView mail) {
        String recipient = verpRecipient(mail);
        if (recipient == null) {
            return List.of();
        }
        String[] lines = TextScan.lines(Texts.cap(mail.body(), 64 * 1024));
        int end = TextScan.find(lines, 0, TextScan.COMMON_END_MARKERS);
        Finding f = TextScan.finish(new Finding(recipient,
                TextScan.joined(lines, 0, end < 0 ? Math.min(lines.length, 40) : end)));
        f.action = f.replyCode != null && f.replyCode.startsWith("4") ? "delayed" : "failed";
        return List.of(f);
    }

    /** The address a VERP report recipient encodes, or null. */
    static String verpRecipient(MailView mail) {
        for (String to : BounceParser.reportRecipients(mail)) {
            String decoded = decode(to);
            if (decoded != null) {
                return decoded;
            }
        }
        return null;
    }

    /** "prefix+local=domain@host" to "local@domain", or null when the address encodes none. */
    static String decode(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return null;
        }
        String local = address.substring(0, at);
        int plus = local.indexOf('+');
        int eq = local.lastIndexOf('=');
        if (plus <= 0 || eq < plus + 2 || eq == local.length() - 1) {
            return null;
        }
        String domain = local.substring(eq + 1).toLowerCase(Locale.ROOT);
        String user = local.substring(plus + 1, eq);
        if (!domain.contains(".") || domain.startsWith(".") || domain.endsWith(".") || user.contains("=")) {
            return null;
        }
        String candidate = user + "@" + domain;
        return Texts.EMAIL.matcher(candidate).matches() ? candidate : null;
    }
}
