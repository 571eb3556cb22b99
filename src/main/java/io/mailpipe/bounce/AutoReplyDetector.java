package io.mailpipe.bounce;

import java.util.List;

/**
 * Automatic replies (RFC 3834): out-of-office and vacation notices. Recognised by
 * {@code Auto-Submitted: auto-replied} or vendor headers (X-Autoreply, X-Apple-Action: VACATION,
 * X-Auto-Response-Suppress) or an "Auto reply:" / "Out of Office" subject, never from a mailer
 * daemon. The recipient is the replying address (From).
 */
final class AutoReplyDetector implements Detector {
    private static final List<String> SUBJECTS = List.of(
            "auto reply", "auto-reply", "autoreply", "automatic reply", "auto response", "autoresponse",
            "out of office", "out of the office", "vacation", "abwesenheit", "absence", "réponse automatique",
            "自動応答", "不在");

    @Override
    public String name() {
        return "RFC3834";
    }

    @Override
    public boolean guard(MailView mail) {
        String from = mail.from();
        if (from.contains("mailer-daemon") || from.contains("postmaster") || !mail.deliveryStatus.isEmpty()
                || mail.hasFeedbackReport()) {
            return false; // a delivery or feedback report is no auto-reply, whatever its subject (RFC 5965 wins)
        }
        String subject = mail.subject();
        if (subject.contains("undeliver") || subject.contains("delivery") || subject.contains("failure")) {
            return false;
        }
        String autoSubmitted = Texts.lower(mail.header("Auto-Submitted"));
        return autoSubmitted.startsWith("auto-replied")
                || mail.hasHeader("X-Autoreply") || mail.hasHeader("X-Autorespond")
                || mail.headerContains("X-Apple-Action", "vacation")
                || Texts.lower(mail.header("Precedence")).contains("auto_reply")
                || SUBJECTS.stream().anyMatch(subject::contains);
    }

    @Override
    public List<Finding> extract(MailView mail) {
        Finding f = new Finding(Texts.firstAddress(mail.header("From")),
                mail.texts.isEmpty() ? null : Texts.cap(Texts.collapse(mail.texts.get(0)), 500));
        f.kind = Kind.AUTOREPLY;
        f.reason = Reason.VACATION;
        return List.of(f);
    }
}
