package io.mailpipe.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bounce pipeline reads from a report's raw bytes itself, beside the parser: the report's own Message-ID
 * (for its id) and Amazon SES notification fields (bounceType, bounceSubType), which {@code bounce.BounceParser} does
 * not give in this version.
 */
final class RawHeaders {

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_SCAN = 512 * 1024;
    private static final Pattern SES_BOUNCE_TYPE = Pattern.compile("\"bounceType\"\\s*:\\s*\"([A-Za-z]{1,40})\"");
    private static final Pattern SES_SUB_TYPE = Pattern.compile("\"bounceSubType\"\\s*:\\s*\"([A-Za-z]{1,40})\"");

    private RawHeaders() {
    }

    /** The report's own Message-ID without angle brackets, or null. Only the top header block is read. */
    static String messageId(byte[] raw) {
        String head = new String(raw, 0, Math.min(raw.length, MAX_HEADER_BYTES), StandardCharsets.ISO_8859_1);
        int end = headerEnd(head);
        String block = head.substring(0, end).replaceAll("\r?\n[ \t]+", " ");
        for (String line : block.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("message-id")) {
                String v = line.substring(colon + 1).strip();
                if (v.startsWith("<") && v.indexOf('>') > 0) {
                    v = v.substring(1, v.indexOf('>'));
                }
                v = v.strip();
                return v.isEmpty() || v.length() > 250 || v.chars().anyMatch(c -> c <= ' ' || c > '~') ? null : v;
            }
        }
        return null;
    }

    private static int headerEnd(String head) {
        int lf = head.indexOf("\n\n");
        int crlf = head.indexOf("\r\n\r\n");
        int end = lf < 0 ? crlf : crlf < 0 ? lf : Math.min(lf, crlf);
        return end < 0 ? head.length() : end;
    }

    /** SHA-256 of the bytes, hex, first 32 characters (128 bits). */
    static String digest(byte[] raw) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(hash).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SES fields: {bounceType, bounceSubType}, each null when absent. */
    static String[] sesTypes(byte[] raw) {
        String text = new String(raw, 0, Math.min(raw.length, MAX_SCAN), StandardCharsets.ISO_8859_1);
        if (!text.contains("\"bounceType\"")) {
            return new String[] {null, null};
        }
        return new String[] {first(SES_BOUNCE_TYPE, text), first(SES_SUB_TYPE, text)};
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
