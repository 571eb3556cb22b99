package io.mailpipe.bounce;

import java.util.List;

/**
 * OpenSMTPD: "address: reply" lines after "the following list of recipients", then
 * "Below is a copy of the original message:".
 *
 * <pre>
 * An error has occurred while attempting to deliver a message for
 * the following list of recipients:
 *
 * nobody@example.com: 550 5.1.1 the mailbox does not exist
 *
 * Below is a copy of the original message:
 * </pre>
 */
final class OpenSmtpdDetector extends TextFormatDetector {
    @Override
    public String name() {
        return "OpenSMTPD";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.subject().startsWith("delivery status notification") && mail.from().contains("mailer-daemon")
                && !mail.from().contains("google");
    }

    @Override
    List<String> startMarkers() {
        return List.of("an error has occurred while attempting to deliver a message",
                "following list of recipients", "delivery of a message has been delayed",
                "this is the mailer-daemon, please do not reply");
    }

    @Override
    List<String> endMarkers() {
        return List.of("below is a copy of the original message");
    }

    @Override
    void refine(Finding f, MailView mail) {
        if (mail.subject().contains("delay")) {
            f.action = "delayed";
            f.kind = Kind.DELAY;
        }
    }
}
