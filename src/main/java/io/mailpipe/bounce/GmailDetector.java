package io.mailpipe.bounce;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gmail and Google Workspace plain-text notices: the recipients in X-Failed-Recipients and on their
 * own lines, the remote reply after "The error that the other server returned was:", then
 * "----- Original message -----".
 */
final class GmailDetector extends TextFormatDetector {
    /** Google's own boilerplate before the remote reply; its words ("rejected by the recipient domain") decide nothing. */
    private static final String REMOTE_REPLY = "the error that the other server returned was:";
    /** "(state 14)": the step of Google's SMTP client at which the remote host answered. */
    private static final Pattern STATE = Pattern.compile("\\(state (\\d{1,2})\\)");

    /**
     * Google's client states: the SMTP command the remote host answered. 6 is STARTTLS ("500 Remote server does not
     * support TLS (state 6)"); 8, 9 and 12 during AUTH; 13 the EHLO reply; 14 the RCPT reply; 15, 17 and 18 the DATA
     * reply.
     */
    private static final Map<String, String> STATES = Map.of(
            "6", "STARTTLS", "8", "AUTH", "9", "AUTH", "12", "AUTH", "13", "HELO", "14", "RCPT", "15", "DATA", "17", "DATA",
            "18", "DATA");

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
        int reply = d.indexOf(REMOTE_REPLY);
        if (reply >= 0) {
            Matcher m = STATE.matcher(d.substring(reply + REMOTE_REPLY.length()));
            if (m.find() && STATES.containsKey(m.group(1))) {
                f.command = STATES.get(m.group(1));
            }
        }
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
