package io.mailpipe.bounce;

import java.util.Set;

/**
 * Stage 4: decides the {@link Reason} of one finding. Order: a reason the detector is sure of;
 * a rule of the receiving provider ({@link RemoteHostRules}); a failed local delivery program (x-unix); a provider's documented error token; a decisive status code; the phrase rules over the diagnostic; the broad status code table;
 * then fall-backs from the status class, the diagnostic type and the action.
 */
final class ReasonClassifier {
    /** Phrases that override a decisive 5.1.1/5.1.0 user-unknown code. */
    private static final Set<Reason> OVERRIDES_USERUNKNOWN = Set.of(Reason.MAILBOXFULL, Reason.SUSPEND,
            Reason.HASMOVED, Reason.EXCEEDLIMIT);

    /**
     * The local delivery agent's own words ("mail.local: unknown user: taro"): the final host
     * looked the user up itself, no content filter involved.
     */
    private static final String LOCAL_DELIVERY_AGENT = "mail.local:";

    /** A host name (no local part in front) followed by "does not exist". */
    private static final java.util.regex.Pattern HOST_DOES_NOT_EXIST = java.util.regex.Pattern.compile(
            "(?<![@\\w.\\-])(?:[a-z0-9\\-]{1,63}+\\.){1,10}+[a-z]{2,24}+ does not exist");

    private ReasonClassifier() {
    }

    static Reason decide(Finding f) {
        if (f.reason != null && (f.reasonFinal || !f.reason.isTentative())) {
            return f.reason;
        }
        String status = f.status;
        if (status != null && status.startsWith("2.")) {
            return Reason.DELIVERED;
        }
        String text = Texts.lower(f.diagnostic);
        Reason byRemoteHost = RemoteHostRules.match(f, text);
        if (byRemoteHost != null) {
            return byRemoteHost;
        }
        if (f.diagnosticType != null && f.diagnosticType.startsWith("x-unix")) {
            // a local delivery program failed (pipe, procmail), unless it says the mailbox is full:
            // "x-unix; Quota exceeded message delivery failed to /var/mail/taro"
            return PhraseRules.matches(Reason.MAILBOXFULL, text) ? Reason.MAILBOXFULL : Reason.MAILERERROR;
        }
        Reason byProvider = ProviderRules.match(text);
        if (byProvider != null) {
            return byProvider;
        }
        Reason byCode = StatusCodes.reasonOf(status);
        Reason byText = PhraseRules.match(text);

        if (StatusCodes.isDecisive(status)) {
            if (byCode == Reason.USERUNKNOWN && byText != null && OVERRIDES_USERUNKNOWN.contains(byText)) {
                return byText;
            }
            return byCode;
        }
        if ("MAIL".equals(f.command) && (byText == Reason.USERUNKNOWN || byText == Reason.HOSTUNKNOWN
                || byText == null && byCode == Reason.USERUNKNOWN)) {
            return Reason.REJECTED; // the sender address was refused, not the recipient
        }
        if (byText == Reason.USERUNKNOWN && HOST_DOES_NOT_EXIST.matcher(text).find()) {
            return Reason.HOSTUNKNOWN; // "553 mx.example.net does not exist": a host name, not a mailbox
        }
        if (byText == Reason.USERUNKNOWN && byCode != Reason.USERUNKNOWN && !"RCPT".equals(f.command)
                && !text.contains(LOCAL_DELIVERY_AGENT)) {
            // "User unknown" after DATA, with a 5.2.x code, or without saying which command it
            // answered: a content filter may say so too; only the RCPT reply proves the directory
            return Reason.FILTERED;
        }
        if (byText != null) {
            return byText;
        }
        if (f.reason != null) {
            return f.reason;
        }
        if (byCode != null) {
            return byCode;
        }
        if (status != null && status.length() >= 3) {
            String head = status.substring(2, 3);
            if (head.equals("6")) {
                return Reason.CONTENTERROR;
            }
            if (head.equals("7")) {
                return Reason.SECURITYERROR;
            }
        }
        if ("delayed".equals(f.action) || "expired".equals(f.action)) {
            return Reason.EXPIRED;
        }
        if ("HELO".equals(f.command) || "CONN".equals(f.command)) {
            return Reason.BLOCKED;
        }
        if (!text.isBlank()) {
            return Reason.ONHOLD;
        }
        return Reason.UNDEFINED;
    }
}
