package io.mailpipe.compose;

import io.mailpipe.outcome.ReasonCode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a recipient unsubscribes (RFC 2369 {@code List-Unsubscribe}, RFC 8058 one-click). With an HTTPS
 * {@code url} the message carries {@code List-Unsubscribe: <mailto:...>, <https://...>} and
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}; with only {@code mailto}, the first header alone.
 *
 * @param url    HTTPS URL that unsubscribes with one POST (RFC 8058), or null
 * @param mailto address (optionally as a {@code mailto:} URI with {@code ?subject=...}) that unsubscribes by mail, or null
 */
public record ListUnsubscribe(String url, String mailto) {

    /** RFC 8058 section 3.1: the exact value of the POST header. */
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    /** Checks both values; {@code field} names where they came from, e.g. {@code listUnsubscribe}. */
    public static ListUnsubscribe of(String url, String mailto, String field) throws CompositionException {
        String u = blankToNull(url);
        String m = blankToNull(mailto);
        if (u == null && m == null) {
            throw new CompositionException(field, "give url, mailto or both", ReasonCode.INVALID_FIELD);
        }
        if (u != null) {
            requireWellFormed(u, field + ".url");
            u = checkUrl(u, field + ".url");
        }
        if (m != null) {
            requireWellFormed(m, field + ".mailto");
            m = checkMailto(m, field + ".mailto");
        }
        return new ListUnsubscribe(u, m);
    }

    /** The {@code List-Unsubscribe} value: mailto first, then the URL, each in angle brackets. */
    public String headerValue() {
        StringBuilder out = new StringBuilder();
        if (mailto != null) {
            out.append('<').append(mailto).append('>');
        }
        if (url != null) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append('<').append(url).append('>');
        }
        return out.toString();
    }

    /** Whether the one-click POST header goes with it (only with an HTTPS URL). */
    public boolean oneClick() {
        return url != null;
    }

    private static String checkUrl(String value, String field) throws CompositionException {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new CompositionException(field, "is not a URI; give an absolute https:// URL (RFC 8058)",
                    ReasonCode.INVALID_FIELD);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new CompositionException(field, "must be an absolute https:// URL with a host (RFC 8058 one-click)",
                    ReasonCode.INVALID_FIELD);
        }
        String ascii = uri.toASCIIString();
        if (ascii.indexOf('>') >= 0 || ascii.indexOf(',') >= 0) {
            throw new CompositionException(field, "must not contain '>' or ','; percent-encode them",
                    ReasonCode.INVALID_FIELD);
        }
        return ascii;
    }

    private static String checkMailto(String value, String field) throws CompositionException {
        String v = value.strip();
        String uri = v.toLowerCase(Locale.ROOT).startsWith("mailto:") ? v : "mailto:" + v;
        String address = uri.substring("mailto:".length());
        int query = address.indexOf('?');
        if (query >= 0) {
            address = address.substring(0, query);
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1 || address.matches(".*[\\s<>,\"].*")) {
            throw new CompositionException(field, "is not one address (local@domain, optionally mailto:...?subject=...)",
                    ReasonCode.INVALID_FIELD);
        }
        try {
            return new URI(uri).toASCIIString();
        } catch (URISyntaxException e) {
            throw new CompositionException(field, "is not a valid mailto URI; percent-encode spaces and special characters",
                    ReasonCode.INVALID_FIELD);
        }
    }

    /**
     * Rejects an unpaired UTF-16 surrogate (JSON allows {@code "\\ud800"}): {@link URI#toASCIIString()} cannot
     * encode one and fails with a NullPointerException.
     */
    private static void requireWellFormed(String value, String field) throws CompositionException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new CompositionException(field, "contains an unpaired UTF-16 surrogate (index " + i
                        + "); send well-formed Unicode text", ReasonCode.INVALID_FIELD);
            }
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
