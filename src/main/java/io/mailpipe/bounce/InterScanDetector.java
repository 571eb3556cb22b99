package io.mailpipe.bounce;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Trend Micro InterScan Messaging Security Suite: a boxed notice, one sentence per undeliverable
 * recipient ("Unable to deliver message to &lt;address&gt;"), the original as message/rfc822.
 *
 * <pre>
 * From: postmaster@example.org ("InterScan Notification")
 * Subject: Mail could not be delivered
 *
 * Message from InterScan Messaging Security Suite
 * Unable to deliver message to &lt;nobody@example.com&gt; (and other recipients in the same domain).
 * Please check if address is correct.
 * </pre>
 */
final class InterScanDetector extends TextFormatDetector {
    /** "Unable to deliver message to &lt;nobody@example.com&gt; ..." (group 1 the address, group 2 the line). */
    private static final Pattern RECIPIENT = Pattern.compile(
            "^(?=.{0,100}?unable to deliver message to <?(" + Texts.EMAIL.pattern() + "))(.+)",
            Pattern.CASE_INSENSITIVE);

    @Override
    public String name() {
        return "InterScanMSS";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.from().contains("interscan") || mail.subject().startsWith("mail could not be delivered");
    }

    @Override
    List<String> startMarkers() {
        return List.of("message from interscan", "unable to deliver message to");
    }

    @Override
    Pattern recipientPattern() {
        return RECIPIENT;
    }

    @Override
    void refine(Finding f, MailView mail) {
        // "... Please check if address is correct.": InterScan's wording for an unknown address
        if (Texts.lower(f.diagnostic).contains("check if address is correct")) {
            f.reason = Reason.USERUNKNOWN;
            f.reasonFinal = true;
        }
    }
}
