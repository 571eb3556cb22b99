package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * Google Groups: a posting to a group was refused (the group does not exist, or the sender may not
 * post). Sent by Gmail's mailer-daemon, the group address in X-Failed-Recipients; the text is in
 * the sender's language, so the reason comes from the format, not from phrases.
 */
final class GoogleGroupsDetector implements Detector {
    @Override
    public String name() {
        return "GoogleGroups";
    }

    @Override
    public boolean guard(MailView mail) {
        // Groups' notices are plain text; Gmail's ordinary "Address not found" report to a group
        // address is a multipart/report with a delivery-status part (GSuite's format)
        return mail.deliveryStatus.isEmpty() && mail.headerContains("X-Failed-Recipients", "@googlegroups.com")
                || mail.deliveryStatus.isEmpty() && mail.headerContains("X-Google-Smtp-Source", "")
                && mail.headerContains("X-Failed-Recipients", "groups");
    }

    @Override
    public List<Finding> extract(MailView mail) {
        String text = mail.texts.isEmpty() ? null : mail.texts.get(0);
        int cut = text == null ? -1 : text.indexOf("----- Original message -----");
        String diagnostic = Texts.cap(Texts.collapse(cut > 0 ? text.substring(0, cut) : text), 600);
        List<Finding> out = new ArrayList<>();
        for (String r : TextScan.failedRecipients(mail)) {
            Finding f = new Finding(r, diagnostic);
            f.reason = Reason.REJECTED;
            out.add(f);
        }
        return out;
    }
}
