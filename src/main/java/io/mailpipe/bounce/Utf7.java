package io.mailpipe.bounce;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decoder for UTF-7 (RFC 2152), which the JDK does not ship. Direct characters pass through;
 * "+...-" runs are modified base64 of UTF-16BE; "+-" is a literal plus. Never throws: a broken
 * run is copied as it is.
 */
final class Utf7 {
    private Utf7() {
    }

    static String decode(byte[] bytes) {
        String in = new String(bytes, StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(in.length());
        int i = 0;
        while (i < in.length()) {
            char c = in.charAt(i);
            if (c != '+') {
                out.append(c);
                i++;
                continue;
            }
            int j = i + 1;
            while (j < in.length() && isBase64(in.charAt(j))) {
                j++;
            }
            if (j == i + 1) { // "+-" or a lone '+'
                out.append('+');
                i = (j < in.length() && in.charAt(j) == '-') ? j + 1 : j;
                continue;
            }
            String run = in.substring(i + 1, j);
            String decoded = decodeRun(run);
            if (decoded == null) {
                out.append(in, i, j);
            } else {
                out.append(decoded);
            }
            i = (j < in.length() && in.charAt(j) == '-') ? j + 1 : j;
        }
        return out.toString();
    }

    private static String decodeRun(String run) {
        int usable = run.length() * 6 / 8 / 2 * 2; // whole UTF-16 code units
        if (usable == 0) {
            return "";
        }
        String padded = run;
        while (padded.length() % 4 != 0) {
            padded += "A";
        }
        try {
            byte[] raw = Base64.getDecoder().decode(padded);
            return new String(raw, 0, Math.min(usable, raw.length), StandardCharsets.UTF_16BE);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isBase64(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }
}
