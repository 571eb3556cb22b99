package io.mailpipe.bounce;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PowerMTA: an RFC 3464 report whose recipient blocks carry PowerMTA's own bounce category, which
 * names the reason more reliably than the remote reply's wording.
 *
 * <pre>
 * Final-Recipient: rfc822; nobody@example.com
 * Action: failed
 * Status: 5.2.1
 * Diagnostic-Code: smtp; 550 5.2.1 &lt;nobody@example.com&gt;... mailbox unknown
 * X-PowerMTA-BounceCategory: bad-mailbox
 * </pre>
 */
final class PowerMtaDetector implements Detector {
    private static final String CATEGORY = "x-powermta-bouncecategory";
    /** PowerMTA's documented bounce categories; "other" and unknown ones leave the rules to decide. */
    private static final Map<String, Reason> CATEGORIES = Map.ofEntries(
            Map.entry("bad-mailbox", Reason.USERUNKNOWN),
            Map.entry("bad-domain", Reason.HOSTUNKNOWN),
            Map.entry("inactive-mailbox", Reason.SUSPEND),
            Map.entry("quota-issues", Reason.MAILBOXFULL),
            Map.entry("message-expired", Reason.EXPIRED),
            Map.entry("no-answer-from-host", Reason.EXPIRED),
            Map.entry("spam-related", Reason.SPAMDETECTED),
            Map.entry("virus-related", Reason.VIRUSDETECTED),
            Map.entry("content-related", Reason.CONTENTERROR),
            Map.entry("policy-related", Reason.POLICYVIOLATION),
            Map.entry("invalid-sender", Reason.REJECTED),
            Map.entry("relaying-issues", Reason.NORELAYING),
            Map.entry("routing-errors", Reason.SYSTEMERROR),
            Map.entry("bad-connection", Reason.NETWORKERROR),
            Map.entry("protocol-errors", Reason.SYSTEMERROR),
            Map.entry("bad-configuration", Reason.SYSTEMERROR));

    private final Rfc3464Detector dsn = new Rfc3464Detector();

    @Override
    public String name() {
        return "PowerMTA";
    }

    @Override
    public boolean guard(MailView mail) {
        for (String ds : mail.deliveryStatus) {
            if (Texts.lower(ds).contains(CATEGORY)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<Finding> extract(MailView mail) {
        List<Finding> found = dsn.extract(mail);
        Map<String, String> categories = new HashMap<>();
        for (String ds : mail.deliveryStatus) {
            for (FieldBlocks.Block b : FieldBlocks.parse(ds)) {
                String category = b.get(CATEGORY);
                String rcpt = Texts.firstAddress(FieldBlocks.typedValue(b.get("final-recipient")));
                if (category != null && rcpt != null) {
                    categories.put(rcpt.toLowerCase(Locale.ROOT), category.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        for (Finding f : found) {
            Reason r = f.recipient == null ? null : CATEGORIES.get(categories.get(f.recipient.toLowerCase(Locale.ROOT)));
            if (r != null) {
                f.reason = r;
                f.reasonFinal = true;
            }
        }
        return found;
    }
}
