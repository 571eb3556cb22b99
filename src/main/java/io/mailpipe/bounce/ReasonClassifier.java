package io.mailpipe.bounce;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stage 4: decides the {@link Reason} of one finding, status code first.
 * <ol>
 *   <li>A reason the detector is sure of: what the report is (a complaint, an auto-reply, a delivery), or a vendor's
 *       own error code (Exchange 2003's MSEXCH codes, a carrier's fixed sentence).</li>
 *   <li>The enhanced status code ({@link StatusCodes}): a specific code decides alone (5.1.1 is an unknown user
 *       whatever the words), unless the words prove the mailbox exists while the code says it does not (a full,
 *       disabled or filtering mailbox behind a 5.1.1): a hard bounce is never decided against the words. A generic
 *       code (5.0.0, 5.7.1, 4.4.4, ...) gives a default that the words refine.</li>
 *   <li>The words ({@link PhraseRules}, or what the detector read from its format's fixed texts), where the code is
 *       generic or missing, corrected by the SMTP command they answered: a reply to MAIL FROM concerns the sender
 *       ({@link Reason#REJECTED}); "user unknown" proves a missing mailbox only as the answer to RCPT TO, where RFC
 *       5321 has the server check the recipient, with an addressing code (X.1.x), or as the receiving system's own
 *       directory answer; anywhere else (after DATA, or without saying) it is a filter's refusal,
 *       {@link Reason#FILTERED}.</li>
 *   <li>Without words that decide: the SMTP command (MAIL FROM refused: {@link Reason#REJECTED}; HELO or the
 *       greeting refused: {@link Reason#BLOCKED}), a report still retrying ({@link Reason#EXPIRED}), the code's
 *       default, the reply code (RFC 5321 / RFC 7504 meanings).</li>
 *   <li>{@link Reason#UNDEFINED} for a status code that names only its class (X.0.0, RFC 3463 "Other undefined
 *       Status") or nothing at all; {@link Reason#ONHOLD} only for a failure that carries no code and words that
 *       say nothing a rule knows.</li>
 * </ol>
 */
final class ReasonClassifier {
    /** Microsoft reuses 5.4.1 (RFC 3463: no answer from host) for a recipient its directory does not know. */
    private static final String MICROSOFT_NO_SUCH_RECIPIENT = "recipient address rejected: access denied";

    /** Causes that prove the mailbox exists: they overrule a code that says it does not. */
    private static final Set<Reason> MAILBOX_EXISTS = Set.of(Reason.MAILBOXFULL, Reason.SUSPEND, Reason.EXCEEDLIMIT,
            Reason.MAILERERROR, Reason.FILTERED);

    /**
     * A receiving system's own directory answer, not a relayed SMTP reply: decisive without a command.
     */
    private static final List<String> DIRECTORY_ANSWERS = List.of(
            // Postfix local(8): unknown user: "taro"; Sendmail mail.local: mail.local: unknown user: taro
            "unknown user: ",
            // Exim, its router found no such local part: Unrouteable address
            "unrouteable address",
            // qmail-local: Sorry, no mailbox here by that name. (#5.1.1)
            "no mailbox here by that name");

    /**
     * A host name (no local part in front) that "does not exist": the domain, not a mailbox ("553 mx.example.net
     * does not exist"); the same construction as OpenSMTPD's "Domain does not exist".
     */
    private static final Pattern HOST_DOES_NOT_EXIST = Pattern.compile(
            "(?<![@\\w.\\-])(?:[a-z0-9\\-]{1,63}+\\.){1,10}+[a-z]{2,24}+ does not exist");

    private ReasonClassifier() {
    }

    static Reason decide(Finding f) {
        if (f.reason != null && (f.reasonFinal || f.reason.namesTheReport())) {
            return f.reason;
        }
        String status = f.status;
        String text = Texts.lower(f.diagnostic);
        StatusCodes.Meaning code = StatusCodes.of(status);
        if ("5.4.1".equals(status) && text.contains(MICROSOFT_NO_SUCH_RECIPIENT)) {
            // Microsoft, Exchange Online NDR reference: 550 5.4.1 Recipient address rejected: Access denied
            // (Directory Based Edge Blocking: the address does not exist in the recipient's directory)
            return Reason.USERUNKNOWN;
        }
        Reason byWords = PhraseRules.match(text);
        if (code != null && !code.generic()) {
            boolean hard = code.reason().isHard(true);
            return hard && byWords != null && MAILBOX_EXISTS.contains(byWords) ? byWords : code.reason();
        }
        if (f.diagnosticType != null && f.diagnosticType.startsWith("x-unix")) {
            // RFC 3464 diagnostic type X-Unix: the exit code of a local delivery program (pipe, procmail), unless
            // it says the mailbox is full: "x-unix; Quota exceeded message delivery failed to /var/mail/taro"
            return byWords == Reason.MAILBOXFULL ? Reason.MAILBOXFULL : Reason.MAILERERROR;
        }
        if (byWords == null) {
            byWords = f.reason; // the detector's reading of its format's fixed texts
        }
        if (byWords == null && HOST_DOES_NOT_EXIST.matcher(text).find()) {
            byWords = Reason.HOSTUNKNOWN;
        }
        if (byWords != null) {
            return byWordsAndCommand(byWords, f, code, text);
        }
        Reason byCommand = byCommand(f);
        if (byCommand != null) {
            return byCommand;
        }
        if ("delayed".equals(f.action) || "expired".equals(f.action)) {
            return Reason.EXPIRED; // still retrying, nothing said why: the delivery time runs out
        }
        if (code != null) {
            return code.reason();
        }
        Reason byReply = byReplyCode(f.replyCode);
        if (byReply != null) {
            return byReply;
        }
        if (status != null) {
            return Reason.UNDEFINED; // X.0.0 alone: RFC 3463 "Other undefined Status", only the class is known
        }
        return text.isBlank() ? Reason.UNDEFINED : Reason.ONHOLD;
    }

    /** The words' reason, corrected by the SMTP command the reply answered. */
    private static Reason byWordsAndCommand(Reason byWords, Finding f, StatusCodes.Meaning code, String text) {
        if ("MAIL".equals(f.command) && (byWords == Reason.USERUNKNOWN || byWords == Reason.HOSTUNKNOWN)) {
            return Reason.REJECTED; // "550 user unknown" to MAIL FROM: the sender address was refused
        }
        if (byWords == Reason.USERUNKNOWN && !"RCPT".equals(f.command)
                && !(code != null && f.status.startsWith("1.", 2)) && !isDirectoryAnswer(text)) {
            return Reason.FILTERED;
        }
        return byWords;
    }

    private static boolean isDirectoryAnswer(String text) {
        for (String a : DIRECTORY_ANSWERS) {
            if (text.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Without words: what the SMTP command tells (RFC 5321: MAIL FROM concerns the sender, HELO the client). */
    private static Reason byCommand(Finding f) {
        if ("MAIL".equals(f.command)) {
            return Reason.REJECTED;
        }
        if ("HELO".equals(f.command) || "CONN".equals(f.command)) {
            return Reason.BLOCKED;
        }
        if ("STARTTLS".equals(f.command)) {
            return Reason.FAILEDSTARTTLS; // RFC 3207: the server refused or botched STARTTLS
        }
        return null;
    }

    /**
     * RFC 5321 section 4.2, RFC 4954 and RFC 7504: what a reply code means when nothing else says more. 550, 551 and
     * 553 ("mailbox unavailable", "user not local", "mailbox name not allowed") say the recipient's side refused the
     * message for this recipient without proving the mailbox missing: a refusal, soft.
     */
    private static Reason byReplyCode(String reply) {
        if (reply == null) {
            return null;
        }
        return switch (reply) {
            case "421", "451", "455" -> Reason.SYSTEMERROR; // service not available; local error in processing
            case "452" -> Reason.SYSTEMFULL;   // Requested action not taken: insufficient system storage
            case "552" -> Reason.MAILBOXFULL;  // Requested mail action aborted: exceeded storage allocation
            case "554" -> Reason.SYSTEMERROR;  // Transaction failed
            case "450", "550", "551", "553" -> Reason.FILTERED; // mailbox unavailable, not local, name not allowed
            case "521", "556" -> Reason.NOTACCEPT; // RFC 7504: host / domain does not accept mail
            case "500", "501", "502", "503", "504", "555" -> Reason.SYNTAXERROR; // syntax errors, bad sequence
            case "530", "534", "535", "538" -> Reason.SECURITYERROR; // RFC 4954: authentication required / failed
            default -> null;
        };
    }
}
