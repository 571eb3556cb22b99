package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Header-style field blocks separated by blank lines, as in message/delivery-status (RFC 3464)
 * and message/feedback-report (RFC 5965). Continuation lines are unfolded.
 */
final class FieldBlocks {
    /** One block: fields in order, names lower case. */
    static final class Block {
        final List<String> names = new ArrayList<>();
        final List<String> values = new ArrayList<>();

        /** First value of the field, or null. */
        String get(String name) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals(name)) {
                    return values.get(i);
                }
            }
            return null;
        }

        List<String> all(String name) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals(name)) {
                    out.add(values.get(i));
                }
            }
            return out;
        }

        boolean has(String name) {
            return names.contains(name);
        }

        boolean isEmpty() {
            return names.isEmpty();
        }
    }

    private FieldBlocks() {
    }

    /**
     * Parses blocks. A new block also starts when a recipient field repeats inside one block
     * (some MTAs forget the blank line between recipients).
     */
    static List<Block> parse(String text) {
        List<Block> blocks = new ArrayList<>();
        Block current = new Block();
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        int lineCount = Math.min(lines.length, 5000);
        for (int i = 0; i < lineCount; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    blocks.add(current);
                    current = new Block();
                }
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !current.isEmpty()) {
                int last = current.values.size() - 1;
                current.values.set(last, current.values.get(last) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon > 60 || line.substring(0, colon).contains(" ")) {
                continue; // not a field; ignore
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            // Original-Recipient normally precedes Final-Recipient; after it, it starts the next
            // recipient only once this one is complete (Status or Diagnostic-Code seen). Some MTAs
            // write "Action, Final-Recipient, Original-Recipient, Diagnostic-Code, Status".
            if (name.equals("final-recipient") && current.has("final-recipient")
                    || name.equals("original-recipient") && current.has("final-recipient")
                    && (current.has("status") || current.has("diagnostic-code"))) {
                blocks.add(current);
                current = new Block();
            }
            current.names.add(name);
            current.values.add(value);
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }

    /** "rfc822; user@example.com" to "user@example.com"; "dns; mx.example.com" to "mx.example.com". */
    static String typedValue(String v) {
        if (v == null) {
            return null;
        }
        int semi = v.indexOf(';');
        String t = (semi >= 0 ? v.substring(semi + 1) : v).strip();
        return t.isEmpty() ? null : t;
    }

    /** The type of a typed value ("smtp" of "smtp; 550 ..."), lower case, or null. */
    static String typeOf(String v) {
        if (v == null) {
            return null;
        }
        int semi = v.indexOf(';');
        return semi > 0 && semi < 20 ? v.substring(0, semi).strip().toLowerCase(Locale.ROOT) : null;
    }
}
