package io.mailpipe.bounce;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small text helpers shared by the detectors. Every pattern here is linear (no nested
 * quantifiers), so scanning is bounded by the input size, which callers cap.
 */
final class Texts {
    /** An addr-spec, loosely: enough for bounce texts, not a validator. Possessive: no backtracking. */
    static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\\-]{1,128}+@[A-Za-z0-9\\-]{1,63}+(?:\\.[A-Za-z0-9\\-]{1,63}+){0,10}+");
    /** RFC 3463 enhanced status code, not a piece of an IP address or version number. */
    static final Pattern STATUS = Pattern.compile("(?<![\\w.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?!\\.?\\d)");
    /** SMTP reply code at a word start, followed by space, '-' or end. */
    static final Pattern REPLY = Pattern.compile("(?<![\\w.#\\-/])([245][0-5]\\d)(?=[\\s\\-]|$)");
    private static final Pattern WS = Pattern.compile("\\s+");

    private Texts() {
    }

    static String collapse(String s) {
        if (s == null) {
            return null;
        }
        String t = WS.matcher(s).replaceAll(" ").strip();
        return t.isEmpty() ? null : t;
    }

    /** "550-5.7.1 " — a continuation line of a multi-line SMTP reply. */
    private static final Pattern CONTINUATION = Pattern.compile("(?<![\\w.])([245]\\d\\d)-([245]\\.\\d{1,3}\\.\\d{1,3} )?");

    /**
     * Collapses whitespace and, for a multi-line SMTP reply ("550-5.7.1 a" "550 5.7.1 b"), keeps
     * the code once: "550 5.7.1 a b".
     */
    static String diagnostic(String s) {
        String c = collapse(s);
        if (c == null) {
            return null;
        }
        Matcher m = CONTINUATION.matcher(c);
        if (!m.find()) {
            return c;
        }
        String code = m.group(1);
        String status = m.group(2);
        String prefix = c.substring(0, m.start()) + code + " " + (status == null ? "" : status);
        String rest = c.substring(m.end());
        Pattern repeat = Pattern.compile("(?<![\\w.])" + code + "[ -]" + (status == null ? "" : "(?:" + Pattern.quote(status) + ")?"));
        return collapse(prefix + repeat.matcher(rest).replaceAll(""));
    }

    static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * An address whose local part must be quoted (RFC 5321 quoted-string: consecutive dots,
     * spaces): {@code "taro..jiro"@example.com}. The quotes belong to the address.
     */
    static final Pattern QUOTED_EMAIL = Pattern.compile(
            "\"[^\"\\\\\\r\\n]{1,64}+\"@[A-Za-z0-9\\-]{1,63}+(?:\\.[A-Za-z0-9\\-]{1,63}+){0,10}+");

    /** First address in the text, without angle brackets, or null. */
    static String firstAddress(String s) {
        if (s == null) {
            return null;
        }
        Matcher q = QUOTED_EMAIL.matcher(s);
        Matcher m = EMAIL.matcher(s);
        boolean plain = m.find();
        if (q.find() && (!plain || q.start() <= m.start())) {
            return q.group();
        }
        return plain ? cleanAddress(m.group()) : null;
    }

    static String cleanAddress(String a) {
        if (a == null) {
            return null;
        }
        String t = a.strip();
        Matcher quoted = QUOTED_EMAIL.matcher(t);
        if (quoted.find() && t.substring(0, quoted.start()).matches("[<\\s]*")
                && t.substring(quoted.end()).matches("[>.,;:\\s]*")) {
            return quoted.group(); // "taro..jiro"@example.com keeps its quotes
        }
        while (t.startsWith("<") || t.startsWith("\"") || t.startsWith("'")) {
            t = t.substring(1);
        }
        while (t.endsWith(">") || t.endsWith(".") || t.endsWith("\"") || t.endsWith("'") || t.endsWith(",")
                || t.endsWith(";") || t.endsWith(":")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.isEmpty() ? null : t;
    }

    /** First enhanced status code in the text, or null. Prefers codes that are not x.0.0. */
    static String findStatus(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = STATUS.matcher(s);
        String first = null;
        while (m.find()) {
            String code = m.group(1) + "." + m.group(2) + "." + m.group(3);
            if (first == null) {
                first = code;
            }
            if (!code.endsWith(".0.0")) {
                return code;
            }
        }
        return first;
    }

    /** An SMTP reply code directly followed by an enhanced status code: "550 5.1.1", "550-5.1.1", "550 '5.2.2". */
    private static final Pattern REPLY_THEN_STATUS = Pattern.compile(
            "(?<![\\w.#\\-/])[245][0-5]\\d[ -]['\"]?([245])\\.(\\d{1,3})\\.(\\d{1,3})(?!\\.?\\d)");

    /**
     * The status code the answering host gave with its reply: the last code that directly follows
     * a reply code. A relay that wraps the remote reply writes its own code first and the remote
     * host's last ("554 4.4.7 Message expired ... &lt;421 4.4.2 Connection timed out&gt;"; "5.1.0 -
     * Unknown address error 550 '5.2.2 ... Mailbox Full'"). Null when no code follows a reply code.
     */
    static String remoteStatus(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = REPLY_THEN_STATUS.matcher(s);
        String last = null;
        while (m.find()) {
            String code = m.group(1) + "." + m.group(2) + "." + m.group(3);
            if (last == null || !code.endsWith(".0.0")) {
                last = code;
            }
        }
        return last;
    }

    /** {@link #remoteStatus} if there is one, else {@link #findStatus}. */
    static String bestStatus(String s) {
        String remote = remoteStatus(s);
        return remote != null ? remote : findStatus(s);
    }

    /** First SMTP reply code in the text, or null. */
    static String findReply(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = REPLY.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    /** Extracts the status code from a DSN {@code Status:} value ("5.1.1 (user unknown)"). */
    static String normaliseStatus(String v) {
        if (v == null) {
            return null;
        }
        Matcher m = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})").matcher(v);
        return m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
    }

    /** The SMTP command a diagnostic says it answered, or null. */
    static String findCommand(String diagnostic) {
        String d = lower(diagnostic);
        if (d.isEmpty()) {
            return null;
        }
        // "SMTP:RCPT host 192.0.2.1: 553 ..." and "error after RCPT command" name the command too
        if (d.contains("rcpt to") || d.contains("rcpt_to") || d.contains("end of rcpt") || d.contains("smtp:rcpt")
                || d.contains("after rcpt command")) {
            return "RCPT";
        }
        if (d.contains("mail from") || d.contains("mail_from")) {
            return "MAIL";
        }
        if (d.contains("end of data") || d.contains("in reply to data") || d.contains("after data")
                || d.contains("final data") || d.contains("after end of data") || d.contains("message data")) {
            return "DATA";
        }
        if (d.contains("in reply to ehlo") || d.contains("in reply to helo") || d.contains("after ehlo")
                || d.contains("after helo")) {
            return "HELO";
        }
        // Postfix smtp: "server refused to talk to me: 421 ..." (the greeting itself was a refusal)
        if (d.contains("after initial connection") || d.contains("after connect") || d.contains("smtp greeting")
                || d.contains("in reply to connect") || d.contains("refused to talk to me")) {
            return "CONN";
        }
        return null;
    }

    /** Caps a text to {@code max} characters. */
    static String cap(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
