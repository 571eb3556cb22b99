package io.mailpipe.bounce;

import java.util.List;

/**
 * McAfee Email Gateway (Email and Web Security appliance): subject "Delivery Status", an
 * X-NAI-Header, a text/plain "deliveryproblems.txt" and a delivery-status part. The appliance
 * relays the recipient server's RCPT reply.
 *
 * <pre>
 *     --- The following addresses had delivery problems ---
 * &lt;nobody@example.com&gt;   (&lt;nobody@example.com&gt;... User not exist)
 * </pre>
 */
final class McAfeeDetector extends VendorDsnDetector {
    private static final List<PhraseRules.Rule> RULES = List.of(
            // 550 <nobody@example.com>... User not exist  /  550 Unknown user nobody@example.com
            new PhraseRules.Rule(Reason.USERUNKNOWN, List.of("user not exist", "unknown user", "no such user",
                    "user unknown")));

    @Override
    public String name() {
        return "McAfee";
    }

    @Override
    public boolean guard(MailView mail) {
        return !mail.deliveryStatus.isEmpty() && mail.headerContains("X-NAI-Header", "mcafee");
    }

    @Override
    List<PhraseRules.Rule> rules() {
        return RULES;
    }
}
