package io.mailpipe.request;

/**
 * Builds the field paths of {@link InvalidRequestException#field()} ({@code "to[2]"},
 * {@code "headers.X-Foo"}), and renders names from the request so they are safe to log:
 * control and line-break characters escaped, long names shortened.
 */
final class JsonPaths {

    /** Longest name, in chars, quoted in a path or message; longer ones are cut and end in "...". */
    static final int MAX_SHOWN_NAME = 64;

    private static final char LINE_SEPARATOR = 0x2028;
    private static final char PARAGRAPH_SEPARATOR = 0x2029;

    private JsonPaths() {
    }

    /** Path of member {@code name} of the object at {@code parent} (empty for the request itself). */
    static String member(String parent, String name) {
        String shown = shown(name);
        return parent.isEmpty() ? shown : parent + "." + shown;
    }

    /** Path of element {@code index} of the array at {@code parent}. */
    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** {@code name} with control and line-break characters escaped ({@link #codePoint}), cut to {@link #MAX_SHOWN_NAME}. */
    static String shown(String name) {
        boolean cut = name.length() > MAX_SHOWN_NAME;
        String head = cut ? name.substring(0, MAX_SHOWN_NAME) : name;
        StringBuilder out = new StringBuilder(head.length() + 8);
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (isControlOrLineBreak(c)) {
                out.append(codePoint(c));
            } else {
                out.append(c);
            }
        }
        return cut ? out.append("...").toString() : out.toString();
    }

    /** Whether {@code c} is a C0 or C1 control character (TAB, CR, LF included), U+2028 or U+2029. */
    static boolean isControlOrLineBreak(int c) {
        return Character.isISOControl(c) || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR;
    }

    /** {@code c} written as a Java escape: backslash, u, four upper-case hex digits. */
    static String codePoint(char c) {
        return String.format("\\u%04X", (int) c);
    }
}
