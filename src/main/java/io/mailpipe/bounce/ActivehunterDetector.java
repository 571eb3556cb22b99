package io.mailpipe.bounce;

import java.util.List;
import java.util.regex.Pattern;

/**
 * TransWare Active!hunter: a Sendmail-like notice; each failed address on a "&gt;&gt;&gt;" line, the
 * remote reply after "Transcript of session follows".
 *
 * <pre>
 * Subject: FAILURE NOTICE : hello
 * X-AHMAILID: 20240101T100000+0900-0000-0000
 *
 *   ----- The following addresses had permanent fatal errors -----
 * &gt;&gt;&gt; nobody@example.com &lt;nobody@example.com&gt;
 *
 *   ----- Transcript of session follows -----
 * 550 sorry, no mailbox here by that name
 * </pre>
 */
final class ActivehunterDetector extends TextFormatDetector {
    /** "&gt;&gt;&gt; nobody@example.com &lt;nobody@example.com&gt;". */
    private static final Pattern RECIPIENT = Pattern.compile("^>>> ?<?(" + Texts.EMAIL.pattern() + ")>?");

    @Override
    public String name() {
        return "Activehunter";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.hasHeader("X-AHMAILID") || mail.subject().startsWith("failure notice :");
    }

    @Override
    List<String> startMarkers() {
        return List.of("----- the following addresses had permanent fatal errors -----");
    }

    @Override
    Pattern recipientPattern() {
        return RECIPIENT;
    }
}
