package io.mailpipe.bounce;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Zoho Mail: a plain-text notice, one line per recipient with the remote reply split into
 * "ERROR_CODE :" pieces (the reply code first, then the status code or the text), then the
 * original's headers written without a space after the colon ("Received:from ...").
 *
 * <pre>
 * From: mailer-daemon@mail.zoho.com
 * X-ZohoMail: ...
 *
 * nobody@example.com Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 &lt;nobody@example.com&gt;... User Unknown
 * </pre>
 */
final class ZohoDetector extends TextFormatDetector {
    /** "ERROR_CODE :421" or "ERROR_CODE :5.1.1": the pieces of the remote reply. */
    private static final Pattern ERROR_CODE = Pattern.compile("error_code :([245]\\d\\d)\\b");

    @Override
    public String name() {
        return "Zoho";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.hasHeader("X-ZohoMail") && mail.from().contains("mailer-daemon");
    }

    @Override
    List<String> startMarkers() {
        return List.of("this message was created automatically by mail delivery software");
    }

    @Override
    List<String> endMarkers() {
        return List.of("received:from ", "message-id:<");
    }

    @Override
    void refine(Finding f, MailView mail) {
        Matcher m = ERROR_CODE.matcher(Texts.lower(f.diagnostic));
        if (m.find()) {
            f.replyCode = m.group(1);
        }
    }
}
