package io.mailpipe.request;

import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.UnsupportedEncodingException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a request value may contain when it becomes part of a message header (subject, addresses,
 * custom headers, campaign, account, attachment filename and content type), and which custom header
 * names a request may set. The one place these rules are written; {@code schemas/mail-request.schema.json}
 * repeats them for producers, and a test keeps the two in step.
 */
public final class HeaderRules {

    /**
     * A character that must never appear in a value that becomes a header: CR and LF end a header line
     * (header injection: {@code "Hi\r\nBcc: everyone@example.com"}); NUL and the other C0 control
     * characters are not allowed in a header at all; NEL (U+0085), LINE SEPARATOR (U+2028) and
     * PARAGRAPH SEPARATOR (U+2029) are line breaks to Unicode-aware libraries and terminals.
     * TAB is allowed: it is ordinary white space in a header.
     */
    public static final Pattern LINE_BREAK_OR_CONTROL =
            Pattern.compile("[\\x00-\\x08\\x0A-\\x1F\\x{85}\\x{2028}\\x{2029}]");

    /**
     * Longest value, in chars, that becomes (part of) a header. Jakarta Mail's folding of a long encoded value takes
     * time that grows faster than its length (a 200,000-character non-ASCII campaign took seconds to compose), and no
     * mail reader shows a header this long.
     */
    public static final int MAX_HEADER_VALUE_LENGTH = 2000;

    /**
     * A valid header field name (RFC 5322 section 3.6.8): one or more printable US-ASCII characters,
     * code 33 to 126, except the colon.
     */
    public static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");

    /**
     * Headers a request may not set in {@code headers} (compared case-insensitively): mailpipe writes
     * them itself from the request's own fields or the account (From, Sender, To, Cc, Bcc, Reply-To,
     * Subject, Date, Message-ID), they define the MIME structure (MIME-Version, Content-*), they carry the DKIM
     * signature, or only servers on the way may add them (Return-Path, Received). List-Unsubscribe may be given here
     * (then mailpipe adds none of its own), but not together with the request's {@code listUnsubscribe}.
     */
    public static final List<String> RESERVED_HEADERS = List.of(
            "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
            "Return-Path", "Received", "DKIM-Signature");

    /**
     * Prefix of mailpipe's own headers (request id, campaign, ...); no request header may start with it
     * (compared case-insensitively), so a request cannot forge them.
     */
    public static final String RESERVED_PREFIX = "X-Mailpipe-";

    private static final Set<String> RESERVED_LOWER_CASE = RESERVED_HEADERS.stream()
            .map(HeaderRules::lowerCase)
            .collect(Collectors.toUnmodifiableSet());

    private HeaderRules() {
    }

    /** Index of the first {@link #LINE_BREAK_OR_CONTROL} character in {@code value}, or -1 if it has none. */
    public static int indexOfLineBreakOrControl(String value) {
        Matcher matcher = LINE_BREAK_OR_CONTROL.matcher(value);
        return matcher.find() ? matcher.start() : -1;
    }

    /**
     * An RFC 2047 encoded word ({@code =?charset?Q?...?=} or {@code ?B?}), found anywhere in a value: mail readers
     * decode them even inside words. Negated classes only, so matching is linear.
     */
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?[^?\\s]{1,40}\\?[bBqQ]\\?[^?\\s]*\\?=");

    /**
     * Index of the first RFC 2047 encoded word in {@code value} that decodes to a {@link #LINE_BREAK_OR_CONTROL}
     * character ({@code =?UTF-8?Q?=0D=0ABcc:_x?=}), or -1. Such a word passes through as plain ASCII, but every mail
     * reader, and Jakarta Mail's address parser, turns it back into the line break.
     */
    public static int indexOfHiddenLineBreakOrControl(String value) {
        if (value.indexOf("=?") < 0) {
            return -1;
        }
        Matcher word = ENCODED_WORD.matcher(value);
        while (word.find()) {
            String decoded;
            try {
                decoded = MimeUtility.decodeWord(word.group());
            } catch (ParseException | UnsupportedEncodingException | RuntimeException e) {
                continue; // not a valid encoded word (or an unknown charset): readers show it as it is
            }
            if (indexOfLineBreakOrControl(decoded) >= 0) {
                return word.start();
            }
        }
        return -1;
    }

    /** Whether {@code name} is in {@link #RESERVED_HEADERS} or starts with {@link #RESERVED_PREFIX}, ignoring case. */
    public static boolean isReserved(String name) {
        String lower = lowerCase(name);
        return RESERVED_LOWER_CASE.contains(lower) || lower.startsWith(lowerCase(RESERVED_PREFIX));
    }

    /**
     * Rejects a header-bound value longer than {@link #MAX_HEADER_VALUE_LENGTH} (INVALID_FIELD), or holding a line
     * break or control character, raw or hidden in an RFC 2047 encoded word (HEADER_INJECTION).
     */
    static void requireSingleLine(String value, String field) throws InvalidRequestException {
        if (value.length() > MAX_HEADER_VALUE_LENGTH) {
            throw new InvalidRequestException(ReasonCode.INVALID_FIELD, field, "has " + value.length()
                    + " characters; this value becomes a message header, which may have at most "
                    + MAX_HEADER_VALUE_LENGTH + ": shorten it");
        }
        int index = indexOfLineBreakOrControl(value);
        if (index >= 0) {
            throw new InvalidRequestException(ReasonCode.HEADER_INJECTION, field,
                    "contains a line break or control character (" + JsonPaths.codePoint(value.charAt(index))
                            + " at index " + index + "); this value becomes a message header and must be"
                            + " one line: remove the character (TAB is allowed)");
        }
        int hidden = indexOfHiddenLineBreakOrControl(value);
        if (hidden >= 0) {
            throw new InvalidRequestException(ReasonCode.HEADER_INJECTION, field,
                    "contains an RFC 2047 encoded word (at index " + hidden + ") that decodes to a line break or"
                            + " control character; this value becomes a message header: send the text itself, not"
                            + " encoded words, and without line breaks");
        }
    }

    /** Rejects a custom header name that is not a valid field name or is reserved, with FORBIDDEN_HEADER. */
    static void requireCustomHeaderName(String name, String field) throws InvalidRequestException {
        if (!FIELD_NAME.matcher(name).matches()) {
            throw new InvalidRequestException(ReasonCode.FORBIDDEN_HEADER, field,
                    "is not a valid header name; use printable ASCII without spaces or ':' (like X-Order-Ref)");
        }
        if (isReserved(name)) {
            throw new InvalidRequestException(ReasonCode.FORBIDDEN_HEADER, field,
                    "is set by mailpipe itself and may not be given in headers; use the request's own field"
                            + " (from, replyTo, to, cc, bcc, subject, campaign) or drop it; reserved are "
                            + String.join(", ", RESERVED_HEADERS) + " and " + RESERVED_PREFIX + "*");
        }
    }

    private static String lowerCase(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
