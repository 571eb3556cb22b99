package io.mailpipe.bounce;

import java.util.List;
import java.util.regex.Pattern;

/**
 * DragonFly Mail Agent (dma): one sentence naming the recipient, the remote reply, then
 * "Message headers follow."
 *
 * <pre>
 * There was an error delivering your mail to &lt;nobody@example.com&gt;.
 *
 * mx.example.com [192.0.2.2] did not like our RCPT TO:
 * 550 5.1.1 &lt;nobody@example.com&gt;: Recipient address rejected
 *
 * Message headers follow.
 * </pre>
 */
final class DragonFlyDetector extends TextFormatDetector {
    private static final Pattern RECIPIENT = Pattern.compile(
            "error delivering your mail to <?(" + Texts.EMAIL.pattern() + ")>?");

    @Override
    public String name() {
        return "DragonFly";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.headerContains("Received", "dragonfly mail agent")
                || mail.subject().startsWith("mail delivery failed") && mail.from().contains("mailer-daemon");
    }

    @Override
    List<String> startMarkers() {
        return List.of("there was an error delivering your mail to", "this is the dragonfly mail agent");
    }

    @Override
    List<String> endMarkers() {
        return List.of("message headers follow");
    }

    @Override
    Pattern recipientPattern() {
        return RECIPIENT;
    }
}
