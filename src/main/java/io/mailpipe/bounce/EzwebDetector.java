package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * au by KDDI (EZweb, ezweb.ne.jp / au.com): a Japanese notice followed by one fixed English
 * sentence that names the reason, then the recipients as "&lt;address&gt;" lines (optionally with
 * an SMTP transcript). A filtered message is marked by an {@code X-SPASIGN: NG} header.
 *
 * <pre>
 * Subject: Mail System Error - Returned Mail
 * From: &lt;Postmaster@ezweb.ne.jp&gt;
 *
 * The user(s) account is disabled.
 *
 * &lt;nobody@ezweb.ne.jp&gt;: 550 user unknown (in reply to RCPT TO command)
 * </pre>
 */
final class EzwebDetector implements Detector {
    /** "&lt;nobody@ezweb.ne.jp&gt;..." at a line start, or "Recipient: &lt;nobody@ezweb.ne.jp&gt;". */
    private static final Pattern RECIPIENT = Pattern.compile(
            "^(?:recipient: )?<(" + Texts.EMAIL.pattern() + ")>", Pattern.CASE_INSENSITIVE);
    private static final List<String> STARTS = List.of("The user(s) ", "Your message ", "Each of the following", "<");

    /** The fixed English sentences and the reasons they stand for. */
    private record Sentence(String text, Reason reason) {
    }

    private static final List<Sentence> SENTENCES = List.of(
            // The user(s) account is temporarily over quota.
            new Sentence("the user(s) account is temporarily over quota", Reason.MAILBOXFULL),
            // The user(s) account is disabled.
            new Sentence("the user(s) account is disabled", Reason.SUSPEND),
            // The user(s) account is temporarily limited.
            new Sentence("the user(s) account is temporarily limited", Reason.SUSPEND),
            // Your message was not delivered within 2 days and 0 hours.
            new Sentence("your message was not delivered within ", Reason.EXPIRED));

    @Override
    public String name() {
        return "EZweb";
    }

    @Override
    public boolean guard(MailView mail) {
        int signs = 0;
        String from = mail.from();
        if (from.contains("postmaster@ezweb.ne.jp") || from.contains("postmaster@au.com")) {
            signs++;
        }
        if (mail.subject().strip().equals("mail system error - returned mail")) {
            signs++;
        }
        if (mail.headerContains("Received", "ezweb.ne.jp (ezweb mail) with")
                || mail.headerContains("Received", ".au.com (")) {
            signs++;
        }
        String mid = Texts.lower(mail.header("Message-ID"));
        if (mid.contains(".ezweb.ne.jp>") || mid.contains(".au.com>")) {
            signs++;
        }
        return signs >= 2;
    }

    @Override
    public List<Finding> extract(MailView mail) {
        String[] lines = TextScan.lines(mail.body());
        StringBuilder sentence = new StringBuilder();
        List<Finding> out = new ArrayList<>();
        Finding current = null;
        boolean started = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (!started) {
                started = STARTS.stream().anyMatch(line::startsWith);
                if (!started) {
                    continue;
                }
            }
            if (line.startsWith("----------") || line.regionMatches(true, 0, "received:", 0, 9)) {
                break; // the returned message follows
            }
            if (line.isEmpty() || !line.chars().allMatch(c -> c < 0x80)) {
                continue; // the Japanese notice says the same as the English sentence
            }
            Matcher m = RECIPIENT.matcher(line);
            if (m.find()) {
                current = new Finding(Texts.cleanAddress(m.group(1)), line + "\n");
                out.add(current);
            } else if (current != null) {
                current.diagnostic += line + "\n";
            } else {
                sentence.append(line).append('\n');
            }
        }
        boolean spamSign = "ng".equals(Texts.lower(mail.header("X-SPASIGN")).strip());
        for (Finding f : out) {
            f.diagnostic = sentence + f.diagnostic;
            TextScan.finish(f);
            Reason r = spamSign ? Reason.FILTERED : bySentence(Texts.lower(f.diagnostic));
            if (r != null) {
                f.reason = r;
                f.reasonFinal = true;
            }
        }
        return out;
    }

    private static Reason bySentence(String lowerText) {
        for (Sentence s : SENTENCES) {
            if (lowerText.contains(s.text())) {
                return s.reason();
            }
        }
        return null;
    }
}
