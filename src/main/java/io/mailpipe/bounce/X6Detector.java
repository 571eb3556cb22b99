package io.mailpipe.bounce;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An unnamed MTA ("X6" in Sisimai's list): "We had trouble delivering your message", then one
 * sentence per failed recipient with the remote reply in square brackets.
 *
 * <pre>
 * From: mailer-daemon
 * Subject: There was an error sending your mail
 *
 * We had trouble delivering your message. Full details follow:
 * 1 error(s):
 * SMTP Server &lt;mx.example.com&gt; rejected recipient &lt;nobody@example.com&gt; (Error following RCPT
 * command). It responded as follows: [550 5.1.1 no such user]
 * </pre>
 */
final class X6Detector extends TextFormatDetector {
    /** "...returned permanent errors: nobody@example.com. ..." or "...rejected recipient &lt;nobody@example.com&gt; ...". */
    private static final Pattern RECIPIENT = Pattern.compile(
            "^(?=.{0,300}?(?:returned permanent errors: |rejected recipient )<?(" + Texts.EMAIL.pattern() + "))(.+)");

    @Override
    public String name() {
        return "X6";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.subject().startsWith("there was an error sending your mail");
    }

    @Override
    List<String> startMarkers() {
        return List.of("we had trouble delivering your message");
    }

    @Override
    List<String> endMarkers() {
        return List.of("the attachment contains the original mail headers");
    }

    @Override
    Pattern recipientPattern() {
        return RECIPIENT;
    }
}
