package io.mailpipe.bounce;

import java.util.List;

/**
 * qmail and its relatives (Yahoo's qmail-based bouncer, vpopmail): "&lt;address&gt;:" on a line,
 * the remote reply after it, then "--- Below this line is a copy of the message."
 *
 * <pre>
 * Hi. This is the qmail-send program at mx.example.org.
 * I'm afraid I wasn't able to deliver your message to the following addresses.
 *
 * &lt;nobody@example.com&gt;:
 * 192.0.2.1 does not like recipient.
 * Remote host said: 550 5.1.1 no mailbox here by that name
 *
 * --- Below this line is a copy of the message.
 * </pre>
 */
final class QmailDetector extends TextFormatDetector {
    @Override
    public String name() {
        return "qmail";
    }

    @Override
    public boolean guard(MailView mail) {
        String subject = mail.subject();
        return subject.contains("failure notice") || mail.headerContains("Received", "(qmail ")
                && mail.from().contains("mailer-daemon");
    }

    @Override
    List<String> startMarkers() {
        return List.of("this is the qmail-send program", "i'm afraid i wasn't able to deliver",
                "sorry, we were unable to deliver your message", "unable to deliver your message to the following");
    }

    @Override
    List<String> endMarkers() {
        return List.of("--- below this line is a copy of the message", "--- enclosed are the original headers");
    }

    @Override
    void refine(Finding f, MailView mail) {
        String d = Texts.lower(f.diagnostic);
        // "Sorry, I couldn't find any host named example.invalid. (#5.1.2)"
        if (d.contains("couldn't find any host named") || d.contains("couldn't find any host by that name")) {
            f.reason = Reason.HOSTUNKNOWN;
        } else if (d.contains("sorry, no mailbox here by that name") || d.contains("no mailbox here by that name")) {
            f.reason = Reason.USERUNKNOWN;
        } else if (d.contains("unable to deliver message for") || d.contains("i'm not going to try again")) {
            f.reason = Reason.EXPIRED;
        }
        // qmail's own "(#5.5.0)" style codes are weaker than the remote host's enhanced code
        if (f.status != null && f.diagnostic != null) {
            String remote = Texts.findStatus(f.diagnostic.replaceAll("\\(#[245]\\.\\d\\.\\d{1,3}\\)", ""));
            if (remote != null) {
                f.status = remote;
            }
        }
    }
}
