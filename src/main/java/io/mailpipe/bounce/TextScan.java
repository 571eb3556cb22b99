package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extraction shared by the plain-text formats: between a start marker ("The following addresses
 * failed:") and an end marker (where the copy of the original message begins), each line that
 * names an address starts a recipient and the lines after it are its diagnostic.
 */
final class TextScan {
    static final int MAX_LINES = 4000;
    static final int MAX_LINE = 2000;
    static final int MAX_DIAGNOSTIC = 1500;
    /** Lines where the returned original message (or its headers) begins, in many MTAs. */
    static final List<String> COMMON_END_MARKERS = List.of(
            "------ this is a copy of the message", "--- below this line is a copy of the message",
            "message headers follow", "below is a copy of the original message", "----- original message -----",
            "original message follows", "----- the following is a copy", "--- original message",
            "------ original message", "-----original message-----", "----- unsent message follows",
            "----- message header follows", "content-type: message/rfc822", "--- the header of the original message",
            "----- original message header", "original message headers",
            "------ failed message", "--- unsent message", "header of the original message",
            "original message ---", "returned message follows", "----- returned message");
    /**
     * "<user@example.com>:" or "user@example.com" alone on a line (qmail, Exim, Gmail), also quoted
     * ("\"user@example.com\":", GMX) or as a list item ("* user@example.com").
     */
    private static final Pattern ALONE = Pattern.compile("(?:[*-] )?[<\"]?(" + Texts.EMAIL.pattern() + ")[>\"]?[:.]?");
    /** "<user@example.com>: 550 ..." or "user@example.com: 550 ..." (qmail, OpenSMTPD). */
    private static final Pattern LEADING = Pattern.compile("<?(" + Texts.EMAIL.pattern() + ")>?:[ \\t]++(.{1,1500})");
    /** Sendmail transcript: "550 <user@example.com>... User unknown" or ">>> RCPT To:<user@example.com>". */
    private static final Pattern SENDMAIL = Pattern.compile(
            "(?:[245]\\d\\d[ -]|>>> ?rcpt to: ?)<?(" + Texts.EMAIL.pattern() + ")>?(?:\\.\\.\\.)?[ \\t]*+(.{0,1500})",
            Pattern.CASE_INSENSITIVE);
    /** Sendmail's transcript without a reply code: "&lt;user@example.com&gt;... Deferred: Connection timed out". */
    private static final Pattern SENDMAIL_NOTE = Pattern.compile(
            "<?(" + Texts.EMAIL.pattern() + ")>?\\.\\.\\.[ \\t]*+(.{1,1500})");
    /**
     * "kijitora@example.com &lt;neko@example.net&gt;: malformed address: ..." (Exim): a display name,
     * then the bracketed address and a colon: the bracketed one is the recipient.
     */
    private static final Pattern NAME_THEN_BRACKETED = Pattern.compile(
            "(?:[^<>:\\s]{1,100}+ ){1,6}+<(" + Texts.EMAIL.pattern() + ")>:[ \\t]++.{1,1500}");
    /** "user@example.com Invalid Address" or "user@example.com on Thu, 29 Apr 2010" (Zoho, Exchange 2003). */
    private static final Pattern ADDRESS_THEN_TEXT = Pattern.compile(
            "[<(\"]?(" + Texts.EMAIL.pattern() + ")[>)\"]?[ \\t]++(.{1,1500})");
    /** "Unknown user: user@example.com" (IMail): a sentence, a colon, the address. */
    private static final Pattern TEXT_THEN_ADDRESS = Pattern.compile(
            "([A-Za-z][\\w'-]{0,30}+(?: [\\w'-]{1,30}+){1,6}+):[ \\t]*+<?(" + Texts.EMAIL.pattern() + ")>?");
    /**
     * A failed recipient named inside a sentence, in the wordings of delivery reports ("could not be delivered to
     * taro@example.com", "Delivery to the following recipient failed permanently: taro@...", "Your message to
     * taro@example.com couldn't be delivered", "Recipient address: taro@..."). Only tried when no line names one.
     */
    private static final Pattern IN_SENTENCE = Pattern.compile(
            "(?i)(?:(?:could not|couldn't|cannot|can't|was not|wasn't) be delivered to|delivery to|undeliverable to"
                    + "|(?:failed|unable) to deliver (?:mail |the message |your message )?to|your (?:message|mail) to"
                    + "|recipient(?: address)?:|addressed to|for recipient)[ \t]*+<?(" + Texts.EMAIL.pattern() + ")>?");
    /** A header line: the returned message starts here when no marker said so. */
    private static final Pattern HEADER_START = Pattern.compile(
            "(?i)(received|return-path|dkim-signature|x-received|arc-seal|authentication-results):[ \\t].*");

    private TextScan() {
    }

    static String[] lines(String body) {
        String b = body.replace("\r\n", "\n").replace('\r', '\n');
        String[] all = b.split("\n", MAX_LINES + 1);
        if (all.length > MAX_LINES) {
            all = java.util.Arrays.copyOf(all, MAX_LINES);
        }
        for (int i = 0; i < all.length; i++) {
            if (all[i].length() > MAX_LINE) {
                all[i] = all[i].substring(0, MAX_LINE);
            }
        }
        return all;
    }

    /** First line index at or after {@code from} that contains one of the lower-case markers, or -1. */
    static int find(String[] lines, int from, List<String> markers) {
        for (int i = Math.max(0, from); i < lines.length; i++) {
            String l = Texts.lower(lines[i]);
            for (String m : markers) {
                if (l.contains(m)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Scans the body. {@code startMarkers} empty means from the first line; {@code extra} is an
     * optional pattern whose group 1 is a recipient named inside a sentence.
     */
    static List<Finding> scan(MailView mail, List<String> startMarkers, List<String> endMarkers, Pattern extra) {
        String[] lines = lines(mail.body());
        int start = 0;
        if (!startMarkers.isEmpty()) {
            start = find(lines, 0, startMarkers);
            if (start < 0) {
                return List.of();
            }
        }
        List<String> ends = new ArrayList<>(endMarkers);
        ends.addAll(COMMON_END_MARKERS);
        int end = find(lines, start + 1, ends);
        if (end < 0) {
            end = Math.min(lines.length, start + 600);
        }
        return between(mail, lines, start, end, extra);
    }

    static List<Finding> between(MailView mail, String[] lines, int start, int end, Pattern extra) {
        Map<String, StringBuilder> diag = new LinkedHashMap<>();
        StringBuilder current = null;
        for (int i = start; i < end; i++) {
            String line = lines[i].strip();
            String rcpt = null;
            String rest = null;
            Matcher m;
            if (i > start && HEADER_START.matcher(lines[i]).matches()) {
                break; // the copy of the original message begins
            }
            if (extra != null && (m = extra.matcher(line)).find()) {
                rcpt = Texts.cleanAddress(m.group(1));
                rest = m.groupCount() >= 2 ? m.group(2) : null;
            } else if ((m = ALONE.matcher(line)).matches()) {
                rcpt = Texts.cleanAddress(m.group(1));
            } else if ((m = SENDMAIL.matcher(line)).matches()) {
                rcpt = Texts.cleanAddress(m.group(1));
                rest = line; // keeps the reply code and ">>> RCPT To:" (the command)
            } else if ((m = SENDMAIL_NOTE.matcher(line)).matches()) {
                rcpt = Texts.cleanAddress(m.group(1));
                rest = m.group(2);
            } else if ((m = NAME_THEN_BRACKETED.matcher(line)).matches() && !LEADING.matcher(line).matches()) {
                rcpt = Texts.cleanAddress(m.group(1));
                rest = line; // keeps a reply code in front ("550 5.1.1 <user@example.com>: ...")
            } else if ((m = LEADING.matcher(line)).matches() || (m = ADDRESS_THEN_TEXT.matcher(line)).matches()) {
                rcpt = Texts.cleanAddress(m.group(1));
                rest = m.group(2);
            } else if ((m = TEXT_THEN_ADDRESS.matcher(line)).matches()) {
                rcpt = Texts.cleanAddress(m.group(2));
                rest = m.group(1);
            }
            if (rcpt != null) {
                current = diag.computeIfAbsent(rcpt.toLowerCase(java.util.Locale.ROOT) + "\u0000" + rcpt,
                        k -> new StringBuilder());
                if (rest != null) {
                    current.append(rest).append('\n');
                }
                continue;
            }
            if (current != null && current.length() < MAX_DIAGNOSTIC) {
                current.append(line).append('\n');
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, StringBuilder> e : diag.entrySet()) {
            String rcpt = e.getKey().substring(e.getKey().indexOf('\u0000') + 1);
            out.add(finish(new Finding(rcpt, e.getValue().toString())));
        }
        if (out.isEmpty()) {
            String section = joined(lines, start, end);
            for (String r : failedRecipients(mail)) {
                out.add(finish(new Finding(r, section)));
            }
        }
        if (out.isEmpty()) {
            String section = joined(lines, start, end);
            Matcher m = IN_SENTENCE.matcher(section);
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (m.find() && out.size() < 20) {
                String r = Texts.cleanAddress(m.group(1));
                if (r != null && seen.add(r.toLowerCase(java.util.Locale.ROOT))) {
                    out.add(finish(new Finding(r, section)));
                }
            }
        }
        return out;
    }

    /** Addresses in X-Failed-Recipients (Exim, Gmail). */
    static List<String> failedRecipients(MailView mail) {
        List<String> out = new ArrayList<>();
        for (String v : mail.headerValues("X-Failed-Recipients")) {
            Matcher m = Texts.EMAIL.matcher(v);
            while (m.find()) {
                String a = Texts.cleanAddress(m.group());
                if (a != null && out.stream().noneMatch(a::equalsIgnoreCase)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    static String joined(String[] lines, int start, int end) {
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, start); i < end && sb.length() < MAX_DIAGNOSTIC * 2; i++) {
            sb.append(lines[i]).append('\n');
        }
        return sb.toString();
    }

    /** Collapses the diagnostic and reads the codes and the SMTP command out of it. */
    static Finding finish(Finding f) {
        f.diagnostic = Texts.cap(Texts.diagnostic(f.diagnostic), MAX_DIAGNOSTIC);
        if (f.diagnostic != null) {
            if (f.status == null) {
                f.status = Texts.bestStatus(f.diagnostic);
            }
            if (f.replyCode == null) {
                f.replyCode = Texts.findReply(f.diagnostic);
            }
            if (f.command == null) {
                f.command = Texts.findCommand(f.diagnostic);
            }
        }
        return f;
    }
}
