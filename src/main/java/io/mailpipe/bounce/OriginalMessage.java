package io.mailpipe.bounce;

import io.mailpipe.compose.MessageComposer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identifiers of the returned original message: its Message-ID, the {@code X-Mailpipe-Id}
 * header mailpipe puts on every message it sends ({@link MessageComposer#HEADER_REQUEST_ID}) and
 * its envelope sender ({@code Return-Path}, where a VERP token may sit). Read from the
 * returned-message MIME part when there is one, else from header lines quoted in the body text
 * (the report's own headers are not in the body, so any Message-ID line there belongs to the
 * original).
 *
 * @param messageId     the original's Message-ID without angle brackets, or null
 * @param requestId     the original's X-Mailpipe-Id value, or null
 * @param returnPath    the original's Return-Path address without angle brackets, or null
 *                      (also null for the null sender {@code <>})
 * @param headersQuoted true when the report returns the original's header section: a
 *                      message/rfc822 or text/rfc822-headers part, or header lines in the body
 *                      (a Message-ID, Return-Path or X-Mailpipe-Id line of the original)
 */
record OriginalMessage(String messageId, String requestId, String returnPath, boolean headersQuoted) {
    /** mailpipe's own request id header on every outgoing message. */
    static final String MAILPIPE_ID_HEADER = MessageComposer.HEADER_REQUEST_ID;
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^[ \\t>]{0,8}Message-I[Dd]:[ \\t]*\\r?\\n?[ \\t]*<?([^<>\\s]{1,250})>?");
    private static final Pattern MAILPIPE_ID = Pattern.compile("(?im)^[ \\t>]{0,8}" + MAILPIPE_ID_HEADER + ":[ \\t]*([^\\s]{1,200})");
    private static final Pattern RETURN_PATH = Pattern.compile("(?im)^[ \\t>]{0,8}Return-Path:[ \\t]*<?([^<>\\s]{0,250})>?");
    private static final int MAX_SCAN = 256 * 1024;
    private static final int MAX_CANDIDATES = 20;
    private static final int MAX_BLOCK_LINES = 40;
    /** "From: Mail Delivery Subsystem &lt;MAILER-DAEMON&gt;": the header block is a report's own. */
    private static final Pattern REPORT_SENDER = Pattern.compile(
            "(?i)^from:.*(mailer-daemon|mail delivery|postmaster)");

    static OriginalMessage of(MailView mail) {
        String mid = null;
        String rid = null;
        String returnPath = null;
        if (mail.originalHeaders != null) {
            mid = first(MESSAGE_ID, mail.originalHeaders);
            rid = first(MAILPIPE_ID, mail.originalHeaders);
            returnPath = first(RETURN_PATH, mail.originalHeaders);
        }
        if (mid == null || rid == null || returnPath == null) {
            String body = Texts.cap(mail.body(), MAX_SCAN);
            if (mid == null) {
                mid = firstOfOriginal(MESSAGE_ID, body);
            }
            if (rid == null) {
                rid = first(MAILPIPE_ID, body);
            }
            if (returnPath == null) {
                returnPath = firstOfOriginal(RETURN_PATH, body);
            }
        }
        returnPath = returnPath == null || returnPath.isBlank() ? null : Texts.cleanAddress(returnPath);
        boolean quoted = mail.originalHeaders != null || mid != null || rid != null || returnPath != null;
        return new OriginalMessage(mid, rid, returnPath, quoted);
    }

    /**
     * The first line of the field in the body text that is not in a quoted report's own header block
     * (a bounce forwarded by a person quotes "From: Mail Delivery Subsystem ... Message-Id: ..."
     * before the original's headers).
     */
    private static String firstOfOriginal(Pattern field, String body) {
        Matcher m = field.matcher(body);
        int tries = 0;
        while (m.find() && tries++ < MAX_CANDIDATES) {
            if (!inReportHeaders(body, m.start())) {
                return m.group(1).strip();
            }
        }
        return null;
    }

    /** True when the header block around {@code at} has a From: line of a mail delivery system. */
    private static boolean inReportHeaders(String body, int at) {
        int from = at;
        int lines = 0;
        while (from > 0 && lines < MAX_BLOCK_LINES) {
            int prev = body.lastIndexOf('\n', from - 1);
            String line = body.substring(prev + 1, from).replaceFirst("^[ \t>]+", "").strip();
            if (line.isEmpty() && lines > 0) {
                break; // the blank line that starts this header block
            }
            if (REPORT_SENDER.matcher(line).find()) {
                return true;
            }
            lines++;
            from = Math.max(prev, 0);
        }
        return false;
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1).strip() : null;
    }
}
