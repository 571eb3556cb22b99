package io.mailpipe.bounce;

import java.util.List;

/**
 * Last resort for plain-text bounces of MTAs without a detector of their own: a mailer-daemon
 * sender or a bounce-like subject, any address line before the copy of the original message.
 */
final class GenericTextDetector extends TextFormatDetector {
    static final List<String> BOUNCE_SUBJECTS = List.of(
            "undeliver", "undelivered", "delivery fail", "delivery status notification", "returned mail",
            "failure notice", "mail delivery", "delivery problem", "non remis", "non-remis", "nondeliverable",
            "non-deliverable", "not delivered", "could not be delivered", "delivery report", "rejected",
            "returned to sender", "delivery notification", "mail system error", "error sending", "bounce",
            "unzustellbar", "不達", "エラー", "error", "failed", "failure", "warning");

    @Override
    public String name() {
        return "Generic";
    }

    @Override
    public boolean guard(MailView mail) {
        String from = mail.from();
        String subject = mail.subject();
        return from.contains("mailer-daemon") || from.contains("postmaster") || from.contains("mail delivery")
                || from.contains("mail-daemon") || from.contains("mailerdaemon") || mail.hasHeader("X-Failed-Recipients")
                || BOUNCE_SUBJECTS.stream().anyMatch(subject::contains);
    }

    /**
     * A delay notice, not a failure: Sendmail's "**  THIS IS A WARNING MESSAGE ONLY  **" / "Will keep trying until
     * message is 5 days old", Postfix's "THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE."
     */
    private static final List<String> WARNING_ONLY = List.of("this is a warning message only", "this is a warning only",
            "you do not need to resend your message", "will keep trying until");

    @Override
    List<String> startMarkers() {
        return List.of();
    }

    @Override
    void refine(Finding f, MailView mail) {
        String body = Texts.lower(Texts.cap(mail.body(), 16 * 1024));
        if (WARNING_ONLY.stream().anyMatch(body::contains)) {
            f.action = "delayed";
            f.kind = Kind.DELAY;
        }
    }
}
