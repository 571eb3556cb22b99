package io.mailpipe.bounce;

import java.util.List;

/**
 * Gmail and Google Workspace plain-text notices: the recipients in X-Failed-Recipients and on their
 * own lines, the remote reply after "The error that the other server returned was:", then
 * "----- Original message -----".
 */
final class GmailDetector extends TextFormatDetector {
    @Override
    public String name() {
        return "Gmail";
    }

    @Override
    public boolean guard(MailView mail) {
        String from = mail.from();
        return (from.contains("@googlemail.com") || from.contains("@google.com") || from.contains("@gmail.com"))
                && (from.contains("mailer-daemon") || from.contains("delivery subsystem"));
    }

    @Override
    List<String> startMarkers() {
        return List.of();
    }

    @Override
    List<String> endMarkers() {
        return List.of("----- original message -----", "----- message header follows -----");
    }

    @Override
    void refine(Finding f, MailView mail) {
        String d = Texts.lower(f.diagnostic);
        if (d.contains("delivery to the following recipient has been delayed")
                || d.contains("will retry") || mail.subject().contains("delay")) {
            f.action = "delayed";
            f.kind = Kind.DELAY;
        }
        if (d.contains("dns error: domain name not found") || d.contains("domain name not found")
                || d.contains("dns type 'mx' lookup") && d.contains("not found")) {
            f.reason = Reason.HOSTUNKNOWN;
        } else if (d.contains("the email account that you tried to reach does not exist")) {
            f.reason = Reason.USERUNKNOWN;
        } else if (d.contains("did not accept our requests to connect")) {
            f.reason = Reason.EXPIRED;
        } else if (d.contains("the email account that you tried to reach is over quota")) {
            f.reason = Reason.MAILBOXFULL;
        }
    }
}
