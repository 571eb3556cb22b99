package io.mailpipe.smtp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP server reply, split into its parts.
 *
 * <p>Samples {@link #parse} reads:
 * <pre>
 * 550 5.1.1 &lt;nobody@example.com&gt;: Recipient address rejected: User unknown in local recipient table
 * 250-mail.example.com\n250-PIPELINING\n250 2.0.0 Ok: queued as 4XyZ1      (multi-line: texts joined by a space)
 * 421 Service not available, closing transmission channel                  (no enhanced code)
 * </pre>
 *
 * @param code     the three-digit reply code, 200 to 599
 * @param enhanced the RFC 3463 enhanced status code ({@code "5.1.1"}), or null when the reply has none
 * @param text     the reply text without code and enhanced code, lines joined by a space, trimmed,
 *                 at most {@value #MAX_TEXT} characters; may be empty
 */
public record SmtpReply(int code, String enhanced, String text) {

    /** Longest {@link #text()} kept; longer texts are cut. */
    public static final int MAX_TEXT = 500;

    /** One reply line: code, then a space, a hyphen (more lines follow) or the end. */
    private static final Pattern LINE = Pattern.compile("([2-5][0-9][0-9])(?:[ -](.*))?");
    /** An enhanced status code at the start of a line's text: class.subject.detail (RFC 3463). */
    private static final Pattern ENHANCED = Pattern.compile("([245])\\.([0-9]{1,3})\\.([0-9]{1,3})(?:\\s+(.*))?",
            Pattern.DOTALL);

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("SMTP reply code must be 200..599, was " + code);
        }
        text = text == null ? "" : text.strip();
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT).strip();
        }
    }

    /**
     * Parses a raw reply as Angus reports it ({@code getLastServerResponse()}, an SMTP exception's message):
     * one or more lines ({@code \n} or {@code \r\n}), each starting with the code.
     * An enhanced code is recognised only when its class digit matches the reply code's (RFC 3463).
     *
     * @return the reply, or null when {@code raw} is null, blank, or does not start with a 2xx to 5xx code
     */
    public static SmtpReply parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String[] lines = raw.strip().split("\r\n|\r|\n");
        Matcher first = LINE.matcher(lines[0].strip());
        if (!first.matches()) {
            return null;
        }
        String code = first.group(1);
        String enhanced = null;
        StringBuilder text = new StringBuilder();
        for (String rawLine : lines) {
            String line = rawLine.strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            String lineText = m.matches() && m.group(1).equals(code) ? nullToEmpty(m.group(2)) : line;
            Matcher e = ENHANCED.matcher(lineText.strip());
            if (e.matches() && e.group(1).charAt(0) == code.charAt(0)) {
                if (enhanced == null) {
                    enhanced = e.group(1) + "." + e.group(2) + "." + e.group(3);
                }
                lineText = nullToEmpty(e.group(4));
            }
            lineText = lineText.strip();
            if (!lineText.isEmpty()) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(lineText);
                if (text.length() > MAX_TEXT) {
                    break;
                }
            }
        }
        return new SmtpReply(Integer.parseInt(code), enhanced, text.toString());
    }

    /** A 4xx reply: the same command may succeed later. */
    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    /** A 5xx reply: repeating the command as is will fail again. */
    public boolean isPermanent() {
        return code >= 500;
    }

    /** The reply in one line: {@code "550 5.1.1 Recipient address rejected"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(code);
        if (enhanced != null) {
            sb.append(' ').append(enhanced);
        }
        if (!text.isEmpty()) {
            sb.append(' ').append(text);
        }
        return sb.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
