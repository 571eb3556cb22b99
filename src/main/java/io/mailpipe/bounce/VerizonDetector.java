package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verizon Wireless MMS/SMS gateways (vzwpix.com, vtext.com): one "Error:" line and the original
 * message's headers; the failed recipient is only in the quoted "To:" line.
 *
 * <pre>
 * From: MMSC NDR Administrator &lt;sysadmin@mms.vzwpix.com&gt;
 * Subject: Undeliverable Message
 *
 * Message could not be delivered to mobile.
 * Error: No valid recipients for this MM
 *
 * Original Message:
 * To: 5555550100@vzwpix.com
 * </pre>
 */
final class VerizonDetector implements Detector {
    private static final Pattern TO = Pattern.compile("(?im)^[ \\t]*to:[ \\t]*(.{1,500})$");
    private static final Pattern ERROR = Pattern.compile("(?im)^[ \\t]*error:[ \\t]*(.{1,500})$");

    @Override
    public String name() {
        return "Verizon";
    }

    @Override
    public boolean guard(MailView mail) {
        String from = mail.from();
        return from.contains("vzwpix.com") && from.contains("sysadmin@") || from.contains("post_master@vtext.com");
    }

    @Override
    public List<Finding> extract(MailView mail) {
        String body = Texts.cap(mail.body(), 64 * 1024);
        Matcher error = ERROR.matcher(body);
        String diagnostic = error.find() ? error.group(1) : null;
        List<Finding> out = new ArrayList<>();
        int original = Texts.lower(body).indexOf("original message");
        Matcher to = TO.matcher(body);
        if (original >= 0 && to.find(original)) {
            String rcpt = Texts.firstAddress(to.group(1));
            if (rcpt != null) {
                Finding f = TextScan.finish(new Finding(rcpt, diagnostic));
                // Error: No valid recipients for this MM (the phone number has no MMS service)
                if (Texts.lower(diagnostic).contains("no valid recipients")) {
                    f.reason = Reason.USERUNKNOWN;
                    f.reasonFinal = true;
                }
                out.add(f);
            }
        }
        return out;
    }
}
