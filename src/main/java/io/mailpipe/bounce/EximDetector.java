package io.mailpipe.bounce;

import java.util.List;

/**
 * Exim: plain text, an X-Failed-Recipients header, each failed address on its own indented line
 * followed by the SMTP transcript.
 *
 * <pre>
 * A message that you sent could not be delivered to one or more of its
 * recipients. This is a permanent error. The following address(es) failed:
 *
 *   nobody@example.com
 *     SMTP error from remote mail server after RCPT TO:&lt;nobody@example.com&gt;:
 *     550 5.1.1 unknown user
 *
 * ------ This is a copy of the message, including all the headers. ------
 * </pre>
 */
final class EximDetector extends TextFormatDetector {
    @Override
    public String name() {
        return "Exim";
    }

    @Override
    public boolean guard(MailView mail) {
        String subject = mail.subject();
        return mail.hasHeader("X-Failed-Recipients") && !mail.from().contains("google")
                || subject.startsWith("mail delivery failed") || subject.startsWith("warning: message")
                || subject.startsWith("mail failure") || mail.headerContains("Received", "(exim ")
                && (mail.from().contains("mailer-daemon") || subject.contains("deliver"));
    }

    @Override
    List<String> startMarkers() {
        return List.of("the following address(es) failed", "could not be delivered to one or more",
                "message has not yet been delivered", "this message was created automatically by mail delivery",
                "delivery to the following recipients failed", "the following recipients could not",
                // "A message that you sent contained one or more recipient addresses that were
                //  incorrectly constructed:" (Exim's "Mail failure - malformed recipient address")
                "recipient addresses that were");
    }

    @Override
    List<String> endMarkers() {
        return List.of("------ this is a copy of the message", "------ the body of the message",
                "------ this is a copy of the body", "--- the header of the original message");
    }

    @Override
    void refine(Finding f, MailView mail) {
        String d = Texts.lower(f.diagnostic);
        if (d.contains("retry timeout exceeded") || d.contains("retry time not reached for any host")) {
            f.reason = Reason.EXPIRED;
        }
        if (mail.subject().startsWith("warning: message")) {
            f.action = "delayed";
            f.kind = Kind.DELAY;
        }
    }
}
