package io.mailpipe.bounce;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Ipswitch IMail Server (X-Mailer: &lt;SMTP32 vN&gt;): each failure is one "Reason: address" line,
 * the remote reply (if any) below it, then "Original message follows."
 *
 * <pre>
 * Unknown user: nobody@example.com
 *
 * Original message follows.
 * </pre>
 */
final class ImailDetector extends TextFormatDetector {
    /** "Unknown user: nobody@example.com" or "undeliverable to nobody@example.com": group 1 the address. */
    private static final Pattern RECIPIENT = Pattern.compile(
            "^(?=[A-Za-z][A-Za-z ]{2,60}:? <?(" + Texts.EMAIL.pattern() + ")>?\\s*$)(.+)");

    /** IMail's own leading phrases and the reasons they name; "undeliverable to" leaves it to the reply. */
    private record Phrase(String text, Reason reason) {
    }

    private static final List<Phrase> PHRASES = List.of(
            // Unknown user: nobody@example.com
            new Phrase("unknown user", Reason.USERUNKNOWN),
            // Invalid final delivery userid: nobody@example.com
            new Phrase("invalid final delivery userid", Reason.USERUNKNOWN),
            // Unknown host: nobody@example.invalid
            new Phrase("unknown host", Reason.HOSTUNKNOWN),
            // User mailbox exceeds allowed size: full@example.com
            new Phrase("user mailbox exceeds allowed size", Reason.MAILBOXFULL),
            // Requested action not taken: virus detected
            new Phrase("requested action not taken: virus detected", Reason.SECURITYERROR));

    @Override
    public String name() {
        return "IMail";
    }

    @Override
    public boolean guard(MailView mail) {
        return Texts.lower(mail.header("X-Mailer")).strip().startsWith("<smtp32 v");
    }

    @Override
    List<String> startMarkers() {
        return List.of();
    }

    @Override
    List<String> endMarkers() {
        return List.of("original message follows");
    }

    @Override
    Pattern recipientPattern() {
        return RECIPIENT;
    }

    @Override
    void refine(Finding f, MailView mail) {
        String d = Texts.lower(f.diagnostic);
        for (Phrase p : PHRASES) {
            if (d.startsWith(p.text())) {
                f.reason = p.reason();
                f.reasonFinal = true;
                return;
            }
        }
    }
}
