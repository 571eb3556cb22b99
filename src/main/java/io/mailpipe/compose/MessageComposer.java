package io.mailpipe.compose;

import io.mailpipe.account.Account;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.request.HeaderRules;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the MIME message for one {@link MessageSpec} sent through one {@link Account}.
 *
 * <p>Rules, in the order they apply:
 * <ul>
 *   <li><b>Sender</b>: with {@link Account#allowSenderOverride()} and a requested {@code from}, From is the
 *       requested address. Otherwise From is the account's own address (keeping the request's display
 *       name when the account has none), and a requested {@code from} with another address becomes
 *       Reply-To. A requested {@code replyTo} is always the Reply-To.</li>
 *   <li><b>Recipients</b>: To, Cc and Bcc headers (Angus' SMTPTransport leaves Bcc out of DATA);
 *       the envelope is to + cc + bcc, duplicates removed.</li>
 *   <li><b>Encoding</b>: subject and display names as RFC 2047 UTF-8 encoded words; bodies
 *       {@code charset=UTF-8} with the transfer encoding Angus picks (7bit, quoted-printable or base64);
 *       attachment file names as RFC 2231 {@code filename*=UTF-8''...} in Content-Disposition and as an
 *       RFC 2047 encoded word in the Content-Type {@code name} (for clients that only read that).</li>
 *   <li><b>Structure</b>: text/plain, text/html, or multipart/alternative (text first); with attachments,
 *       multipart/mixed with that body first.</li>
 *   <li><b>Identity</b>: a Message-ID derived from the request id ({@link #messageIdFor}), so a retry of the
 *       same request through an account of the same domain carries the same Message-ID; Date from the
 *       clock; {@value #HEADER_REQUEST_ID} and, with a campaign, {@value #HEADER_CAMPAIGN}.</li>
 * </ul>
 * Custom headers are added in the spec's order, after mailpipe's own; a reserved name
 * ({@link HeaderRules#isReserved}) is refused. Non-ASCII header values become RFC 2047 encoded words.
 *
 * <p>Before and after building (see {@code docs/composition.md}): a {@link TemplateRef} is rendered first
 * ({@link TemplateRenderer}); attachments are checked against the account's {@link AttachmentPolicy}; inline
 * images ({@link AttachmentSpec#contentId()}) make the HTML multipart/related; non-ASCII domains become punycode and a
 * non-ASCII local part marks the message as needing SMTPUTF8 ({@link MailpipeMimeMessage#requiresSmtpUtf8()});
 * {@code List-Unsubscribe} comes from the spec or the campaign; a part of a split request gets its own Message-ID;
 * an account with {@code dkim} signs the message ({@link DkimSigning}), and last the message is rendered once into the
 * bytes that are measured and sent ({@link MailpipeMimeMessage#freeze}).
 *
 * <p>Stateless apart from the clock: one instance serves all threads. Imports nothing from Camel.
 */
public final class MessageComposer implements AutoCloseable {

    /** Header carrying the request id, for correlating replies and bounces. */
    public static final String HEADER_REQUEST_ID = "X-Mailpipe-Id";
    /** Header carrying the request's campaign tag, when it has one. */
    public static final String HEADER_CAMPAIGN = "X-Mailpipe-Campaign";

    /** Headers Angus' SMTPTransport leaves out of DATA; the size is counted the same way. */
    private static final String[] NOT_IN_DATA = {"Bcc", "Content-Length"};
    private static final String UTF_8 = "UTF-8";
    private static final String DEFAULT_ATTACHMENT_TYPE = "application/octet-stream";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Longest RFC 2231 segment, so that each {@code filename*N*=} line stays under 78 characters. */
    private static final int RFC2231_SEGMENT = 50;
    private static final char[] BASE32_LOWER = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    /** Bytes of SHA-256(requestId) in the Message-ID: 15 bytes = 120 bits = 24 base32 characters, no padding. */
    private static final int MESSAGE_ID_HASH_BYTES = 15;
    /** A Content-ID of an inline part, without angle brackets. */
    private static final java.util.regex.Pattern CONTENT_ID = java.util.regex.Pattern.compile("[!#-'*-;=?-Z^-~]{1,200}");

    /** Header of RFC 2369 / RFC 8058 unsubscribe links. */
    public static final String HEADER_LIST_UNSUBSCRIBE = "List-Unsubscribe";
    /** Header of RFC 8058 one-click unsubscription. */
    public static final String HEADER_LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";

    private final Clock clock;
    private final TemplateRenderer templates;
    private final Map<String, ListUnsubscribe> unsubscribeByCampaign;
    private volatile Session utf8Session;

    /** A composer that dates messages with the system clock. */
    public MessageComposer() {
        this(Clock.systemUTC());
    }

    /** A composer that dates messages with {@code clock} (tests pass a fixed clock), without templates. */
    public MessageComposer(Clock clock) {
        this(clock, null, Map.of());
    }

    /**
     * @param clock                 dates the messages
     * @param templates             renders requests that name a template, or null when no templates folder is
     *                              configured (such requests are then UNKNOWN_TEMPLATE)
     * @param unsubscribeByCampaign the unsubscribe links of campaigns by campaign name, used when a request of the
     *                              campaign gives none itself; each already checked with {@link ListUnsubscribe#of}
     */
    public MessageComposer(Clock clock, TemplateRenderer templates, Map<String, ListUnsubscribe> unsubscribeByCampaign) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.templates = templates;
        this.unsubscribeByCampaign = Map.copyOf(unsubscribeByCampaign);
    }

    /**
     * Composes the message, calls {@code saveChanges()} and measures it.
     *
     * @param spec    what to send
     * @param account the account it is sent through (its {@code from} and sender policy apply)
     * @param session the mail session the message belongs to
     * @return the message and its envelope, size and identity
     * @throws CompositionException when a field cannot be turned into a valid message; the exception
     *                              names the field and carries the outcome reason
     */
    public ComposedMessage compose(MessageSpec spec, Account account, Session session) throws CompositionException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(session, "session");
        if (isBlank(spec.requestId())) {
            throw new CompositionException("requestId", "missing", ReasonCode.MISSING_FIELD);
        }
        spec = rendered(spec);
        if (spec.text() == null && spec.html() == null) {
            throw new CompositionException("text", "neither text nor html is given", ReasonCode.NO_BODY);
        }
        AttachmentPolicy.of(account.blockedExtensions()).check(spec.attachments());
        ListUnsubscribe unsubscribe = unsubscribe(spec);

        Senders senders = senders(spec, account);
        List<InternetAddress> to = addresses(spec.to(), "to");
        List<InternetAddress> cc = addresses(spec.cc(), "cc");
        List<InternetAddress> bcc = addresses(spec.bcc(), "bcc");
        List<String> envelope = envelope(to, cc, bcc);
        if (envelope.isEmpty()) {
            throw new CompositionException("to", "no recipient in to, cc or bcc", ReasonCode.NO_RECIPIENTS);
        }
        String domain = asciiDomain(senders.from().getAddress());
        String messageId = messageIdFor(spec.part() == null ? spec.requestId() : spec.requestId() + "#" + spec.part(), domain);
        boolean smtpUtf8 = needsSmtpUtf8(senders, to, cc, bcc);

        MailpipeMimeMessage message = new MailpipeMimeMessage(smtpUtf8 ? utf8Session(session) : session, messageId);
        if (smtpUtf8) {
            message.requireSmtpUtf8();
        }
        try {
            message.setFrom(senders.from());
            String returnPath = account.returnPathFor(verpToken(spec.requestId()));
            if (returnPath != null) {
                message.setEnvelopeFrom(returnPath); // VERP: a bounce names the request (docs/bounces.md)
            }
            if (senders.replyTo() != null) {
                message.setReplyTo(new InternetAddress[] {senders.replyTo()});
            }
            setRecipients(message, Message.RecipientType.TO, to);
            setRecipients(message, Message.RecipientType.CC, cc);
            setRecipients(message, Message.RecipientType.BCC, bcc);
            if (spec.subject() != null) {
                requireOneLine(spec.subject(), "subject");
                message.setSubject(spec.subject(), UTF_8);
            }
            message.setHeader("Date", MailDate.format(clock.instant()));
            message.setHeader(HEADER_REQUEST_ID, headerValue(HEADER_REQUEST_ID, spec.requestId()));
            if (!isBlank(spec.campaign())) {
                message.setHeader(HEADER_CAMPAIGN, headerValue(HEADER_CAMPAIGN, spec.campaign()));
            }
            if (unsubscribe != null) {
                message.setHeader(HEADER_LIST_UNSUBSCRIBE, MimeUtility.fold(HEADER_LIST_UNSUBSCRIBE.length() + 2,
                        unsubscribe.headerValue()));
                if (unsubscribe.oneClick()) {
                    message.setHeader(HEADER_LIST_UNSUBSCRIBE_POST, ListUnsubscribe.ONE_CLICK);
                }
            }
            addCustomHeaders(message, spec.headers());
            setBody(message, spec);
            message.saveChanges();
        } catch (MessagingException e) {
            // Angus' messages here describe MIME problems, not the message's addresses or content
            throw new CompositionException("message", "could not build the MIME message ("
                    + e.getClass().getSimpleName() + ")", ReasonCode.INTERNAL_ERROR, e);
        }
        HeaderLines.requireShortLines(message);
        if (account.dkim() != null) {
            DkimSigning.sign(message, account.dkim());
        }
        long size = freeze(message);
        return new ComposedMessage(message, messageId, size, envelope, senders.from().getAddress(),
                senders.replyTo() == null ? null : senders.replyTo().getAddress());
    }

    /**
     * The Message-ID mailpipe gives a request: {@code <} + lower-case base32 without padding of the first
     * 15 bytes of SHA-256 over the UTF-8 request id + {@code .mailpipe@} + domain + {@code >}, e.g.
     * {@code <srll36qs5j3jlheuunls6xmr.mailpipe@shop.example>} for request id {@code req-1}.
     *
     * @param requestId the request id
     * @param domain    the domain of the From address used, ASCII form
     */
    public static String messageIdFor(String requestId, String domain) {
        return "<" + verpToken(requestId) + ".mailpipe@" + domain + ">";
    }

    /**
     * The request's token for a VERP return path ({@code bounces+<token>@domain}): the same 24 base32 characters as
     * in its Message-ID, so a bounce delivered to the return path names the request without quoting anything.
     */
    public static String verpToken(String requestId) {
        byte[] hash = sha256(requestId.getBytes(StandardCharsets.UTF_8));
        return base32Lower(hash, MESSAGE_ID_HASH_BYTES);
    }

    /** Releases the template sources (the templates topic's consumer); a composer without templates has none. */
    @Override
    public void close() {
        if (templates != null) {
            templates.close();
        }
    }

    // --- templates, unsubscribe links, international addresses

    /** The spec with its template rendered into subject, text and html; the spec itself when it names none. */
    private MessageSpec rendered(MessageSpec spec) throws CompositionException {
        if (spec.template() == null) {
            return spec;
        }
        if (templates == null) {
            throw new CompositionException("template", "this worker has no templates folder (compose.templatesDir);"
                    + " send subject and text/html instead, or configure the folder", ReasonCode.UNKNOWN_TEMPLATE);
        }
        TemplateRenderer.Rendered r = templates.render(spec.template());
        return new MessageSpec(spec.requestId(), spec.from(), spec.replyTo(), spec.to(), spec.cc(), spec.bcc(),
                r.subject(), r.text(), r.html(), spec.headers(), spec.attachments(), spec.campaign(), null,
                spec.listUnsubscribe(), spec.part());
    }

    /**
     * The request's own unsubscribe link, else its campaign's, else none; none either when the request sets a
     * List-Unsubscribe header itself in {@code headers}.
     */
    private ListUnsubscribe unsubscribe(MessageSpec spec) throws CompositionException {
        ListUnsubscribe own = spec.listUnsubscribe();
        boolean customHeader = spec.headers().keySet().stream().anyMatch(HEADER_LIST_UNSUBSCRIBE::equalsIgnoreCase);
        if (customHeader) {
            if (own != null) {
                throw new CompositionException("listUnsubscribe", "cannot be given together with a List-Unsubscribe"
                        + " header in headers; use one of them", ReasonCode.INVALID_FIELD);
            }
            return null; // the request's own header is sent as it is
        }
        if (own != null) {
            return ListUnsubscribe.of(own.url(), own.mailto(), "listUnsubscribe");
        }
        return spec.campaign() == null ? null : unsubscribeByCampaign.get(spec.campaign());
    }

    /**
     * Whether an address has a non-ASCII local part (RFC 6531): the message is then written with UTF-8 headers
     * and needs a server that offers SMTPUTF8. Non-ASCII domains alone do not: they are sent as punycode.
     */
    private static boolean needsSmtpUtf8(Senders senders, List<InternetAddress> to, List<InternetAddress> cc,
                                         List<InternetAddress> bcc) {
        List<InternetAddress> all = new ArrayList<>(to);
        all.addAll(cc);
        all.addAll(bcc);
        all.add(senders.from());
        if (senders.replyTo() != null) {
            all.add(senders.replyTo());
        }
        for (InternetAddress a : all) {
            String bare = a.getAddress();
            if (!isAscii(bare.substring(0, bare.lastIndexOf('@')))) {
                return true;
            }
        }
        return false;
    }

    /** A session like {@code base} that writes UTF-8 headers ({@code mail.mime.allowutf8}). */
    private Session utf8Session(Session base) {
        Session s = utf8Session;
        if (s == null) {
            java.util.Properties props = new java.util.Properties();
            props.putAll(base.getProperties());
            props.setProperty("mail.mime.allowutf8", "true");
            s = Session.getInstance(props);
            utf8Session = s;
        }
        return s;
    }

    // --- sender policy

    private record Senders(InternetAddress from, InternetAddress replyTo) {
    }

    private static Senders senders(MessageSpec spec, Account account) throws CompositionException {
        InternetAddress accountFrom = address(account.from(), "account.from");
        InternetAddress requested = isBlank(spec.from()) ? null : address(spec.from(), "from");
        InternetAddress explicitReplyTo = isBlank(spec.replyTo()) ? null : address(spec.replyTo(), "replyTo");

        if (account.allowSenderOverride() && requested != null) {
            return new Senders(requested, explicitReplyTo);
        }
        InternetAddress from = accountFrom;
        if (accountFrom.getPersonal() == null && requested != null && requested.getPersonal() != null) {
            from = withPersonal(accountFrom.getAddress(), requested.getPersonal(), "from");
        }
        InternetAddress replyTo = explicitReplyTo;
        if (replyTo == null && requested != null && !sameAddress(requested, accountFrom)) {
            replyTo = requested;
        }
        return new Senders(from, replyTo);
    }

    private static boolean sameAddress(InternetAddress a, InternetAddress b) {
        return a.getAddress().equalsIgnoreCase(b.getAddress());
    }

    // --- addresses

    private static List<InternetAddress> addresses(List<String> values, String field) throws CompositionException {
        List<InternetAddress> result = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            result.add(address(values.get(i), field + "[" + i + "]"));
        }
        return result;
    }

    /**
     * Parses one mailbox and rebuilds it so that a display name is written as a UTF-8 encoded word
     * (a parsed InternetAddress would write a raw non-ASCII name into the header).
     */
    private static InternetAddress address(String value, String field) throws CompositionException {
        if (isBlank(value)) {
            throw new CompositionException(field, "empty address", ReasonCode.INVALID_ADDRESS);
        }
        InternetAddress parsed;
        try {
            parsed = new InternetAddress(value.strip(), true);
        } catch (AddressException e) {
            // no cause: AddressException's message repeats the address
            throw new CompositionException(field, "not a valid RFC 5322 mailbox (parse error at position "
                    + e.getPos() + ")", ReasonCode.INVALID_ADDRESS);
        }
        String bare = parsed.getAddress();
        int at = bare.lastIndexOf('@');
        if (at <= 0 || at == bare.length() - 1) {
            throw new CompositionException(field, "address has no local part or no domain", ReasonCode.INVALID_ADDRESS);
        }
        bare = bare.substring(0, at + 1) + asciiDomainOf(bare.substring(at + 1), field);
        String personal = parsed.getPersonal();
        if (personal != null && HeaderRules.indexOfLineBreakOrControl(personal) >= 0) {
            // getPersonal() decodes RFC 2047 words; Angus writes a decoded name that is "ASCII" (CR and LF count
            // as ASCII) back unencoded, so =?UTF-8?Q?=0D=0A...?= would become a raw line break in the header
            throw new CompositionException(field, "display name decodes to a line break or control character",
                    ReasonCode.HEADER_INJECTION);
        }
        return isBlank(personal) ? plain(bare, field) : withPersonal(bare, personal, field);
    }

    /** A domain in its ASCII (IDNA / punycode) form; an IP literal stays as it is. */
    private static String asciiDomainOf(String domain, String field) throws CompositionException {
        if (isAscii(domain) || domain.startsWith("[")) {
            return domain;
        }
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new CompositionException(field, "domain is not a valid internationalised domain name (IDNA)",
                    ReasonCode.INVALID_ADDRESS);
        }
    }

    private static InternetAddress plain(String bare, String field) throws CompositionException {
        try {
            return new InternetAddress(bare, true);
        } catch (AddressException e) {
            throw new CompositionException(field, "not a valid address (parse error at position " + e.getPos() + ")",
                    ReasonCode.INVALID_ADDRESS);
        }
    }

    private static InternetAddress withPersonal(String bare, String personal, String field) throws CompositionException {
        try {
            return new InternetAddress(bare, personal, UTF_8);
        } catch (UnsupportedEncodingException e) {
            throw new CompositionException(field, "display name cannot be encoded", ReasonCode.INTERNAL_ERROR, e);
        }
    }

    private static List<String> envelope(List<InternetAddress> to, List<InternetAddress> cc, List<InternetAddress> bcc) {
        Map<String, String> byLowerCase = new LinkedHashMap<>();
        for (List<InternetAddress> list : List.of(to, cc, bcc)) {
            for (InternetAddress a : list) {
                byLowerCase.putIfAbsent(a.getAddress().toLowerCase(Locale.ROOT), a.getAddress());
            }
        }
        return List.copyOf(byLowerCase.values());
    }

    private static void setRecipients(MailpipeMimeMessage message, Message.RecipientType type,
                                      List<InternetAddress> addresses) throws MessagingException {
        if (!addresses.isEmpty()) {
            message.setRecipients(type, addresses.toArray(new InternetAddress[0]));
        }
    }

    /** The From domain in ASCII (IDNA) form, for the Message-ID. */
    private static String asciiDomain(String bareFrom) throws CompositionException {
        String domain = bareFrom.substring(bareFrom.lastIndexOf('@') + 1);
        if (domain.startsWith("[")) {
            throw new CompositionException("from", "address has an IP literal instead of a domain",
                    ReasonCode.INVALID_ADDRESS);
        }
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new CompositionException("from", "domain is not a valid IDNA name", ReasonCode.INVALID_ADDRESS);
        }
    }

    // --- headers

    private static void addCustomHeaders(MailpipeMimeMessage message, Map<String, String> headers)
            throws CompositionException, MessagingException {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            if (name == null || !HeaderRules.FIELD_NAME.matcher(name).matches()) {
                throw new CompositionException("headers", "a header name is not a valid field name",
                        ReasonCode.FORBIDDEN_HEADER);
            }
            if (HeaderRules.isReserved(name)) {
                throw new CompositionException("headers." + name, "is set by mailpipe itself",
                        ReasonCode.FORBIDDEN_HEADER);
            }
            message.addHeader(name, headerValue(name, header.getValue() == null ? "" : header.getValue()));
        }
    }

    /** An unstructured header value: RFC 2047 UTF-8 encoded words if non-ASCII, folded at white space. */
    private static String headerValue(String name, String value) throws CompositionException {
        requireOneLine(value, fieldOf(name));
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, UTF_8, null));
        } catch (UnsupportedEncodingException e) {
            throw new CompositionException("headers." + name, "value cannot be encoded", ReasonCode.INTERNAL_ERROR, e);
        }
    }

    /**
     * INVALID_FIELD when a header value is longer than {@link HeaderRules#MAX_HEADER_VALUE_LENGTH}; HEADER_INJECTION
     * when it holds a line break or control character, raw or hidden in an RFC 2047 encoded word. The request reader
     * refuses these already; this guards values that did not come through it (rendered templates, specs built in
     * code).
     */
    private static void requireOneLine(String value, String field) throws CompositionException {
        if (value.length() > HeaderRules.MAX_HEADER_VALUE_LENGTH) {
            throw new CompositionException(field, "has " + value.length() + " characters, more than the "
                    + HeaderRules.MAX_HEADER_VALUE_LENGTH + " a header value may have", ReasonCode.INVALID_FIELD);
        }
        if (HeaderRules.indexOfLineBreakOrControl(value) >= 0 || HeaderRules.indexOfHiddenLineBreakOrControl(value) >= 0) {
            throw new CompositionException(field, "contains a line break or control character (raw or in an encoded"
                    + " word); a header value must be one line", ReasonCode.HEADER_INJECTION);
        }
    }

    /** The spec field a header comes from, for error messages. */
    static String fieldOf(String headerName) {
        if (headerName.equalsIgnoreCase(HEADER_REQUEST_ID)) {
            return "requestId";
        }
        if (headerName.equalsIgnoreCase(HEADER_CAMPAIGN)) {
            return "campaign";
        }
        return "headers." + headerName;
    }

    // --- body

    /**
     * The body: text/plain, text/html or multipart/alternative (text first); an HTML body with inline images
     * ({@code contentId}) becomes multipart/related (HTML first, then the images, RFC 2387); with attachments,
     * multipart/mixed with that body first.
     */
    private static void setBody(MailpipeMimeMessage message, MessageSpec spec)
            throws MessagingException, CompositionException {
        List<AttachmentSpec> all = spec.attachments();
        List<MimeBodyPart> inline = new ArrayList<>();
        List<MimeBodyPart> attached = new ArrayList<>();
        java.util.Set<String> contentIds = new java.util.HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            AttachmentSpec a = all.get(i);
            String field = "attachments[" + i + "]";
            if (a.inline()) {
                if (spec.html() == null) {
                    throw new CompositionException(field + ".contentId", "inline images need an html body that"
                            + " refers to them as cid:" + "<contentId>; drop contentId to attach the file instead",
                            ReasonCode.INVALID_ATTACHMENT);
                }
                if (!CONTENT_ID.matcher(a.contentId()).matches()) {
                    throw new CompositionException(field + ".contentId", "must be 1 to 200 printable ASCII characters"
                            + " without spaces, angle brackets or quotes, like logo@shop", ReasonCode.INVALID_ATTACHMENT);
                }
                if (!contentIds.add(a.contentId().toLowerCase(Locale.ROOT))) {
                    throw new CompositionException(field + ".contentId", "is used by another inline part",
                            ReasonCode.INVALID_ATTACHMENT);
                }
                inline.add(attachment(a, field));
            } else {
                attached.add(attachment(a, field));
            }
        }
        if (attached.isEmpty()) {
            fillBody(message, spec, inline);
            return;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart body = new MimeBodyPart();
        fillBody(body, spec, inline);
        mixed.addBodyPart(body);
        for (MimeBodyPart part : attached) {
            mixed.addBodyPart(part);
        }
        message.setContent(mixed);
    }

    private static void fillBody(jakarta.mail.internet.MimePart target, MessageSpec spec, List<MimeBodyPart> inline)
            throws MessagingException {
        if (spec.text() != null && spec.html() != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(spec.text(), UTF_8, "plain");
            alternative.addBodyPart(plain);
            MimeBodyPart rich = new MimeBodyPart();
            fillHtml(rich, spec.html(), inline);
            alternative.addBodyPart(rich);
            target.setContent(alternative);
            setContentTypeHeader(target, alternative);
        } else if (spec.text() != null) {
            target.setText(spec.text(), UTF_8, "plain");
        } else {
            fillHtml(target, spec.html(), inline);
        }
    }

    private static void fillHtml(jakarta.mail.internet.MimePart target, String html, List<MimeBodyPart> inline)
            throws MessagingException {
        if (inline.isEmpty()) {
            target.setText(html, UTF_8, "html");
            return;
        }
        MimeMultipart related = new MimeMultipart("related");
        MimeBodyPart page = new MimeBodyPart();
        page.setText(html, UTF_8, "html");
        related.addBodyPart(page);
        for (MimeBodyPart part : inline) {
            related.addBodyPart(part);
        }
        target.setContent(related);
        setContentTypeHeader(target, related);
    }

    /** multipart/related names its root's type (RFC 2387); other multiparts need nothing more. */
    private static void setContentTypeHeader(jakarta.mail.internet.MimePart target, MimeMultipart multipart)
            throws MessagingException {
        if (multipart.getContentType().toLowerCase(Locale.ROOT).startsWith("multipart/related")) {
            ContentType type = new ContentType(multipart.getContentType());
            type.setParameter("type", "text/html");
            target.setHeader("Content-Type", type.toString());
        }
    }

    /**
     * An attachment part. Content-Type and Content-Disposition are written here rather than by
     * {@code setFileName}, which encodes a non-ASCII name as RFC 2231 in both headers with the JVM's default
     * charset (Java 17 under a POSIX locale: US-ASCII, so the name becomes "????"), or as RFC 2047 only with
     * the JVM-wide system property {@code mail.mime.encodefilename}. Here: {@code filename*=UTF-8''...}
     * (RFC 2231) in Content-Disposition, {@code name="=?UTF-8?B?...?="} (RFC 2047, what older clients read)
     * in Content-Type. Angus picks the transfer encoding from the bytes (base64 for binary).
     */
    private static MimeBodyPart attachment(AttachmentSpec attachment, String field)
            throws MessagingException, CompositionException {
        if (isBlank(attachment.filename())) {
            throw new CompositionException(field + ".filename", "missing", ReasonCode.INVALID_ATTACHMENT);
        }
        if (attachment.content() == null) {
            throw new CompositionException(field + ".content", "missing", ReasonCode.INVALID_ATTACHMENT);
        }
        String type = isBlank(attachment.contentType()) ? DEFAULT_ATTACHMENT_TYPE : attachment.contentType().strip();
        ContentType contentType;
        try {
            contentType = new ContentType(type);
        } catch (ParseException e) {
            throw new CompositionException(field + ".contentType", "not a valid MIME type",
                    ReasonCode.INVALID_ATTACHMENT);
        }
        if (contentType.match("multipart/*") || contentType.match("message/*")) {
            throw new CompositionException(field + ".contentType", "multipart and message types cannot be attached"
                    + " as bytes; use application/octet-stream", ReasonCode.INVALID_ATTACHMENT);
        }
        String filename = attachment.filename().strip();
        String disposition = attachment.inline() ? MimeBodyPart.INLINE : MimeBodyPart.ATTACHMENT;
        ParameterList typeParameters = contentType.getParameterList();
        if (typeParameters == null) {
            typeParameters = new ParameterList();
            contentType.setParameterList(typeParameters);
        }
        typeParameters.remove("name");
        String typeHeader;
        String dispositionHeader;
        if (isAscii(filename)) {
            typeParameters.set("name", filename);
            typeHeader = contentType.toString();
            ParameterList dispositionParameters = new ParameterList();
            dispositionParameters.set("filename", filename);
            dispositionHeader = new ContentDisposition(disposition, dispositionParameters).toString();
        } else {
            // written by hand: ParameterList neither splits RFC 2231 values (a long name would pass the 998
            // character line limit) nor leaves RFC 2047 words alone (it cuts them into name*0, name*1 segments)
            typeHeader = contentType.toString() + ";\r\n\tname=\"" + encodedWords(filename, field) + "\"";
            dispositionHeader = disposition + rfc2231Parameter("filename", filename);
        }

        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.content(), contentType.getBaseType())));
        part.setHeader("Content-Type", typeHeader);
        part.setHeader("Content-Disposition", dispositionHeader);
        if (attachment.inline()) {
            part.setHeader("Content-ID", "<" + attachment.contentId() + ">");
        }
        return part;
    }

    // --- size and identity helpers

    /**
     * Renders the message once into its bytes as they go into DATA (CRLF line ends, without Bcc) and freezes it: what
     * is measured, signed and sent are these bytes (both SMTP clients write them as they are).
     */
    private static long freeze(MailpipeMimeMessage message) throws CompositionException {
        WireBuffer out = new WireBuffer(8192);
        try {
            message.writeTo(out, NOT_IN_DATA);
        } catch (IOException | MessagingException e) {
            throw new CompositionException("message", "could not be written (" + e.getClass().getSimpleName() + ")",
                    ReasonCode.INTERNAL_ERROR, e);
        }
        byte[] wire = out.toByteArray();
        message.freeze(wire, NOT_IN_DATA);
        return wire.length;
    }

    /** One digest per thread: looking the algorithm up for every message showed in profiles. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    });

    private static byte[] sha256(byte[] input) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(input);
    }

    /** RFC 4648 base32, lower case, no padding, over the first {@code length} bytes. */
    static String base32Lower(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder((length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            buffer = (buffer << 8) | (bytes[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32_LOWER[(buffer >>> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32_LOWER[(buffer << (5 - bits)) & 0x1f]);
        }
        return out.toString();
    }

    /** RFC 2047 B-encoded words for a non-ASCII file name, one per line (folding is allowed in a quoted string). */
    private static String encodedWords(String filename, String field) throws CompositionException {
        try {
            return MimeUtility.encodeText(filename, UTF_8, "B").replaceAll("\\s+", "\r\n\t");
        } catch (UnsupportedEncodingException e) {
            throw new CompositionException(field + ".filename", "cannot be encoded", ReasonCode.INTERNAL_ERROR, e);
        }
    }

    /**
     * {@code ;name*=UTF-8''...} (RFC 2231 percent-encoded UTF-8), split into numbered segments
     * ({@code name*0*=UTF-8''...; name*1*=...}) of at most {@value #RFC2231_SEGMENT} characters, one per line.
     */
    static String rfc2231Parameter(String name, String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        List<String> segments = new ArrayList<>();
        int start = 0;
        while (start < encoded.length()) {
            int end = Math.min(start + RFC2231_SEGMENT, encoded.length());
            if (end < encoded.length() && encoded.charAt(end - 1) == '%') {
                end -= 1; // never cut a %XX triplet
            } else if (end < encoded.length() && end >= 2 && encoded.charAt(end - 2) == '%') {
                end -= 2;
            }
            segments.add(encoded.substring(start, end));
            start = end;
        }
        StringBuilder out = new StringBuilder();
        if (segments.size() == 1) {
            return out.append(";\r\n\t").append(name).append("*=UTF-8''").append(segments.get(0)).toString();
        }
        for (int i = 0; i < segments.size(); i++) {
            out.append(";\r\n\t").append(name).append('*').append(i).append("*=")
                    .append(i == 0 ? "UTF-8''" : "").append(segments.get(i));
        }
        return out.toString();
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x7f || c < 0x20) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
