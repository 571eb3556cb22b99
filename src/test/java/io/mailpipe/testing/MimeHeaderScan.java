package io.mailpipe.testing;

import io.mailpipe.request.HeaderRules;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the header sections of a message as it goes over the wire (the bytes of {@code writeTo} or what an SMTP
 * server received) and lists everything that looks like header injection: a header line whose name was not expected
 * (an injected {@code Bcc:} or {@code X-Injected:}), a header set once appearing twice, a raw control character or
 * a bare CR or LF in a header, a raw Unicode line break (NEL, U+2028, U+2029), a line longer than the 998 octets of
 * RFC 5322, and a header value that hides a line break or control character in an RFC 2047 encoded word or an
 * RFC 2231 parameter. Multipart bodies are followed into every part's own header section.
 *
 * <p>Used by the request fuzzing property and the fuzzing acceptance test; an empty list means clean.
 */
public final class MimeHeaderScan {

    /** Headers mailpipe writes on the message itself; each at most once. */
    public static final Set<String> MESSAGE_HEADERS = lowerCase(Set.of("Date", "From", "Reply-To", "To", "Cc",
            "Message-ID", "Subject", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "X-Mailpipe-Id",
            "X-Mailpipe-Campaign", "List-Unsubscribe", "List-Unsubscribe-Post", "DKIM-Signature"));
    /** Headers a body part may have. */
    public static final Set<String> PART_HEADERS = lowerCase(Set.of("Content-Type", "Content-Transfer-Encoding",
            "Content-Disposition", "Content-ID"));
    /** Headers a receiving SMTP server adds in front of the message. */
    public static final Set<String> SERVER_HEADERS = lowerCase(Set.of("Received", "Return-Path"));

    private static final Pattern FIELD = Pattern.compile("^([\\x21-\\x39\\x3B-\\x7E]+):");
    private static final int MAX_LINE = 998;
    private static final int MAX_DEPTH = 20;

    private MimeHeaderScan() {
    }

    /**
     * The problems found in {@code message}.
     *
     * @param message       the message bytes, CRLF line ends
     * @param customHeaders the custom header names the request asked for (may repeat, compared ignoring case)
     * @param extraAllowed  more header names allowed on the message (e.g. {@link #SERVER_HEADERS}), lower case
     */
    public static List<String> problems(byte[] message, List<String> customHeaders, Set<String> extraAllowed) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> customCounts = new HashMap<>();
        customHeaders.forEach(h -> customCounts.merge(h.toLowerCase(Locale.ROOT), 1, Integer::sum));
        scanEntity(message, 0, message.length, true, customCounts, extraAllowed, problems, 0, "message");
        return problems;
    }

    private static void scanEntity(byte[] bytes, int from, int to, boolean top, Map<String, Integer> custom,
                                   Set<String> extraAllowed, List<String> problems, int depth, String where) {
        int end = indexOf(bytes, from, to, "\r\n\r\n");
        int headerEnd;
        int bodyStart;
        if (to - from >= 2 && bytes[from] == '\r' && bytes[from + 1] == '\n') {
            headerEnd = from;
            bodyStart = from + 2;
        } else if (end < 0) {
            problems.add(where + ": no blank line after the header section");
            return;
        } else {
            headerEnd = end;
            bodyStart = end + 4;
        }
        rawBytes(bytes, from, headerEnd, problems, where);
        String section = new String(bytes, from, headerEnd - from, StandardCharsets.UTF_8);
        Map<String, Integer> counts = new HashMap<>();
        String contentType = null;
        List<String[]> fields = new ArrayList<>();
        for (String line : section.split("\r\n", -1)) {
            if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE) {
                problems.add(where + ": header line longer than " + MAX_LINE + " octets ("
                        + line.getBytes(StandardCharsets.UTF_8).length + ")");
            }
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (fields.isEmpty()) {
                    problems.add(where + ": header section starts with a continuation line");
                } else {
                    String[] last = fields.get(fields.size() - 1);
                    last[1] = last[1] + line;
                }
                continue;
            }
            Matcher m = FIELD.matcher(line);
            if (!m.find()) {
                problems.add(where + ": a header line without a field name: " + shown(line));
                continue;
            }
            fields.add(new String[] {m.group(1), line.substring(m.end())});
        }
        for (String[] field : fields) {
            String name = field[0].toLowerCase(Locale.ROOT);
            String value = field[1];
            int n = counts.merge(name, 1, Integer::sum);
            boolean standard = top ? MESSAGE_HEADERS.contains(name) : PART_HEADERS.contains(name);
            if (standard) {
                if (n > 1 && !name.equals("dkim-signature")) {
                    problems.add(where + ": header " + field[0] + " appears " + n + " times");
                }
            } else if (top && custom.containsKey(name)) {
                if (n > custom.get(name)) {
                    problems.add(where + ": custom header " + field[0] + " appears more often than requested");
                }
            } else if (!(top && extraAllowed.contains(name))) {
                problems.add(where + ": unexpected header " + shown(field[0]));
            }
            decoded(name, value, problems, where);
            if (name.equals("content-type")) {
                contentType = value.strip();
            }
        }
        if (contentType != null && depth < MAX_DEPTH) {
            parts(bytes, bodyStart, to, contentType, custom, extraAllowed, problems, depth, where);
        }
    }

    private static void parts(byte[] bytes, int from, int to, String contentType, Map<String, Integer> custom,
                              Set<String> extraAllowed, List<String> problems, int depth, String where) {
        String boundary;
        try {
            ContentType type = new ContentType(contentType);
            if (!type.match("multipart/*")) {
                return;
            }
            boundary = type.getParameter("boundary");
        } catch (ParseException e) {
            problems.add(where + ": Content-Type does not parse");
            return;
        }
        if (boundary == null) {
            problems.add(where + ": multipart without boundary");
            return;
        }
        String delimiter = "--" + boundary;
        int start = indexOf(bytes, from, to, delimiter + "\r\n");
        int index = 0;
        while (start >= 0) {
            int partStart = start + delimiter.length() + 2;
            int next = indexOf(bytes, partStart, to, "\r\n" + delimiter);
            if (next < 0) {
                problems.add(where + ": part " + index + " has no closing delimiter");
                return;
            }
            scanEntity(bytes, partStart, next, false, custom, extraAllowed, problems, depth + 1, where + "/" + index);
            index++;
            int after = next + 2 + delimiter.length();
            if (after + 2 <= to && bytes[after] == '-' && bytes[after + 1] == '-') {
                return;
            }
            start = next + 2;
        }
    }

    /** Raw bytes of a header section: no control characters but TAB and CRLF pairs, no raw Unicode line breaks. */
    private static void rawBytes(byte[] b, int from, int to, List<String> problems, String where) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c == '\r') {
                if (i + 1 >= to || b[i + 1] != '\n') {
                    problems.add(where + ": bare CR in the header section at " + (i - from));
                }
            } else if (c == '\n') {
                if (i == from || b[i - 1] != '\r') {
                    problems.add(where + ": bare LF in the header section at " + (i - from));
                }
            } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                problems.add(where + ": raw control character " + String.format("0x%02X", c) + " in a header");
            } else if (c == 0xC2 && i + 1 < to && (b[i + 1] & 0xff) == 0x85) {
                problems.add(where + ": raw NEL (U+0085) in a header");
            } else if (c == 0xE2 && i + 2 < to && (b[i + 1] & 0xff) == 0x80
                    && ((b[i + 2] & 0xff) == 0xA8 || (b[i + 2] & 0xff) == 0xA9)) {
                problems.add(where + ": raw U+2028/U+2029 in a header");
            }
        }
    }

    /** A line break or control character hidden in RFC 2047 encoded words or RFC 2231 parameters. */
    private static void decoded(String name, String value, List<String> problems, String where) {
        String unfolded = value.replace("\r\n", "");
        List<String> texts = new ArrayList<>();
        try {
            texts.add(MimeUtility.decodeText(unfolded));
        } catch (UnsupportedEncodingException | RuntimeException e) {
            // an unknown charset in an encoded word: a reader shows it as it is
        }
        try {
            if (name.equals("content-type")) {
                ContentType type = new ContentType(unfolded);
                addIfNotNull(texts, type.getParameter("name"));
            } else if (name.equals("content-disposition")) {
                addIfNotNull(texts, new ContentDisposition(unfolded).getParameter("filename"));
            }
        } catch (ParseException e) {
            problems.add(where + ": " + name + " does not parse");
        }
        for (String text : texts) {
            int bad = HeaderRules.indexOfLineBreakOrControl(text);
            if (bad >= 0) {
                problems.add(where + ": header " + name + " decodes to a line break or control character ("
                        + String.format("U+%04X", (int) text.charAt(bad)) + ")");
            }
        }
    }

    private static void addIfNotNull(List<String> list, String value) {
        if (value != null) {
            try {
                list.add(MimeUtility.decodeText(value));
            } catch (UnsupportedEncodingException | RuntimeException e) {
                list.add(value);
            }
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String shown(String line) {
        String cut = line.length() > 60 ? line.substring(0, 60) + "..." : line;
        StringBuilder out = new StringBuilder();
        for (char c : cut.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02X", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static Set<String> lowerCase(Set<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
