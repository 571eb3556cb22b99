package io.mailpipe.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Building blocks of hostile request values, shared by the request fuzzing property
 * ({@code io.mailpipe.pipeline.RequestFuzzTest}) and its acceptance test ({@code io.mailpipe.worker.FuzzedRequestsIT}).
 */
public final class HostileValues {

    /** Raw characters that must never reach a header: each makes a header-bound field HEADER_INJECTION. */
    public static final List<String> RAW_INJECTIONS = List.of("\r\nBcc: evil@attacker.example", "\nX-Injected: yes",
            "\rX-Injected: yes", "\r", "\n", "\u0000", "\u2028X-Injected: yes", "\u2029", "\u0085X-Injected: yes",
            "\r\n\r\n<p>a second body</p>", "\u000b", "\u001b[31m", "\r\n X-Folded: continuation", "\u007f\u0000");

    /** The same hidden in RFC 2047 encoded words (decoded by mail readers, and by Jakarta Mail's address parser). */
    public static final List<String> ENCODED_INJECTIONS = List.of("=?UTF-8?Q?=0D=0ABcc:_evil@attacker.example?=",
            "=?UTF-8?B?" + base64("\r\nX-Injected: yes") + "?=", "=?UTF-8?Q?=00?=", "=?UTF-8?Q?a=E2=80=A8X-Injected:_yes?=",
            "=?ISO-8859-1?Q?=85X-Injected:_yes?=", "=?UTF-8?Q?=0A?= =?UTF-8?Q?X-Injected:_yes?=");

    /** Odd but harmless: must be sent correctly encoded or refused with a specific reason. */
    public static final List<String> ODD = List.of("\t", "\u200b", "\ufeff", "\u202e", "\uD83D\uDE00", "é", "\"", "\\", "<",
            ">", ",", ";", ":", "(", ")", "%0D%0A", "=?", "?=", "=?UTF-8?Q?caf=C3=A9?=", " ", "\uD800", "@", "[]");

    private HostileValues() {
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code s} with control characters and Unicode line breaks written as escapes, cut to 80 chars (for messages). */
    public static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        for (char c : cut.toCharArray()) {
            out.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                    ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
