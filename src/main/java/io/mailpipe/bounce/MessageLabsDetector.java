package io.mailpipe.bounce;

import java.util.List;

/**
 * Symantec Email Security.cloud (MessageLabs): a DSN from MAILER-DAEMON@messagelabs.com with an
 * X-Msg-Ref header. The gateway relays the recipient server's RCPT reply; its own refusal of an
 * address is "542 ... Rejected".
 *
 * <pre>
 * This is the mail delivery agent at messagelabs.com.
 * I was unable to deliver your message to the following addresses:
 *
 * nobody@example.com
 *
 * Reason: 550 nobody@example.com... No such user
 * </pre>
 */
final class MessageLabsDetector extends VendorDsnDetector {
    private static final List<PhraseRules.Rule> RULES = List.of(
            // 550 Please turn on SMTP Authentication in your mail client.
            new PhraseRules.Rule(Reason.SECURITYERROR, List.of("please turn on smtp authentication")),
            // 550 nobody@example.com... No such user  /  542 nobody@example.com Rejected
            new PhraseRules.Rule(Reason.USERUNKNOWN, List.of("no such user", "542 …rejected", "user unknown")));

    @Override
    public String name() {
        return "MessageLabs";
    }

    @Override
    public boolean guard(MailView mail) {
        return !mail.deliveryStatus.isEmpty() && (mail.hasHeader("X-Msg-Ref") || mail.from().contains("messagelabs.com"));
    }

    @Override
    List<PhraseRules.Rule> rules() {
        return RULES;
    }
}
