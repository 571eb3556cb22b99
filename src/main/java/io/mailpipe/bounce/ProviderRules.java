package io.mailpipe.bounce;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            // Microsoft Exchange's own error ids:
            // "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient"
            new Token("resolver.rst.recipsizelimit", Reason.MESGTOOBIG),
            new Token("resolver.rst.sendsizelimit", Reason.MESGTOOBIG),
            // "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"
            new Token("resolver.adr.recipnotfound", Reason.USERUNKNOWN),
            new Token("resolver.adr.exrecipnotfound", Reason.USERUNKNOWN),
            new Token("resolver.adr.recipientnotfound", Reason.USERUNKNOWN),
            // "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required"
            new Token("resolver.rst.authrequired", Reason.SECURITYERROR),
            // "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException"
            new Token("quotaexceededexception", Reason.MAILBOXFULL),
            // Mimecast: "554 email rejected due to security policies - MCSpamSignature"
            new Token("mcspamsignature", Reason.VIRUSDETECTED));

    /**
     * Orange / La Poste (France): every reply ends in a code such as "LPN001_108", "OFR_506" or
     * "OUK_513" whose last three digits name the cause. Codes not listed here fall through.
     */
    private static final Pattern FRANCE_CODE = Pattern.compile("\\b(?:lpn|ofr|ouk)\\d{0,3}_(\\d{3})\\b");
    private static final Map<String, Reason> FRANCE_CODES = Map.of(
            // 550 5.5.0 Service refuse. Veuillez essayer plus tard. service refused, please try later. LPN001_108
            // (also 105, 107, 423, 424: "try later" without a cause: nothing to decide from)
            "105", Reason.UNDEFINED, "107", Reason.UNDEFINED, "108", Reason.UNDEFINED,
            "423", Reason.UNDEFINED, "424", Reason.UNDEFINED,
            // 550 5.7.1 Emetteur invalide. Invalid sender. LPN105_405
            "403", Reason.REJECTED, "405", Reason.REJECTED, "415", Reason.REJECTED,
            // 550 5.5.0 SPF: 192.0.2.1 is not allowed to send mail. LPN004_401
            "401", Reason.AUTHFAILURE,
            // 552 5.2.2 Taille limite du message atteinte. Message too big. OFR_514
            "514", Reason.MESGTOOBIG);

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
        Matcher m = FRANCE_CODE.matcher(lowerText);
        if (m.find()) {
            return FRANCE_CODES.get(m.group(1));
        }
        return null;
    }
}
