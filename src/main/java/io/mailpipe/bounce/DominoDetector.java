package io.mailpipe.bounce;

import java.util.List;

/**
 * HCL (Lotus) Domino as an SMTP server sending a DSN: subject "DELIVERY FAILURE: ...", the
 * Diagnostic-Code typed "X-Notes", the sentence in the server's language (Japanese servers send
 * ISO-2022-JP).
 *
 * <pre>
 * Diagnostic-Code: X-Notes; User Taro (taro@example.com) not listed in Domino Directory
 * </pre>
 */
final class DominoDetector extends VendorDsnDetector {
    private static final List<PhraseRules.Rule> RULES = List.of(
            // User Taro (taro@example.com) not listed in Domino Directory
            // (Japanese: "ユーザー Taro (taro@example.com) は Domino ディレクトリには見つかりません。")
            new PhraseRules.Rule(Reason.USERUNKNOWN, List.of("not listed in domino directory",
                    "not listed in public name & address book", "domino ディレクトリには見つかりません",
                    "ディレクトリには見つかりません")),
            // Several matches found in Domino Directory
            new PhraseRules.Rule(Reason.SYSTEMERROR, List.of("several matches found in domino directory")),
            // Cannot route mail to user (taro@example.com)
            new PhraseRules.Rule(Reason.FILTERED, List.of("cannot route mail to user")));

    @Override
    public String name() {
        return "Domino";
    }

    @Override
    public boolean guard(MailView mail) {
        return !mail.deliveryStatus.isEmpty()
                && (mail.subject().startsWith("delivery failure:") || statusContains(mail, "x-notes;"));
    }

    @Override
    List<PhraseRules.Rule> rules() {
        return RULES;
    }
}
