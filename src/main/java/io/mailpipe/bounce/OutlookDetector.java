package io.mailpipe.bounce;

import java.util.List;

/**
 * Outlook.com / Hotmail (consumer Microsoft mail): a DSN from postmaster@hotmail.com (or
 * outlook.com, live.com, msn.com) with Microsoft's fixed sentences and an internal error triple.
 *
 * <pre>
 * Diagnostic-Code: smtp;550 Requested action not taken: mailbox unavailable (-1234:5678:-1234)
 * </pre>
 */
final class OutlookDetector extends VendorDsnDetector {
    private static final List<String> DOMAINS = List.of("@hotmail.com", "@outlook.com", "@live.com", "@msn.com");
    private static final List<PhraseRules.Rule> RULES = List.of(
            // 550 Requested action not taken: mailbox unavailable (-123:456:-789)  (its directory said no)
            new PhraseRules.Rule(Reason.USERUNKNOWN, List.of("requested action not taken: mailbox unavailable")),
            // 554 The mail could not be delivered to the recipient because the domain is not reachable.
            new PhraseRules.Rule(Reason.HOSTUNKNOWN, List.of("because the domain is not reachable")));

    @Override
    public String name() {
        return "Outlook";
    }

    @Override
    public boolean guard(MailView mail) {
        String from = mail.from();
        return !mail.deliveryStatus.isEmpty() && DOMAINS.stream().anyMatch(from::contains);
    }

    @Override
    List<PhraseRules.Rule> rules() {
        return RULES;
    }
}
