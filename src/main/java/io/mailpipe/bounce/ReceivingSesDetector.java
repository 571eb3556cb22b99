package io.mailpipe.bounce;

import java.util.List;

/**
 * Amazon SES inbound (receipt rules): a "Bounce" action of a receipt rule answers with a DSN from
 * inbound-smtp.REGION.amazonaws.com. Its text is one of the fixed templates the rule's author
 * picked, not the result of a mailbox lookup, so "Mailbox does not exist" is a filter decision.
 *
 * <pre>
 * X-SES-Outgoing: 2024.01.01-192.0.2.7
 *
 * Reporting-MTA: dns; inbound-smtp.eu-west-1.amazonaws.com
 * Final-Recipient: rfc822; nobody@example.com
 * Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist
 * </pre>
 */
final class ReceivingSesDetector extends VendorDsnDetector {
    private static final List<PhraseRules.Rule> RULES = List.of(
            // 550 5.1.1 Mailbox does not exist   (the receipt rule's bounce template, not a lookup)
            new PhraseRules.Rule(Reason.FILTERED, List.of("mailbox does not exist")),
            // 552 5.3.4 Message too large
            new PhraseRules.Rule(Reason.MESGTOOBIG, List.of("message too large")),
            // 552 5.2.2 Mailbox full
            new PhraseRules.Rule(Reason.MAILBOXFULL, List.of("mailbox full")),
            // 500 5.6.1 Message content rejected
            new PhraseRules.Rule(Reason.CONTENTERROR, List.of("message content rejected")));

    @Override
    public String name() {
        return "ReceivingSES";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.hasHeader("X-SES-Outgoing") && !mail.deliveryStatus.isEmpty()
                && statusContains(mail, "inbound-smtp.");
    }

    @Override
    List<PhraseRules.Rule> rules() {
        return RULES;
    }
}
