package io.mailpipe.bounce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Stage 1: raw bytes to one or more messages with CRLF line endings. Accepts LF, CRLF and
 * CR-only input, drops mbox "From " separator lines and splits an mbox holding several messages.
 */
final class RawMessages {
    /** Larger inputs are cut: a bounce carries at most a copy of one message. */
    static final int MAX_BYTES = 8 * 1024 * 1024;
    /** "From MAILER-DAEMON  Thu Apr 29 23:34:45 2015" */
    private static final Pattern MBOX_FROM = Pattern.compile(
            "From \\S{1,256} {1,4}(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) .{0,60}");

    private RawMessages() {
    }

    static List<byte[]> split(byte[] raw, List<String> problems) {
        byte[] input = raw;
        if (raw.length > MAX_BYTES) {
            problems.add("input larger than " + MAX_BYTES + " bytes: cut");
            input = java.util.Arrays.copyOf(raw, MAX_BYTES);
        }
        // ISO-8859-1 maps every byte to one char and back: byte-exact.
        String text = new String(input, StandardCharsets.ISO_8859_1);
        List<byte[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder(text.length() + text.length() / 20);
        int i = 0;
        int n = text.length();
        boolean atStart = true;
        while (i <= n) {
            int end = i;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            if (end == n && i == n) {
                break;
            }
            String line = text.substring(i, end);
            if (end < n && text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n') {
                i = end + 2;
            } else {
                i = end + 1;
            }
            if (line.startsWith("From ") && MBOX_FROM.matcher(line).matches()) {
                if (!atStart) {
                    flush(current, out);
                }
                atStart = true;
                continue;
            }
            if (atStart && line.isBlank()) {
                continue; // leading blank lines
            }
            atStart = false;
            current.append(line).append("\r\n");
        }
        flush(current, out);
        if (out.isEmpty()) {
            problems.add("empty input");
        }
        return out;
    }

    private static void flush(StringBuilder current, List<byte[]> out) {
        if (current.length() > 0) {
            out.add(current.toString().getBytes(StandardCharsets.ISO_8859_1));
            current.setLength(0);
        }
    }
}
