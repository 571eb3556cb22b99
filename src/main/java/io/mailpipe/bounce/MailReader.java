package io.mailpipe.bounce;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stage 2: a CRLF message to a {@link MailView} through jakarta.mail. Never throws: anything that
 * cannot be read is reported in {@code problems} and the rest is kept.
 */
final class MailReader {
    static final int MAX_PART_BYTES = 1024 * 1024;
    static final int MAX_PARTS = 64;
    static final int MAX_DEPTH = 8;
    static final int MAX_TEXT_CHARS = 256 * 1024;
    private static final Session SESSION = Session.getInstance(sessionProperties());
    private static final Pattern UTF7_WORD = Pattern.compile(
            "=\\?(?:utf-7|unicode-1-1-utf-7)\\?([bBqQ])\\?([^?\\s]{0,1000})\\?=", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("<[^<>]{0,4000}>");
    private static final Pattern BREAK_TAG = Pattern.compile("<(?:br|/p|/div|/tr|/li|p|div)\\b[^<>]{0,400}>",
            Pattern.CASE_INSENSITIVE);

    private MailReader() {
    }

    private static Properties sessionProperties() {
        Properties p = new Properties();
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.decodetext.strict", "false");
        p.setProperty("mail.mime.parameters.strict", "false");
        p.setProperty("mail.mime.multipart.allowempty", "true");
        p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        return p;
    }

    static MailView read(byte[] crlfMessage, List<String> problems) {
        Collector c = new Collector(problems);
        String topType = "text/plain";
        List<MailView.Field> fields = new ArrayList<>();
        try {
            MimeMessage msg = new MimeMessage(SESSION, new ByteArrayInputStream(crlfMessage));
            Enumeration<Header> all = msg.getAllHeaders();
            while (all.hasMoreElements()) {
                Header h = all.nextElement();
                fields.add(new MailView.Field(h.getName(), decodeHeader(h.getValue())));
            }
            topType = baseType(msg, problems);
            c.walk(msg, 0);
        } catch (MessagingException | RuntimeException e) {
            problems.add("message not readable as MIME (" + e.getClass().getSimpleName() + "): read as plain text");
            c.texts.add(fallbackBody(crlfMessage));
        }
        if (c.texts.isEmpty() && !c.htmls.isEmpty()) {
            c.texts.addAll(c.htmls);
        }
        return new MailView(topType, fields, c.texts, c.deliveryStatus, c.feedbackReport, c.originalHeaders,
                c.returnedMessage);
    }

    /** Everything after the first blank line, decoded as best we can. */
    private static String fallbackBody(byte[] msg) {
        String s = new String(msg, StandardCharsets.ISO_8859_1);
        int i = s.indexOf("\r\n\r\n");
        byte[] body = (i < 0 ? s : s.substring(i + 4)).getBytes(StandardCharsets.ISO_8859_1);
        return Texts.cap(decodeText(body, null), MAX_TEXT_CHARS);
    }

    private static final class Collector {
        final List<String> problems;
        final List<String> texts = new ArrayList<>();
        final List<String> htmls = new ArrayList<>();
        final List<String> deliveryStatus = new ArrayList<>();
        String feedbackReport;
        String originalHeaders;
        byte[] returnedMessage;
        int parts;

        Collector(List<String> problems) {
            this.problems = problems;
        }

        void walk(Part part, int depth) {
            if (++parts > MAX_PARTS) {
                if (parts == MAX_PARTS + 1) {
                    problems.add("more than " + MAX_PARTS + " MIME parts: rest ignored");
                }
                return;
            }
            String type = baseType(part, problems);
            if (type.startsWith("multipart/")) {
                if (depth >= MAX_DEPTH) {
                    problems.add("MIME nesting deeper than " + MAX_DEPTH + ": rest ignored");
                    return;
                }
                try {
                    Object content = part.getContent();
                    if (content instanceof Multipart mp) {
                        int n = mp.getCount();
                        for (int i = 0; i < n; i++) {
                            BodyPart bp = mp.getBodyPart(i);
                            walk(bp, depth + 1);
                        }
                        return;
                    }
                } catch (MessagingException | IOException | RuntimeException e) {
                    problems.add("multipart not readable (" + e.getClass().getSimpleName() + "): read as text");
                }
                texts.add(Texts.cap(decodeText(rawBytes(part, problems), null), MAX_TEXT_CHARS));
                return;
            }
            switch (type) {
                case "message/delivery-status", "message/global-delivery-status" ->
                        // no charset is declared as a rule; Japanese servers write ISO-2022-JP there
                        deliveryStatus.add(decodeText(bytes(part, problems), charset(part)));
                case "message/feedback-report" -> {
                    if (feedbackReport == null) {
                        feedbackReport = decodeText(bytes(part, problems), "utf-8");
                    }
                }
                case "message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers",
                     "text/rfc822-header", "message/partial" -> {
                    if (originalHeaders == null) {
                        byte[] content = bytes(part, problems);
                        originalHeaders = headerSection(decodeText(content, "utf-8"));
                        if (type.equals("message/rfc822") || type.equals("message/global")) {
                            returnedMessage = content;
                        }
                    }
                }
                default -> {
                    if (type.startsWith("text/") || depth == 0) {
                        String text = Texts.cap(decodeText(bytes(part, problems), charset(part)), MAX_TEXT_CHARS);
                        if (type.equals("text/html")) {
                            htmls.add(stripHtml(text));
                        } else {
                            texts.add(text);
                        }
                    }
                }
            }
        }
    }

    /** Header section of a message text, unfolded-ready (up to the first blank line). */
    static String headerSection(String message) {
        String m = message.replace("\r\n", "\n").replace('\r', '\n');
        int i = m.indexOf("\n\n");
        return Texts.cap(i < 0 ? m : m.substring(0, i + 1), 64 * 1024);
    }

    static String baseType(Part part, List<String> problems) {
        try {
            String ct = part.getContentType();
            if (ct == null) {
                return "text/plain";
            }
            try {
                return new ContentType(ct).getBaseType().toLowerCase(Locale.ROOT);
            } catch (jakarta.mail.internet.ParseException e) {
                int semi = ct.indexOf(';');
                return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
            }
        } catch (MessagingException e) {
            problems.add("unreadable Content-Type");
            return "text/plain";
        }
    }

    private static String charset(Part part) {
        try {
            String ct = part.getContentType();
            if (ct == null) {
                return null;
            }
            try {
                return new ContentType(ct).getParameter("charset");
            } catch (jakarta.mail.internet.ParseException e) {
                Matcher m = Pattern.compile("charset\\s*=\\s*\"?([^\";\\s]{1,40})", Pattern.CASE_INSENSITIVE).matcher(ct);
                return m.find() ? m.group(1) : null;
            }
        } catch (MessagingException e) {
            return null;
        }
    }

    /** Content with the transfer encoding undone; the raw content when the encoding is unknown. */
    private static byte[] bytes(Part part, List<String> problems) {
        try (InputStream in = part.getInputStream()) {
            return readCapped(in, problems);
        } catch (IOException | MessagingException | RuntimeException e) {
            problems.add("part content not decodable (" + e.getClass().getSimpleName() + "): raw bytes used");
            return rawBytes(part, problems);
        }
    }

    private static byte[] rawBytes(Part part, List<String> problems) {
        try {
            if (part instanceof MimePart mp) {
                InputStream in = part instanceof MimeMessage mm ? mm.getRawInputStream()
                        : ((jakarta.mail.internet.MimeBodyPart) mp).getRawInputStream();
                try (in) {
                    return readCapped(in, problems);
                }
            }
        } catch (IOException | MessagingException | RuntimeException e) {
            problems.add("part content not readable (" + e.getClass().getSimpleName() + ")");
        }
        return new byte[0];
    }

    private static byte[] readCapped(InputStream in, List<String> problems) throws IOException {
        byte[] data = in.readNBytes(MAX_PART_BYTES);
        if (data.length == MAX_PART_BYTES && in.read() >= 0) {
            problems.add("part larger than " + MAX_PART_BYTES + " bytes: cut");
        }
        return data;
    }

    /** Bytes to text in the declared charset; guesses when none is declared or it is unknown. */
    static String decodeText(byte[] b, String declared) {
        String cs = declared == null ? "" : declared.strip().replace("\"", "").toLowerCase(Locale.ROOT);
        if (cs.equals("utf-7") || cs.equals("unicode-1-1-utf-7") || cs.equals("x-utf-7")) {
            return Utf7.decode(b);
        }
        if (cs.isEmpty() || cs.equals("us-ascii") || cs.equals("ascii") || cs.startsWith("unknown") || cs.startsWith("x-unknown")) {
            return guess(b);
        }
        try {
            Charset charset = Charset.forName(cs);
            if (charset.name().equalsIgnoreCase("ISO-2022-JP")) {
                // the Windows variant also decodes the vendor extensions Japanese carriers use
                charset = Charset.forName("x-windows-iso2022jp");
            }
            return new String(b, charset);
        } catch (IllegalArgumentException e) {
            return guess(b);
        }
    }

    private static String guess(byte[] b) {
        if (indexOf(b, new byte[]{0x1b, '$', 'B'}) >= 0 || indexOf(b, new byte[]{0x1b, '$', '@'}) >= 0) {
            return new String(b, Charset.forName("x-windows-iso2022jp"));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, Charset.forName("windows-1252"));
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Unfolds and decodes RFC 2047 words, including UTF-7 ones the JDK cannot decode. */
    static String decodeHeader(String raw) {
        if (raw == null) {
            return null;
        }
        String v = raw.replaceAll("\r?\n[ \t]+", " ").replace("\r", "").replace("\n", " ");
        Matcher m = UTF7_WORD.matcher(v);
        if (m.find()) {
            StringBuilder sb = new StringBuilder();
            do {
                byte[] data;
                if (m.group(1).equalsIgnoreCase("b")) {
                    try {
                        data = java.util.Base64.getMimeDecoder().decode(m.group(2));
                    } catch (IllegalArgumentException e) {
                        data = m.group(2).getBytes(StandardCharsets.ISO_8859_1);
                    }
                } else {
                    data = m.group(2).replace('_', ' ').getBytes(StandardCharsets.ISO_8859_1);
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(Utf7.decode(data)));
            } while (m.find());
            m.appendTail(sb);
            v = sb.toString();
        }
        try {
            return MimeUtility.decodeText(v);
        } catch (IOException | RuntimeException e) {
            return v;
        }
    }

    static String stripHtml(String html) {
        String s = BREAK_TAG.matcher(html).replaceAll("\n");
        s = TAG.matcher(s).replaceAll("");
        return s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
    }
}
