package io.mailpipe.request;

/**
 * Strict UTF-8 well-formedness (RFC 3629, section 4; the Unicode standard's table 3-7): no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no lone continuation bytes, no truncated sequence. A fast
 * path skips ASCII bytes.
 */
final class Utf8 {

    private Utf8() {
    }

    /** Whether {@code bytes} from {@code offset} to the end are well-formed UTF-8. */
    static boolean isValid(byte[] bytes, int offset) {
        int i = offset;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) { // ASCII
                i++;
                continue;
            }
            int c = b & 0xFF;
            if (c >= 0xC2 && c <= 0xDF) {
                if (i + 1 >= n || !continuation(bytes[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 >= n) {
                    return false;
                }
                int c1 = bytes[i + 1] & 0xFF;
                int low = c == 0xE0 ? 0xA0 : 0x80;  // no overlong three-byte forms
                int high = c == 0xED ? 0x9F : 0xBF; // no surrogates
                if (c1 < low || c1 > high || !continuation(bytes[i + 2])) {
                    return false;
                }
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 >= n) {
                    return false;
                }
                int c1 = bytes[i + 1] & 0xFF;
                int low = c == 0xF0 ? 0x90 : 0x80;  // no overlong four-byte forms
                int high = c == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
                if (c1 < low || c1 > high || !continuation(bytes[i + 2]) || !continuation(bytes[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false; // 0x80..0xC1 (continuation or overlong start) or 0xF5..0xFF
            }
        }
        return true;
    }

    /** Whether a 0x00 byte appears from {@code offset} on. */
    static boolean containsNul(byte[] bytes, int offset) {
        for (int i = offset; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
