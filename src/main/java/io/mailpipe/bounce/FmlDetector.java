package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;

/**
 * fml (a Japanese mailing-list manager): when it refuses a post it answers the poster with a
 * notice of its own, marked by an {@code X-MLServer: fml ...} header. The "recipient" is the list
 * address the post was refused by, written in angle brackets in the notice; the reason comes from
 * the notice's wording (a post from a non-member, a loop, a security alert).
 *
 * <pre>
 * X-MLServer: fml [fml 4.0.3 release]
 * Subject: You sender@example.org are not member (example-list ML)
 *
 * You are not a member of this mailing list &lt;example-list@example.org&gt;.
 * </pre>
 */
final class FmlDetector implements Detector {
    /** The notice's wording, lower case, in order; the first matching rule decides. */
    static final List<PhraseRules.Rule> RULES = List.of(
            // "You are not a member of this mailing list <list@example.org>." / "NOT MEMBER article from ..."
            new PhraseRules.Rule(Reason.REJECTED, List.of(
                    "are not member", "not a member", "not member article", "reject mail", "spam mail from a spammer")),
            // "Loop Alert: ..." / "WARNING: UNIX FROM Loop"
            new PhraseRules.Rule(Reason.SYSTEMERROR, List.of(
                    "fml system error message", "loop alert", "loop back warning", "unix from loop")),
            new PhraseRules.Rule(Reason.SECURITYERROR, List.of("security alert")));

    @Override
    public String name() {
        return "fml";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.headerContains("X-MLServer", "fml");
    }

    @Override
    public List<Finding> extract(MailView mail) {
        String body = Texts.cap(mail.body(), 16 * 1024);
        String wording = Texts.lower(mail.subject() + "\n" + body);
        Reason reason = VendorDsnDetector.match(RULES, wording);
        if (reason == null) {
            return List.of(); // some other list message (a help text, a digest): no report
        }
        String list = null;
        for (String line : TextScan.lines(body)) {
            int lt = line.indexOf('<');
            if (lt >= 0 && (list = Texts.firstAddress(line.substring(lt))) != null) {
                break;
            }
        }
        if (list == null) {
            return List.of();
        }
        Finding f = new Finding(list, Texts.cap(body, 1000));
        f.reason = reason;
        f.reasonFinal = true;
        f.action = "failed";
        List<Finding> out = new ArrayList<>();
        out.add(TextScan.finish(f));
        return out;
    }
}
