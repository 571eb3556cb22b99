package io.mailpipe.bounce;

import java.util.List;

/**
 * Provider-specific error tokens that say more than their wording: some large mailbox providers
 * put a documented error id into every reply. Tried before the generic phrase rules.
 */
final class ProviderRules {
    /** A lower-case token in the diagnostic and the reason it stands for. */
    record Token(String token, Reason reason) {
    }

    static final List<Token> TOKENS = List.of(
            // Orange / Wanadoo: "550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]"
            new Token("ofr_506", Reason.SPAMDETECTED),
            new Token("ofr_416", Reason.USERUNKNOWN),
            new Token("ofr_417", Reason.MAILBOXFULL),
            new Token("ofr006_102", Reason.BLOCKED),
            // La Poste: "550 5.5.0 Le compte du destinataire est bloque ... LPN007_426"
            new Token("lpn007_426", Reason.SUSPEND),
            new Token("lpn007_416", Reason.USERUNKNOWN),
            new Token("lpn000_630", Reason.POLICYVIOLATION),
            // Cox / Spectrum (Charter): "550 5.1.0 <...> sender rejected ... AUP#CDRBL"
            new Token("aup#cdrbl", Reason.BLOCKED),
            new Token("aup#in-1310", Reason.TOOMANYCONN),
            new Token("aup#mxrt", Reason.BLOCKED),
            // Yahoo: "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"
            new Token("[tss04]", Reason.REJECTED),
            new Token("[tss09]", Reason.REJECTED),
            // Facebook: "550 5.1.1 RCP-P2 ... Refused due to recipient preferences"
            new Token("rcp-p2", Reason.FILTERED),
            // Mimecast: "554 email rejected due to security policies - MCSpamSignature"
            new Token("mcspamsignature", Reason.VIRUSDETECTED));

    private ProviderRules() {
    }

    /** The reason of the first provider token in the text, or null. */
    static Reason match(String lowerText) {
        if (lowerText == null || lowerText.isEmpty()) {
            return null;
        }
        for (Token t : TOKENS) {
            if (lowerText.contains(t.token())) {
                return t.reason();
            }
        }
        return null;
    }
}
