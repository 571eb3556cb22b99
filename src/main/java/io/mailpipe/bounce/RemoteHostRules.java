package io.mailpipe.bounce;

import java.util.List;
import java.util.Locale;

/**
 * Rules for particular receiving providers, chosen by the remote host that answered (Remote-MTA)
 * or, when the report does not name it, by the recipient's domain. Some providers use one wording
 * for different things and tell them apart only by a detail of the reply, or by the SMTP command
 * it answered. Tried before the provider tokens and the generic phrase rules.
 */
final class RemoteHostRules {
    /**
     * One provider rule.
     *
     * @param domains  lower-case host/domain suffixes of the provider
     * @param phrase   lower-case phrase in the diagnostic
     * @param command  the SMTP command the reply must answer, or null for any
     * @param reason   the reason the rule stands for
     */
    record Rule(List<String> domains, String phrase, String command, Reason reason) {
    }

    private static final List<String> KDDI = List.of("ezweb.ne.jp", "au.com");
    private static final List<String> DOCOMO = List.of("docomo.ne.jp");

    static final List<Rule> RULES = List.of(
            // KDDI (au): "550 <taro@ezweb.ne.jp>: User unknown" names the address: no such mailbox
            new Rule(KDDI, ">: user unknown", null, Reason.USERUNKNOWN),
            // KDDI (au): "550 : User unknown" without the address: the recipient's reception filter refused
            new Rule(KDDI, " : user unknown", null, Reason.FILTERED),
            // NTT docomo: "550 Unknown user taro@docomo.ne.jp" after DATA: refused by the recipient's
            // sender filter (specified-domain reception); the same reply to RCPT is a missing user
            new Rule(DOCOMO, "unknown user", "DATA", Reason.REJECTED));

    private RemoteHostRules() {
    }

    /** The reason of the first rule for the finding's remote host or recipient domain, or null. */
    static Reason match(Finding f, String lowerText) {
        if (lowerText == null || lowerText.isEmpty()) {
            return null;
        }
        String host = f.remoteMta == null ? "" : f.remoteMta.toLowerCase(Locale.ROOT);
        String rcpt = f.recipient == null ? "" : f.recipient.toLowerCase(Locale.ROOT);
        String domain = rcpt.substring(rcpt.lastIndexOf('@') + 1);
        for (Rule r : RULES) {
            if (r.command() != null && !r.command().equals(f.command)) {
                continue;
            }
            if (lowerText.contains(r.phrase()) && forProvider(r.domains(), host, domain)) {
                return r.reason();
            }
        }
        return null;
    }

    private static boolean forProvider(List<String> domains, String host, String recipientDomain) {
        for (String d : domains) {
            if (isUnder(recipientDomain, d)) {
                return true;
            }
            for (String token : host.split("[^a-z0-9.\\-]+")) {
                if (isUnder(token.endsWith(".") ? token.substring(0, token.length() - 1) : token, d)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isUnder(String name, String domain) {
        return name.equals(domain) || name.endsWith("." + domain);
    }
}
