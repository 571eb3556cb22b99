package io.mailpipe.compose;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageComposerTest {

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final String SHOP = "Магазин <shop@example.ru>";

    private final Session session = Session.getInstance(new Properties());
    private final MessageComposer composer = new MessageComposer(Clock.fixed(NOW, ZoneOffset.UTC));

    // --- sender policy

    @Test
    void overrideAllowedUsesRequestedFromWithoutReplyTo() throws Exception {
        ComposedMessage composed = composer.compose(spec().from(SHOP).build(), account("noreply@mailer.example", true), session);
        MimeMessage parsed = reparse(composed);

        InternetAddress from = (InternetAddress) parsed.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("shop@example.ru");
        assertThat(from.getPersonal()).isEqualTo("Магазин");
        assertThat(parsed.getHeader("Reply-To")).isNull();
        assertThat(composed.fromAddress()).isEqualTo("shop@example.ru");
        assertThat(composed.replyTo()).isNull();
    }

    @Test
    void overrideAllowedKeepsExplicitReplyTo() throws Exception {
        ComposedMessage composed = composer.compose(spec().from(SHOP).replyTo("help@example.ru").build(),
                account("noreply@mailer.example", true), session);

        assertThat(addresses(reparse(composed).getReplyTo())).containsExactly("help@example.ru");
    }

    @Test
    void overrideNotAllowedSendsFromAccountAndRepliesToRequestedSender() throws Exception {
        ComposedMessage composed = composer.compose(spec().from(SHOP).build(),
                account("Mailer <noreply@mailer.example>", false), session);
        MimeMessage parsed = reparse(composed);

        InternetAddress from = (InternetAddress) parsed.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("noreply@mailer.example");
        assertThat(from.getPersonal()).isEqualTo("Mailer");
        InternetAddress replyTo = (InternetAddress) parsed.getReplyTo()[0];
        assertThat(replyTo.getAddress()).isEqualTo("shop@example.ru");
        assertThat(replyTo.getPersonal()).isEqualTo("Магазин");
        assertThat(composed.fromAddress()).isEqualTo("noreply@mailer.example");
        assertThat(composed.replyTo()).isEqualTo("shop@example.ru");
        assertThat(composed.messageId()).endsWith(".mailpipe@mailer.example>");
    }

    @Test
    void overrideNotAllowedKeepsRequestedDisplayNameWhenAccountHasNone() throws Exception {
        ComposedMessage composed = composer.compose(spec().from(SHOP).build(),
                account("noreply@mailer.example", false), session);

        InternetAddress from = (InternetAddress) reparse(composed).getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("noreply@mailer.example");
        assertThat(from.getPersonal()).isEqualTo("Магазин");
    }

    @Test
    void overrideNotAllowedWithExplicitReplyToKeepsIt() throws Exception {
        ComposedMessage composed = composer.compose(spec().from(SHOP).replyTo("Поддержка <help@example.ru>").build(),
                account("noreply@mailer.example", false), session);

        InternetAddress replyTo = (InternetAddress) reparse(composed).getReplyTo()[0];
        assertThat(replyTo.getAddress()).isEqualTo("help@example.ru");
        assertThat(replyTo.getPersonal()).isEqualTo("Поддержка");
    }

    @Test
    void requestedFromEqualToAccountAddressAddsNoReplyTo() throws Exception {
        ComposedMessage composed = composer.compose(spec().from("Shop <NoReply@Mailer.example>").build(),
                account("noreply@mailer.example", false), session);

        MimeMessage parsed = reparse(composed);
        assertThat(((InternetAddress) parsed.getFrom()[0]).getPersonal()).isEqualTo("Shop");
        assertThat(parsed.getHeader("Reply-To")).isNull();
    }

    @Test
    void noRequestedFromUsesAccountAddress() throws Exception {
        ComposedMessage composed = composer.compose(spec().build(), account("Mailer <noreply@mailer.example>", false), session);

        assertThat(reparse(composed).getHeader("From")[0]).isEqualTo("Mailer <noreply@mailer.example>");
        assertThat(composed.replyTo()).isNull();
    }

    // --- recipients and encoding

    @Test
    void recipientsGoToHeadersAndEnvelopeWithoutBccInData() throws Exception {
        ComposedMessage composed = composer.compose(spec()
                        .to("Иван <ivan@example.ru>", "b@example.com")
                        .cc("c@example.com", "B@example.com")
                        .bcc("hidden@example.com")
                        .build(),
                account("noreply@mailer.example", false), session);
        MimeMessage parsed = reparse(composed);

        assertThat(addresses(parsed.getRecipients(Message.RecipientType.TO))).containsExactly("ivan@example.ru", "b@example.com");
        assertThat(addresses(parsed.getRecipients(Message.RecipientType.CC))).containsExactly("c@example.com", "B@example.com");
        assertThat(addresses(parsed.getRecipients(Message.RecipientType.BCC))).containsExactly("hidden@example.com");
        assertThat(((InternetAddress) parsed.getRecipients(Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Иван");
        assertThat(composed.envelopeRecipients())
                .containsExactly("ivan@example.ru", "b@example.com", "c@example.com", "hidden@example.com");
        assertThat(new String(dataBytes(composed), StandardCharsets.US_ASCII)).doesNotContain("hidden@example.com");
    }

    @Test
    void nonAsciiSubjectAndDisplayNamesRoundTripAsEncodedWords() throws Exception {
        String subject = "Ваш заказ №42 готов — спасибо! 🎉 " + "очень длинная тема ".repeat(5);
        ComposedMessage composed = composer.compose(spec().from(SHOP).subject(subject).to("Пётр Иванов <petr@example.ru>").build(),
                account("noreply@mailer.example", true), session);
        byte[] written = written(composed);
        MimeMessage parsed = parse(written);

        assertThat(parsed.getSubject()).isEqualTo(subject);
        assertThat(((InternetAddress) parsed.getFrom()[0]).getPersonal()).isEqualTo("Магазин");
        assertThat(((InternetAddress) parsed.getRecipients(Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Пётр Иванов");
        assertThat(parsed.getHeader("Subject")[0]).contains("=?UTF-8?");
        assertSevenBit(written);
        assertLinesAtMost998(written);
    }

    // --- body structure

    @Test
    void textOnlyIsTextPlainUtf8() throws Exception {
        ComposedMessage composed = composer.compose(spec().text("Привет, мир").html(null).build(),
                account("noreply@mailer.example", false), session);
        MimeMessage parsed = reparse(composed);

        assertThat(parsed.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(parsed.getContent()).isEqualTo("Привет, мир");
        assertSevenBit(written(composed));
    }

    @Test
    void htmlOnlyIsTextHtmlUtf8() throws Exception {
        ComposedMessage composed = composer.compose(spec().text(null).html("<p>Привет</p>").build(),
                account("noreply@mailer.example", false), session);
        MimeMessage parsed = reparse(composed);

        assertThat(parsed.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat(parsed.getContent()).isEqualTo("<p>Привет</p>");
    }

    @Test
    void textAndHtmlAreAlternativeTextFirst() throws Exception {
        ComposedMessage composed = composer.compose(spec().text("plain").html("<b>rich</b>").build(),
                account("noreply@mailer.example", false), session);
        MimeMessage parsed = reparse(composed);

        assertThat(parsed.isMimeType("multipart/alternative")).isTrue();
        Multipart alternative = (Multipart) parsed.getContent();
        assertThat(alternative.getCount()).isEqualTo(2);
        assertThat(alternative.getBodyPart(0).getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("plain");
        assertThat(alternative.getBodyPart(1).getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat(alternative.getBodyPart(1).getContent()).isEqualTo("<b>rich</b>");
    }

    @Test
    void attachmentsAreMixedWithBodyFirstAndNonAsciiFilenameRoundTrips() throws Exception {
        byte[] pdf = new byte[3000];
        for (int i = 0; i < pdf.length; i++) {
            pdf[i] = (byte) (i * 31);
        }
        String longName = "Счёт-фактура №42 от 4 марта 2025 года для ООО «Ромашка» (оригинал).pdf";
        ComposedMessage composed = composer.compose(spec().text("см. вложение").html("<p>см. вложение</p>")
                        .attachments(new AttachmentSpec(longName, "application/pdf", pdf),
                                new AttachmentSpec("notes.txt", null, "plain notes".getBytes(StandardCharsets.US_ASCII)))
                        .build(),
                account("noreply@mailer.example", false), session);
        byte[] written = written(composed);
        MimeMessage parsed = parse(written);

        assertThat(parsed.isMimeType("multipart/mixed")).isTrue();
        MimeMultipart mixed = (MimeMultipart) parsed.getContent();
        assertThat(mixed.getCount()).isEqualTo(3);
        assertThat(mixed.getBodyPart(0).isMimeType("multipart/alternative")).isTrue();

        MimeBodyPart invoice = (MimeBodyPart) mixed.getBodyPart(1);
        assertThat(invoice.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(invoice.isMimeType("application/pdf")).isTrue();
        assertThat(invoice.getFileName()).isEqualTo(longName); // RFC 2231 filename*, decoded by Angus
        assertThat(invoice.getEncoding()).isEqualTo("base64");
        assertThat(invoice.getInputStream().readAllBytes()).isEqualTo(pdf);
        String nameInContentType = new jakarta.mail.internet.ContentType(invoice.getContentType()).getParameter("name");
        assertThat(MimeUtility.decodeText(nameInContentType)).isEqualTo(longName); // RFC 2047 for old clients

        MimeBodyPart notes = (MimeBodyPart) mixed.getBodyPart(2);
        assertThat(notes.isMimeType("application/octet-stream")).isTrue();
        assertThat(notes.getFileName()).isEqualTo("notes.txt");
        assertThat(notes.getInputStream().readAllBytes()).isEqualTo("plain notes".getBytes(StandardCharsets.US_ASCII));
        assertSevenBit(written);
        assertLinesAtMost998(written);
    }

    @Test
    void veryLongNonAsciiFilenameIsSplitIntoShortLines() throws Exception {
        String name = "Документ ".repeat(25) + "ёжик.docx"; // 234 characters, 450 bytes of UTF-8
        ComposedMessage composed = composer.compose(spec()
                        .attachments(new AttachmentSpec(name, "application/octet-stream", new byte[] {1, 2, 3}),
                                new AttachmentSpec("my \"report\"; final.txt", "text/plain", new byte[] {'x'}))
                        .build(),
                account("noreply@mailer.example", false), session);
        byte[] written = written(composed);
        MimeMultipart mixed = (MimeMultipart) parse(written).getContent();

        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(name);
        assertThat(MimeUtility.decodeText(new jakarta.mail.internet.ContentType(mixed.getBodyPart(1).getContentType())
                .getParameter("name"))).isEqualTo(name);
        assertThat(mixed.getBodyPart(2).getFileName()).isEqualTo("my \"report\"; final.txt");
        for (String line : new String(written, StandardCharsets.US_ASCII).split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
    }

    @Test
    void attachmentWithTextOnlyBody() throws Exception {
        ComposedMessage composed = composer.compose(spec().text("see attached").html(null)
                        .attachments(new AttachmentSpec("a.csv", "text/csv", "a;b\n1;2\n".getBytes(StandardCharsets.UTF_8)))
                        .build(),
                account("noreply@mailer.example", false), session);
        MimeMultipart mixed = (MimeMultipart) reparse(composed).getContent();

        assertThat(mixed.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(mixed.getBodyPart(0).getContent()).isEqualTo("see attached");
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("a.csv");
    }

    // --- identity headers

    @Test
    void messageIdIsDerivedFromRequestIdAndFromDomain() throws Exception {
        ComposedMessage composed = composer.compose(spec().requestId("req-1").build(),
                account("noreply@Mailer.Example", false), session);

        // python: base64.b32encode(hashlib.sha256(b"req-1").digest()[:15]).decode().lower()
        assertThat(composed.messageId()).isEqualTo("<srll36qs5j3jlheuunls6xmr.mailpipe@mailer.example>");
        assertThat(reparse(composed).getMessageID()).isEqualTo(composed.messageId());
        assertThat(MessageComposer.messageIdFor("Заказ-42", "shop.example"))
                .isEqualTo("<bw5crcdvzxydraj5jc7bfshq.mailpipe@shop.example>");
    }

    @Test
    void messageIdIsStablePerRequestAndDiffersBetweenRequests() throws Exception {
        Account account = account("noreply@mailer.example", false);
        ComposedMessage first = composer.compose(spec().requestId("req-1").build(), account, session);
        ComposedMessage retry = composer.compose(spec().requestId("req-1").subject("changed").build(), account, session);
        ComposedMessage other = composer.compose(spec().requestId("req-2").build(), account, session);

        assertThat(retry.messageId()).isEqualTo(first.messageId());
        assertThat(other.messageId()).isNotEqualTo(first.messageId())
                .isEqualTo("<u2l7rom2i3eemw42odt26rhe.mailpipe@mailer.example>");
    }

    @Test
    void aVerpReturnPathCarriesTheRequestTokenAsEnvelopeSender() throws Exception {
        Account verp = account("noreply@mailer.example", false).withReturnPath("bounces+{token}@mailer.example");

        ComposedMessage composed = composer.compose(spec().requestId("req-1").build(), verp, session);
        ComposedMessage plain = composer.compose(spec().requestId("req-1").build(), account("noreply@mailer.example", false),
                session);

        assertThat(MessageComposer.verpToken("req-1")).isEqualTo("srll36qs5j3jlheuunls6xmr");
        assertThat(composed.message().getEnvelopeFrom()).isEqualTo("bounces+srll36qs5j3jlheuunls6xmr@mailer.example");
        assertThat(plain.message().getEnvelopeFrom()).as("no returnPath: the From address").isNull();
        assertThat(reparse(composed).getHeader("Return-Path")).as("the server adds Return-Path, not mailpipe").isNull();
    }

    @Test
    void messageIdSurvivesSaveChanges() throws Exception {
        ComposedMessage composed = composer.compose(spec().build(), account("noreply@mailer.example", false), session);

        composed.message().setSubject("edited");
        composed.message().saveChanges();
        composed.message().saveChanges();

        assertThat(composed.message().getMessageID()).isEqualTo(composed.messageId());
        assertThat(reparse(composed).getMessageID()).isEqualTo(composed.messageId());
    }

    @Test
    void nonAsciiFromDomainGivesAsciiMessageId() throws Exception {
        // python: "магазин.рф".encode("idna")
        ComposedMessage composed = composer.compose(spec().build(), account("noreply@магазин.рф", false), session);

        assertThat(composed.messageId()).endsWith(".mailpipe@xn--80aairftm.xn--p1ai>");
    }

    @Test
    void mailpipeHeadersAndDate() throws Exception {
        ComposedMessage withCampaign = composer.compose(spec().requestId("req-7").campaign("spring-sale").build(),
                account("noreply@mailer.example", false), session);
        ComposedMessage withoutCampaign = composer.compose(spec().requestId("req-8").build(),
                account("noreply@mailer.example", false), session);

        MimeMessage parsed = reparse(withCampaign);
        assertThat(parsed.getHeader(MessageComposer.HEADER_REQUEST_ID)).containsExactly("req-7");
        assertThat(parsed.getHeader(MessageComposer.HEADER_CAMPAIGN)).containsExactly("spring-sale");
        assertThat(parsed.getSentDate().toInstant()).isEqualTo(NOW);
        assertThat(parsed.getHeader("MIME-Version")).containsExactly("1.0");
        assertThat(reparse(withoutCampaign).getHeader(MessageComposer.HEADER_CAMPAIGN)).isNull();
    }

    @Test
    void customHeadersKeepOrderAndNonAsciiValuesAreEncoded() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Order-Ref", "42");
        headers.put("List-Unsubscribe", "<mailto:unsub@example.com>");
        headers.put("X-Note", "Привет");
        headers.put("X-Another", "z");
        ComposedMessage composed = composer.compose(spec().headers(headers).build(),
                account("noreply@mailer.example", false), session);
        byte[] written = written(composed);
        MimeMessage parsed = parse(written);

        List<String> names = new ArrayList<>();
        for (Enumeration<jakarta.mail.Header> all = parsed.getAllHeaders(); all.hasMoreElements(); ) {
            String name = all.nextElement().getName();
            if (headers.containsKey(name)) {
                names.add(name);
            }
        }
        assertThat(names).containsExactly("X-Order-Ref", "List-Unsubscribe", "X-Note", "X-Another");
        assertThat(parsed.getHeader("List-Unsubscribe")).containsExactly("<mailto:unsub@example.com>");
        assertThat(MimeUtility.decodeText(parsed.getHeader("X-Note")[0])).isEqualTo("Привет");
        assertSevenBit(written);
    }

    // --- size

    @Test
    void sizeEqualsWrittenByteCount() throws Exception {
        ComposedMessage composed = composer.compose(spec().text("Привет").html("<p>Привет</p>")
                        .attachments(new AttachmentSpec("файл.bin", "application/octet-stream", new byte[5000]))
                        .build(),
                account("noreply@mailer.example", false), session);

        assertThat(composed.sizeBytes()).isEqualTo(written(composed).length).isGreaterThan(5000);
    }

    @Test
    void sizeLeavesOutBccLikeSmtpData() throws Exception {
        ComposedMessage composed = composer.compose(spec().bcc("hidden@example.com").build(),
                account("noreply@mailer.example", false), session);

        assertThat(composed.sizeBytes()).isEqualTo(dataBytes(composed).length);
        assertThat(written(composed).length).isGreaterThan((int) composed.sizeBytes());
    }

    // --- errors

    @Test
    void invalidAddressNamesFieldButNotAddress() {
        assertThatThrownBy(() -> composer.compose(spec().to("ok@example.com", "broken@@example.com").build(),
                account("noreply@mailer.example", false), session))
                .isInstanceOfSatisfying(CompositionException.class, e -> {
                    assertThat(e.field()).isEqualTo("to[1]");
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ADDRESS);
                    assertThat(e.getMessage()).startsWith("to[1]: ").doesNotContain("broken").doesNotContain("example.com");
                });
    }

    @Test
    void accountAddressWithoutDomainIsRefused() {
        assertThatThrownBy(() -> composer.compose(spec().build(), account("noreply", false), session))
                .isInstanceOfSatisfying(CompositionException.class, e -> {
                    assertThat(e.field()).isEqualTo("account.from");
                    assertThat(e.getMessage()).doesNotContain("noreply");
                });
    }

    @Test
    void reservedCustomHeaderIsRefused() {
        assertThatThrownBy(() -> composer.compose(spec().headers(Map.of("Bcc", "spy@example.com")).build(),
                account("noreply@mailer.example", false), session))
                .isInstanceOfSatisfying(CompositionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.FORBIDDEN_HEADER);
                    assertThat(e.getMessage()).doesNotContain("spy");
                });
    }

    @Test
    void missingBodyRecipientsAndBadAttachmentAreTyped() {
        Account account = account("noreply@mailer.example", false);
        assertThatThrownBy(() -> composer.compose(spec().text(null).html(null).build(), account, session))
                .isInstanceOfSatisfying(CompositionException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.NO_BODY));
        assertThatThrownBy(() -> composer.compose(spec().to().build(), account, session))
                .isInstanceOfSatisfying(CompositionException.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.NO_RECIPIENTS));
        assertThatThrownBy(() -> composer.compose(spec().attachments(new AttachmentSpec("a", "not a type", new byte[1])).build(), account, session))
                .isInstanceOfSatisfying(CompositionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_ATTACHMENT);
                    assertThat(e.field()).isEqualTo("attachments[0].contentType");
                });
    }

    @Test
    void bodyNeverAppearsInExceptionText() {
        assertThatThrownBy(() -> composer.compose(spec().text("secret body").subject("secret subject")
                        .attachments(new AttachmentSpec(" ", "text/plain", new byte[1])).build(),
                account("noreply@mailer.example", false), session))
                .isInstanceOf(CompositionException.class)
                .hasMessageNotContaining("secret");
    }

    // --- sharing

    @Test
    void oneComposerServesManyThreads() {
        Account account = account("noreply@mailer.example", false);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 200).parallel().forEach(i -> {
            try {
                ComposedMessage composed = composer.compose(spec().requestId("req-" + i).build(), account, session);
                assertThat(reparse(composed).getHeader(MessageComposer.HEADER_REQUEST_ID)).containsExactly("req-" + i);
                ids.add(composed.messageId());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(ids).hasSize(200);
    }

    @Test
    void serverReplyIsRecorded() throws Exception {
        ComposedMessage composed = composer.compose(spec().build(), account("noreply@mailer.example", false), session);

        assertThat(composed.message().serverReply()).isNull();
        composed.message().recordServerReply("250 2.0.0 Ok: queued as 4AbC");
        assertThat(composed.message().serverReply()).isEqualTo("250 2.0.0 Ok: queued as 4AbC");
        assertThat(composed.message().messageId()).isEqualTo(composed.messageId());
    }

    // --- helpers

    private static Account account(String from, boolean allowSenderOverride) {
        return new Account("main", "smtp.mailer.example", 587, Security.STARTTLS, "user", "secret", from,
                allowSenderOverride, Limits.NONE, null, null, Duration.ofSeconds(10));
    }

    private static SpecBuilder spec() {
        return new SpecBuilder();
    }

    private static byte[] written(ComposedMessage composed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        composed.message().writeTo(out);
        return out.toByteArray();
    }

    /** The bytes Angus' SMTPTransport writes after DATA (before dot-stuffing). */
    private static byte[] dataBytes(ComposedMessage composed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        composed.message().writeTo(out, new String[] {"Bcc", "Content-Length"});
        return out.toByteArray();
    }

    private MimeMessage reparse(ComposedMessage composed) throws Exception {
        return parse(written(composed));
    }

    private MimeMessage parse(byte[] bytes) throws Exception {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            return new MimeMessage(session, in);
        }
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> result = new ArrayList<>();
        for (Address a : addresses) {
            result.add(((InternetAddress) a).getAddress());
        }
        return result;
    }

    private static void assertSevenBit(byte[] written) {
        for (int i = 0; i < written.length; i++) {
            assertThat(written[i] & 0xff).as("byte %d", i).isLessThan(0x80);
        }
    }

    private static void assertLinesAtMost998(byte[] written) {
        for (String line : new String(written, StandardCharsets.US_ASCII).split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
    }

    /** Test data builder: a valid text message unless told otherwise. */
    private static final class SpecBuilder {
        private String requestId = "req-1";
        private String from;
        private String replyTo;
        private List<String> to = List.of("Customer <customer@example.com>");
        private List<String> cc = List.of();
        private List<String> bcc = List.of();
        private String subject = "Hello";
        private String text = "Hello there";
        private String html;
        private Map<String, String> headers = Map.of();
        private List<AttachmentSpec> attachments = List.of();
        private String campaign;

        SpecBuilder requestId(String value) { requestId = value; return this; }
        SpecBuilder from(String value) { from = value; return this; }
        SpecBuilder replyTo(String value) { replyTo = value; return this; }
        SpecBuilder to(String... values) { to = List.of(values); return this; }
        SpecBuilder cc(String... values) { cc = List.of(values); return this; }
        SpecBuilder bcc(String... values) { bcc = List.of(values); return this; }
        SpecBuilder subject(String value) { subject = value; return this; }
        SpecBuilder text(String value) { text = value; return this; }
        SpecBuilder html(String value) { html = value; return this; }
        SpecBuilder headers(Map<String, String> value) { headers = value; return this; }
        SpecBuilder attachments(AttachmentSpec... values) { attachments = List.of(values); return this; }
        SpecBuilder campaign(String value) { campaign = value; return this; }

        MessageSpec build() {
            return new MessageSpec(requestId, from, replyTo, to, cc, bcc, subject, text, html, headers, attachments, campaign);
        }
    }
}
