package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 3464 delivery status notifications: a message/delivery-status part with one per-message
 * block and one block per recipient. Also the fallback for MTAs that send a DSN without a format
 * of their own. Every recipient block becomes one finding.
 *
 * <pre>
 * Reporting-MTA: dns; mx.example.org
 *
 * Final-Recipient: rfc822; nobody@example.com
 * Action: failed
 * Status: 5.1.1
 * Remote-MTA: dns; mx.example.com
 * Diagnostic-Code: smtp; 550 5.1.1 &lt;nobody@example.com&gt;: Recipient address rejected: User unknown
 * </pre>
 */
final class Rfc3464Detector implements Detector {
    @Override
    public String name() {
        return "RFC3464";
    }

    @Override
    public boolean guard(MailView mail) {
        return !mail.deliveryStatus.isEmpty();
    }

    @Override
    public List<Finding> extract(MailView mail) {
        List<Finding> out = new ArrayList<>();
        for (String ds : mail.deliveryStatus) {
            out.addAll(fromDeliveryStatus(ds));
        }
        if (!out.isEmpty()) {
            supplementFromText(out, mail);
            if (out.size() == 1) {
                statusFromTranscript(out.get(0), mail);
            }
            String command = Texts.findCommand(Texts.cap(mail.texts.isEmpty() ? "" : mail.texts.get(0), 16 * 1024));
            for (Finding f : out) {
                if (f.command == null) {
                    f.command = command; // Postfix: "(in reply to RCPT TO command)" is only in the text part
                }
            }
        }
        return out;
    }

    /**
     * A report about one recipient whose status is unspecific (x.0.0, or none) while the
     * human-readable transcript quotes the answering host's reply with a precise code of the same
     * class ("554 5.3.0 unknown mailer error 255" above "Status: 5.0.0", "Diagnostic-Code: X-Unix;
     * 255"): the quoted code is taken, unless the diagnostic holds the answering host's own code.
     */
    private static void statusFromTranscript(Finding f, MailView mail) {
        if (f.status != null && !f.status.endsWith(".0.0") || mail.texts.isEmpty()
                || Texts.remoteStatus(f.diagnostic) != null) {
            // a precise code already, or the answering host's own reply says x.0.0 itself
            return;
        }
        String quoted = Texts.remoteStatus(Texts.cap(mail.texts.get(0), 16 * 1024));
        if (quoted != null && !quoted.endsWith(".0.0") && (f.status == null || quoted.charAt(0) == f.status.charAt(0))) {
            f.status = quoted;
        }
    }

    /** Findings from one delivery-status text. */
    static List<Finding> fromDeliveryStatus(String text) {
        List<Finding> out = new ArrayList<>();
        String reportingMta = null;
        for (FieldBlocks.Block b : FieldBlocks.parse(text)) {
            if (b.has("reporting-mta") && reportingMta == null) {
                reportingMta = FieldBlocks.typedValue(b.get("reporting-mta"));
            }
            String rcpt = recipientOf(b);
            if (rcpt == null) {
                continue;
            }
            Finding f = new Finding();
            f.recipient = rcpt;
            f.reportingMta = reportingMta;
            f.action = actionOf(b.get("action"));
            f.status = Texts.normaliseStatus(b.get("status"));
            String diag = b.get("diagnostic-code");
            f.diagnosticType = FieldBlocks.typeOf(diag);
            f.diagnostic = Texts.diagnostic(FieldBlocks.typedValue(diag));
            f.remoteMta = FieldBlocks.typedValue(b.get("remote-mta"));
            refineCodes(f);
            out.add(f);
        }
        return out;
    }

    /** Reply code, command and a more specific status code from the diagnostic text. */
    static void refineCodes(Finding f) {
        if (f.diagnostic != null) {
            String inDiag = Texts.bestStatus(f.diagnostic);
            if (f.status == null) {
                f.status = inDiag;
            } else if (inDiag != null && !inDiag.equals(f.status) && !inDiag.endsWith(".0.0")
                    && (inDiag.charAt(0) == f.status.charAt(0)
                    || contradictsAction(f.status, f.action) && !contradictsAction(inDiag, f.action))) {
                // the remote host's own code is more precise than the MTA's summary; and where the
                // summary contradicts the action ("Action: failed", "Status: 4.5.0") while the
                // remote reply agrees with it ("550 5.5.0"), the reply is right
                f.status = inDiag;
            }
            f.replyCode = Texts.findReply(f.diagnostic);
            if (f.command == null) {
                f.command = Texts.findCommand(f.diagnostic);
            }
        }
    }

    /** True when a status class contradicts the DSN action: failed with 4.x.x, delayed with 5.x.x. */
    private static boolean contradictsAction(String status, String action) {
        return "failed".equals(action) && status.startsWith("4") || "delayed".equals(action) && status.startsWith("5");
    }

    private static String recipientOf(FieldBlocks.Block b) {
        for (String field : new String[]{"final-recipient", "original-recipient", "x-actual-recipient"}) {
            String v = b.get(field);
            if (v != null) {
                String a = Texts.firstAddress(FieldBlocks.typedValue(v));
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    private static String actionOf(String v) {
        if (v == null) {
            return null;
        }
        String a = Texts.lower(v).strip();
        int sp = a.indexOf(' ');
        a = sp > 0 ? a.substring(0, sp) : a;
        return a.isEmpty() ? null : a;
    }

    /**
     * When the recipient block has no diagnostic, take the lines of the human-readable part that
     * follow the recipient's address (Sendmail transcripts, Postfix "said:" lines).
     */
    static void supplementFromText(List<Finding> findings, MailView mail) {
        String body = Texts.cap(mail.body(), 64 * 1024);
        if (body.isEmpty()) {
            return;
        }
        String lower = Texts.lower(body);
        for (Finding f : findings) {
            if (f.diagnostic != null || f.recipient == null) {
                continue;
            }
            int at = lower.indexOf(Texts.lower(f.recipient));
            if (at < 0) {
                continue;
            }
            int end = lower.indexOf("\n\n", at);
            String piece = body.substring(at + f.recipient.length(), end < 0 ? Math.min(body.length(), at + 1000) : end);
            String d = Texts.collapse(piece.replaceFirst("^[>:\\s]+", ""));
            if (d != null && d.length() > 3) {
                f.diagnostic = Texts.cap(d, 1000);
                refineCodes(f);
            }
        }
    }
}
