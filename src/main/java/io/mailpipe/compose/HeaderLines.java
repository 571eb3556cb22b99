package io.mailpipe.compose;

import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 5322 section 2.1.1: a line of a header section has at most 998 octets. Jakarta Mail folds only at white space,
 * so a value with a long run of characters and no space (a 2,000-character subject or custom header, a long ASCII
 * display name) would be written as one longer line. Servers on the way refuse such messages or cut the line, and a
 * cut header line continues as a new header or as the body. The composed message is checked here, on the message and
 * on every MIME part, and such a value is refused naming the field it came from.
 */
final class HeaderLines {

    /** Longest header line, without its CRLF (RFC 5322 section 2.1.1). */
    static final int MAX_LINE_OCTETS = 998;

    private static final Map<String, String> FIELDS = Map.of("subject", "subject", "from", "from", "reply-to", "replyTo",
            "to", "to", "cc", "cc", "bcc", "bcc", "list-unsubscribe", "listUnsubscribe");

    private HeaderLines() {
    }

    /** INVALID_FIELD naming the request field when a header line of {@code message} or a part is too long. */
    static void requireShortLines(MimePart message) throws CompositionException {
        try {
            check(message, true, 0);
        } catch (MessagingException | IOException e) {
            throw new CompositionException("message", "could not be read back to check its header lines ("
                    + e.getClass().getSimpleName() + ")", ReasonCode.INTERNAL_ERROR, e);
        }
    }

    private static void check(MimePart part, boolean top, int depth) throws MessagingException, IOException, CompositionException {
        Enumeration<String> lines = part.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            String header = lines.nextElement();
            if (header.length() <= MAX_LINE_OCTETS / 3) {
                continue; // at most 3 octets per char in UTF-8 (4 per surrogate pair): short enough whatever it holds
            }
            for (String line : header.split("\r\n")) {
                int octets = line.getBytes(StandardCharsets.UTF_8).length;
                if (octets > MAX_LINE_OCTETS) {
                    String name = header.substring(0, Math.max(0, header.indexOf(':')));
                    throw new CompositionException(top ? fieldOf(name) : "attachments", "makes a header line of " + octets
                            + " octets, more than the " + MAX_LINE_OCTETS + " a mail header line may have (RFC 5322);"
                            + " shorten the value or put spaces into it", ReasonCode.INVALID_FIELD);
                }
            }
        }
        if (depth < 10 && part.isMimeType("multipart/*") && part.getContent() instanceof MimeMultipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                if (child instanceof MimePart mime) {
                    check(mime, false, depth + 1);
                }
            }
        }
    }

    private static String fieldOf(String headerName) {
        String known = FIELDS.get(headerName.toLowerCase(Locale.ROOT));
        return known != null ? known : MessageComposer.fieldOf(headerName);
    }
}
