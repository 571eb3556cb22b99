package io.mailpipe.bounce;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * RFC 3464 delivery-status fields written into the body text instead of a MIME part: old Sendmail
 * versions whose multipart/report lost its boundaries, and reports forwarded by a person (each
 * line quoted with "&gt; "). The fields are read as {@link Rfc3464Detector} reads a part.
 *
 * <pre>
 * &gt;    ----- Transcript of session follows -----
 * &gt; 550 5.1.1 &lt;nobody@example.com&gt;... User unknown
 * &gt; Reporting-MTA: dns; mx.example.org
 * &gt;
 * &gt; Final-Recipient: RFC822; nobody@example.com
 * &gt; Action: failed
 * &gt; Status: 5.1.1
 * </pre>
 */
final class InlineDsnDetector implements Detector {
    private static final int MAX_BODY = 128 * 1024;
    /** Quote marks a mail client puts in front of forwarded lines. */
    private static final Pattern QUOTE = Pattern.compile("(?m)^(?:> ?){1,4}");
    private static final List<String> FIRST_FIELDS = List.of("\nreporting-mta:", "\nfinal-recipient:");

    @Override
    public String name() {
        return "RFC3464";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.deliveryStatus.isEmpty() && !mail.texts.isEmpty()
                && Texts.lower(Texts.cap(mail.body(), MAX_BODY)).contains("final-recipient:");
    }

    @Override
    public List<Finding> extract(MailView mail) {
        String body = QUOTE.matcher(Texts.cap(mail.body(), MAX_BODY).replace("\r\n", "\n")).replaceAll("");
        String lower = "\n" + body.toLowerCase(Locale.ROOT);
        int start = -1;
        for (String f : FIRST_FIELDS) {
            int i = lower.indexOf(f);
            if (i >= 0 && (start < 0 || i < start)) {
                start = i;
            }
        }
        if (start < 0) {
            return List.of();
        }
        List<Finding> found = Rfc3464Detector.fromDeliveryStatus(body.substring(start));
        String transcript = transcript(body.substring(0, Math.max(0, start - 1)));
        for (Finding f : found) {
            if (f.diagnostic == null && transcript != null) {
                // "mail.local: unknown user: taro" / "554 <taro@example.com>... Service unavailable"
                f.diagnostic = transcript;
                Rfc3464Detector.refineCodes(f);
            }
        }
        return found;
    }

    /** The lines after Sendmail's "----- Transcript of session follows -----", collapsed; or null. */
    private static String transcript(String before) {
        int at = Texts.lower(before).indexOf("transcript of session follows");
        if (at < 0) {
            return null;
        }
        int eol = before.indexOf('\n', at);
        return eol < 0 ? null : Texts.cap(Texts.collapse(before.substring(eol + 1)), 1000);
    }
}
