package io.mailpipe.bounce;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identifiers of the returned original message: its Message-ID and the {@code X-Mailpipe-Id}
 * header mailpipe puts on every message it sends. Read from the returned-message MIME part when
 * there is one, else from header lines quoted in the body text (the report's own headers are not
 * in the body, so any Message-ID line there belongs to the original).
 */
record OriginalMessage(String messageId, String requestId) {
    /** mailpipe's own request id header on every outgoing message. */
    static final String MAILPIPE_ID_HEADER = "X-Mailpipe-Id";
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^[ \\t>]{0,8}Message-I[Dd]:[ \\t]*\\r?\\n?[ \\t]*<?([^<>\\s]{1,250})>?");
    private static final Pattern MAILPIPE_ID = Pattern.compile("(?im)^[ \\t>]{0,8}" + MAILPIPE_ID_HEADER + ":[ \\t]*([^\\s]{1,200})");
    private static final int MAX_SCAN = 256 * 1024;

    static OriginalMessage of(MailView mail) {
        String mid = null;
        String rid = null;
        if (mail.originalHeaders != null) {
            mid = first(MESSAGE_ID, mail.originalHeaders);
            rid = first(MAILPIPE_ID, mail.originalHeaders);
        }
        if (mid == null || rid == null) {
            String body = Texts.cap(mail.body(), MAX_SCAN);
            if (mid == null) {
                mid = first(MESSAGE_ID, body);
            }
            if (rid == null) {
                rid = first(MAILPIPE_ID, body);
            }
        }
        return new OriginalMessage(mid, rid);
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1).strip() : null;
    }
}
