package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lotus Notes / Domino SMTP MTA (plain text): under "Failure Reasons" the reason comes first and
 * the recipient's address on a line of its own after it; "Returned Message" ends the section.
 *
 * <pre>
 * Subject: Undeliverable message
 *
 * ------- Failure Reasons  --------
 *
 * User not listed in public Name &amp; Address Book
 * nobody@example.com
 *
 * ------- Returned Message --------
 * </pre>
 */
final class NotesDetector implements Detector {
    private static final Pattern ALONE = Pattern.compile("^<?(" + Texts.EMAIL.pattern() + ")>?$");

    /** Notes' own reason sentences. */
    private record Phrase(String text, Reason reason) {
    }

    private static final List<Phrase> PHRASES = List.of(
            // User not listed in public Name & Address Book
            new Phrase("not listed in public name & address book", Reason.USERUNKNOWN),
            // (Japanese Notes: "... is not in the directory list")
            new Phrase("ディレクトリのリストにありません", Reason.USERUNKNOWN),
            // Message has exceeded maximum hop count
            new Phrase("message has exceeded maximum hop count", Reason.NETWORKERROR));

    @Override
    public String name() {
        return "Notes";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.subject().startsWith("undeliverable message");
    }

    @Override
    public List<Finding> extract(MailView mail) {
        String[] lines = TextScan.lines(mail.body());
        int start = TextScan.find(lines, 0, List.of("------- failure reasons"));
        if (start < 0) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        StringBuilder reason = new StringBuilder();
        for (int i = start + 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("------- ")) {
                break; // "------- Returned Message --------"
            }
            Matcher m = ALONE.matcher(line);
            if (m.matches()) {
                Finding f = TextScan.finish(new Finding(Texts.cleanAddress(m.group(1)), reason.toString()));
                String d = Texts.lower(f.diagnostic);
                for (Phrase p : PHRASES) {
                    if (d.contains(p.text())) {
                        f.reason = p.reason();
                        f.reasonFinal = true;
                        break;
                    }
                }
                out.add(f);
                reason.setLength(0);
            } else if (!line.isEmpty()) {
                reason.append(line).append('\n');
            }
        }
        return out;
    }
}
