package io.mailpipe.bounce;

import java.util.List;

/**
 * KDDI (au one net, dion.ne.jp) mail servers: a short English notice naming the recipient and
 * the reason in one sentence each.
 *
 * <pre>
 * From: no-reply@mx.dion.ne.jp
 *
 * Your mail sent on: Mon, 1 Jan 2024 10:00:00 +0900
 *      Could not be delivered to: &lt;nobody@example.dion.ne.jp&gt;
 *      As their mailbox is full.
 * </pre>
 */
final class KddiDetector extends TextFormatDetector {
    @Override
    public String name() {
        return "KDDI";
    }

    @Override
    public boolean guard(MailView mail) {
        String from = mail.from();
        return from.contains("no-reply@") && from.contains(".dion.ne.jp");
    }

    @Override
    List<String> startMarkers() {
        return List.of("your mail sent on:", "could not be delivered to:");
    }
}
