package io.mailpipe.bounce;

import java.util.List;

/**
 * Gmail / Google Workspace DSNs ("** Address not found **", "** Message not delivered **") from
 * mailer-daemon@googlemail.com with a delivery-status part. Google writes its own sentence into
 * the diagnostic when it decided itself (directory lookup, DNS), else the remote server's reply.
 *
 * <pre>
 * Diagnostic-Code: smtp; because the address couldn't be found. Check for typos or unnecessary spaces
 * </pre>
 */
final class GSuiteDetector extends VendorDsnDetector {
    private static final List<PhraseRules.Rule> RULES = List.of(
            // ... wasn't delivered to x@example.com because the address couldn't be found. Check for typos ...
            // 550 5.1.1 The email account that you tried to reach does not exist.
            new PhraseRules.Rule(Reason.USERUNKNOWN, List.of("because the address couldn't be found. check for typos",
                    "the email account that you tried to reach does not exist")),
            // The domain example.com doesn't receive email according to the administrator: returned Null MX
            new PhraseRules.Rule(Reason.NOTACCEPT, List.of("doesn't receive email according to the administrator",
                    "null mx")),
            // DNS type 'mx' lookup of example.com had no relevant answers. / responded with code NXDOMAIN
            new PhraseRules.Rule(Reason.NETWORKERROR, List.of("had no relevant answers", "responded with code nxdomain")));

    @Override
    public String name() {
        return "GSuite";
    }

    @Override
    public boolean guard(MailView mail) {
        return !mail.deliveryStatus.isEmpty() && mail.from().contains("mailer-daemon@googlemail.com");
    }

    @Override
    List<PhraseRules.Rule> rules() {
        return RULES;
    }
}
