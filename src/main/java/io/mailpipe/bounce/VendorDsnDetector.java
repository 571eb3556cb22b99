package io.mailpipe.bounce;

import java.util.List;

/**
 * Base of the gateways and providers that send a standard RFC 3464 report but word their
 * diagnostics in a fixed way of their own: extraction is {@link Rfc3464Detector}'s, then the
 * vendor's own sentence table decides the reason (it knows what its sentences mean better than
 * the generic phrase rules, which cannot tell which SMTP command a relayed reply answered).
 */
abstract class VendorDsnDetector implements Detector {
    private static final Rfc3464Detector RFC3464 = new Rfc3464Detector();

    /** The vendor's sentences, lower case, in order; the first matching rule decides. */
    abstract List<PhraseRules.Rule> rules();

    @Override
    public List<Finding> extract(MailView mail) {
        List<Finding> found = RFC3464.extract(mail);
        for (Finding f : found) {
            Reason r = match(rules(), Texts.lower(f.diagnostic));
            if (r != null) {
                f.reason = r;
                f.reasonFinal = true;
            }
        }
        return found;
    }

    static Reason match(List<PhraseRules.Rule> rules, String lowerText) {
        if (lowerText == null || lowerText.isEmpty()) {
            return null;
        }
        for (PhraseRules.Rule r : rules) {
            if (r.matches(lowerText)) {
                return r.reason();
            }
        }
        return null;
    }

    /** True when any delivery-status part contains the lower-case needle. */
    static boolean statusContains(MailView mail, String needle) {
        for (String ds : mail.deliveryStatus) {
            if (Texts.lower(Texts.cap(ds, 16 * 1024)).contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
