package io.mailpipe.bounce;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Exchange Server 5.5 to 2003 (the Internet Mail Service / connector): plain text, one
 * "address on date" line per recipient, the reason in an "MSEXCH:" line with a hexadecimal code.
 *
 * <pre>
 * Your message did not reach some or all of the intended recipients.
 * The following recipient(s) could not be reached:
 *
 *       nobody@example.com on 1/2/2005 10:00:00 AM
 *             The recipient name is not recognized
 *             MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (000C05A6) Unknown Recipient
 * </pre>
 */
final class Exchange2003Detector extends TextFormatDetector {
    /** "nobody@example.com on Thu, 9 May 2005 10:00:00 +0900" or "... on 5/9/05 10:00 AM". */
    private static final Pattern RECIPIENT = Pattern.compile(
            "^<?(" + Texts.EMAIL.pattern() + ")>? on \\S");
    /** "MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient": the code in parentheses. */
    private static final Pattern MSEXCH_CODE = Pattern.compile("msexch:[^()]{0,200}\\(([0-9a-f]{8})\\)");
    /** Exchange's own error codes that name the reason (the others depend on the remote reply). */
    private static final Map<String, Reason> CODES = Map.of(
            "000c05a6", Reason.USERUNKNOWN, // Unknown Recipient
            "000c0595", Reason.FILTERED, // Ambiguous Recipient
            "00010256", Reason.SYSTEMERROR, // Too many recipients
            "000d06b5", Reason.SYSTEMERROR, // No proxy for the recipient
            "00120270", Reason.NETWORKERROR, // Too many hops
            "00050311", Reason.CONTENTERROR, // Conversion to Internet format failed
            "000502cc", Reason.CONTENTERROR, // Conversion to Internet format failed
            "000b0981", Reason.SECURITYERROR); // The remote server does not support AUTH

    @Override
    public String name() {
        return "Exchange2003";
    }

    @Override
    public boolean guard(MailView mail) {
        // X-Mailer: Internet Mail Service (5.5.2653.19)
        // X-MimeOLE: Produced By Microsoft Exchange V6.5
        return mail.hasHeader("X-MS-Embedded-Report")
                || Texts.lower(mail.header("X-Mailer")).strip().startsWith("internet mail service (")
                || mail.headerContains("X-Mailer", "microsoft exchange server internet mail connector")
                || mail.headerContains("X-MimeOLE", "produced by microsoft exchange")
                || mail.headerContains("Received", " with internet mail service (");
    }

    @Override
    List<String> startMarkers() {
        return List.of("did not reach the following recipient", "could not be reached:");
    }

    @Override
    Pattern recipientPattern() {
        return RECIPIENT;
    }

    @Override
    void refine(Finding f, MailView mail) {
        Matcher m = MSEXCH_CODE.matcher(Texts.lower(f.diagnostic));
        if (m.find()) {
            Reason r = CODES.get(m.group(1));
            if (r != null) {
                f.reason = r;
                f.reasonFinal = true;
            }
        }
    }
}
