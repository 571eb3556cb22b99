package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.server.SMTPServer;

import io.mailpipe.account.Account;
import io.mailpipe.account.Dkim;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.smtp.AccountMailSender;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SmtpFailureClassifier;
import io.mailpipe.testing.ScriptedSmtpServer;

/**
 * Composed messages sent through real SMTP servers and parsed as they arrived: GreenMail (which does not offer
 * SMTPUTF8), SubEthaSMTP through {@link ScriptedSmtpServer} (which always offers SMTPUTF8), and a SubEthaSMTP server
 * that announces an ESMTP SIZE.
 */
class ComposeSmtpTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    static MailSandbox greenMail;
    static ScriptedSmtpServer subetha;
    static KeyPair dkimKeys;
    final Session session = Session.getInstance(new Properties());
    final MessageComposer composer = new MessageComposer(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC),
            null, Map.of("spring", new ListUnsubscribe("https://shop.example/u/spring", "mailto:leave@shop.example")));

    @BeforeAll
    static void start() throws Exception {
        greenMail = MailSandbox.start();
        subetha = new ScriptedSmtpServer();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        dkimKeys = generator.generateKeyPair();
    }

    @AfterAll
    static void stop() {
        greenMail.close();
        subetha.close();
    }

    static Account account(int port) {
        return new Account("t", "127.0.0.1", port, Security.NONE, null, null, "Магазин <shop@shop.example>", false,
                Limits.NONE, null, null, Duration.ofSeconds(10));
    }

    static TestSpec spec(String id) {
        return TestSpec.spec(id);
    }

    private ComposedMessage send(MessageSpec spec, Account account) throws Exception {
        ComposedMessage composed = composer.compose(spec, account, session);
        new AccountMailSender(account).send(composed.message());
        return composed;
    }

    private static MimeMessage arrived(String requestId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> find(requestId) != null);
        return find(requestId);
    }

    private static MimeMessage find(String requestId) {
        return greenMail.received().stream().filter(m -> {
            try {
                return requestId.equals(m.getHeader("X-Mailpipe-Id", null));
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElse(null);
    }

    private static byte[] raw(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    // --- body shapes

    @Test
    void htmlWithInlineImageAndTextAndAttachmentArriveAsMixedAlternativeRelated() throws Exception {
        send(spec("shape-1").subject("Каталог весны — скидки").text("Смотрите каталог")
                .html("<p>Каталог <img src=\"cid:logo@shop\"></p>")
                .attachments(new AttachmentSpec("logo.png", "image/png", PNG, "logo@shop"),
                        new AttachmentSpec("Прайс-лист весна 2026.pdf", "application/pdf", "%PDF-1.4 x".getBytes(StandardCharsets.US_ASCII)))
                .build(), account(greenMail.smtpPort()));

        MimeMessage m = arrived("shape-1");
        assertThat(m.getSubject()).isEqualTo("Каталог весны — скидки");
        assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Магазин");
        assertThat(m.getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) m.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        Part alternativePart = mixed.getBodyPart(0);
        assertThat(alternativePart.getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) alternativePart.getContent();
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        Part relatedPart = alternative.getBodyPart(1);
        assertThat(relatedPart.getContentType()).startsWith("multipart/related").contains("type=\"text/html\"");
        Multipart related = (Multipart) relatedPart.getContent();
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        assertThat((String) related.getBodyPart(0).getContent()).contains("cid:logo@shop");
        MimeBodyPart image = (MimeBodyPart) related.getBodyPart(1);
        assertThat(image.getContentID()).isEqualTo("<logo@shop>");
        assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(image.getInputStream().readAllBytes()).isEqualTo(PNG);
        MimeBodyPart pdf = (MimeBodyPart) mixed.getBodyPart(1);
        assertThat(pdf.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(MimeUtility.decodeText(pdf.getFileName())).isEqualTo("Прайс-лист весна 2026.pdf");
        assertThat(pdf.getHeader("Content-Disposition")[0]).contains("filename*");
    }

    @Test
    void htmlOnlyWithInlineImageIsRelated() throws Exception {
        send(spec("shape-2").subject("s").text(null).html("<img src=\"cid:a\">")
                .attachments(new AttachmentSpec("a.png", "image/png", PNG, "a")).build(), account(greenMail.smtpPort()));

        MimeMessage m = arrived("shape-2");
        assertThat(m.getContentType()).startsWith("multipart/related");
        Multipart related = (Multipart) m.getContent();
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        assertThat(((MimeBodyPart) related.getBodyPart(1)).getContentID()).isEqualTo("<a>");
    }

    @Test
    void longLinesAreFoldedByQuotedPrintableAndComeBackWhole() throws Exception {
        String longLine = "word ".repeat(1000) + "конец";
        send(spec("shape-3").subject("long").text(longLine).build(), account(greenMail.smtpPort()));

        MimeMessage m = arrived("shape-3");
        byte[] raw = raw(m);
        for (String line : new String(raw, StandardCharsets.ISO_8859_1).split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        assertThat(m.getHeader("Content-Transfer-Encoding")[0]).isEqualTo("quoted-printable");
        assertThat(((String) m.getContent()).strip()).isEqualTo(longLine.strip());
    }

    @Test
    void mostlyNonAsciiTextIsBase64AndBinaryAttachmentsToo() throws Exception {
        String russian = "Здравствуйте! Ваш заказ готов и ждёт вас в пункте выдачи.";
        send(spec("shape-4").subject("ru").text(russian)
                .attachments(new AttachmentSpec("data.bin", null, new byte[] {0, 1, 2, (byte) 0xff, 10, 13})).build(),
                account(greenMail.smtpPort()));

        MimeMessage m = arrived("shape-4");
        Multipart mixed = (Multipart) m.getContent();
        assertThat(mixed.getBodyPart(0).getHeader("Content-Transfer-Encoding")[0]).isEqualTo("base64");
        assertThat((String) mixed.getBodyPart(0).getContent()).isEqualTo(russian);
        assertThat(mixed.getBodyPart(1).getHeader("Content-Transfer-Encoding")[0]).isEqualTo("base64");
        assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).containsExactly(0, 1, 2, 0xff, 10, 13);
    }

    // --- List-Unsubscribe

    @Test
    void campaignMailCarriesOneClickUnsubscribe() throws Exception {
        send(spec("unsub-1").subject("s").text("t").campaign("spring").build(), account(greenMail.smtpPort()));
        send(spec("unsub-2").subject("s").text("t").campaign("spring")
                .listUnsubscribe(new ListUnsubscribe("https://shop.example/u?r=unsub-2", null)).build(),
                account(greenMail.smtpPort()));
        send(spec("unsub-3").subject("s").text("t").listUnsubscribe(new ListUnsubscribe(null, "leave@shop.example")).build(),
                account(greenMail.smtpPort()));

        MimeMessage campaign = arrived("unsub-1");
        assertThat(campaign.getHeader("List-Unsubscribe", null).replaceAll("\\s+", " "))
                .isEqualTo("<mailto:leave@shop.example>, <https://shop.example/u/spring>");
        assertThat(campaign.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        MimeMessage own = arrived("unsub-2");
        assertThat(own.getHeader("List-Unsubscribe", null)).isEqualTo("<https://shop.example/u?r=unsub-2>");
        assertThat(own.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        MimeMessage mailtoOnly = arrived("unsub-3");
        assertThat(mailtoOnly.getHeader("List-Unsubscribe", null)).isEqualTo("<mailto:leave@shop.example>");
        assertThat(mailtoOnly.getHeader("List-Unsubscribe-Post")).isNull();
    }

    @Test
    void unsubscribeUrlMustBeHttps() {
        assertThatThrownBy(() -> composer.compose(spec("unsub-4").subject("s").text("t")
                .listUnsubscribe(new ListUnsubscribe("http://shop.example/u", null)).build(), account(25), session))
                .isInstanceOfSatisfying(CompositionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_FIELD);
                    assertThat(e.field()).isEqualTo("listUnsubscribe.url");
                });
    }

    // --- DKIM

    @Test
    void dkimSignatureVerifiesWithAnIndependentVerifierAndBreaksWhenTampered() throws Exception {
        Account signing = account(greenMail.smtpPort()).withComposition(null,
                new Dkim("shop.example", "mp2026", (RSAPrivateKey) dkimKeys.getPrivate()));
        send(spec("dkim-1").subject("Подпись проверяется").text("Текст\r\nс  пробелами   \r\n\r\n").campaign("spring")
                .html("<p>html</p>").attachments(new AttachmentSpec("a.txt", "text/plain", "x".getBytes())).build(), signing);

        MimeMessage m = arrived("dkim-1");
        byte[] raw = raw(m);
        DkimVerifier.Verified verified = DkimVerifier.verify(raw, dkimKeys.getPublic());
        assertThat(verified.domain()).isEqualTo("shop.example");
        assertThat(verified.selector()).isEqualTo("mp2026");
        assertThat(verified.signedHeaders()).extracting(h -> h.toLowerCase())
                .contains("from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post",
                        "x-mailpipe-id");

        String text = new String(raw, StandardCharsets.ISO_8859_1);
        byte[] otherSubject = text.replaceFirst("(?m)^X-Mailpipe-Id: dkim-1", "X-Mailpipe-Id: dkim-2")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> DkimVerifier.verify(otherSubject, dkimKeys.getPublic())).isInstanceOf(AssertionError.class)
                .hasMessageContaining("RSA signature");
        byte[] otherBody = text.replace("<p>html</p>", "<p>HTML</p>").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> DkimVerifier.verify(otherBody, dkimKeys.getPublic())).isInstanceOf(AssertionError.class)
                .hasMessageContaining("body hash");
    }

    // --- international addresses (RFC 6531)

    @Test
    void nonAsciiLocalPartGoesToAServerThatOffersSmtpUtf8() throws Exception {
        send(spec("intl-1").subject("s").text("t").to("Иван <иван@пример.рф>").build(), account(subetha.port()));

        List<MimeMessage> got = subetha.acceptedMessagesFor("intl-1");
        assertThat(got).hasSize(1);
        assertThat(subetha.envelopeOf(got.get(0))).containsExactly("иван@xn--e1afmkfd.xn--p1ai");
    }

    @Test
    void nonAsciiLocalPartIsRefusedBeforeSendingByAServerWithoutSmtpUtf8() throws Exception {
        ComposedMessage composed = composer.compose(spec("intl-2").subject("s").text("t").to("иван@пример.рф").build(),
                account(greenMail.smtpPort()), session);
        assertThat(composed.message().requiresSmtpUtf8()).isTrue();

        Throwable thrown = null;
        try {
            new AccountMailSender(account(greenMail.smtpPort())).send(composed.message());
        } catch (Exception e) {
            thrown = e;
        }
        SendFailure failure = SmtpFailureClassifier.classify(thrown);
        assertThat(failure.reason()).isEqualTo(ReasonCode.SMTPUTF8_UNSUPPORTED);
        assertThat(failure.reason().status()).isEqualTo(Status.REJECTED);
        assertThat(failure.detail()).contains("SMTPUTF8").doesNotContain("иван");
        assertThat(find("intl-2")).isNull();
    }

    @Test
    void asciiLocalPartWithNonAsciiDomainIsSentAsPunycodeEverywhere() throws Exception {
        ComposedMessage composed = send(spec("intl-3").subject("s").text("t").to("Ivan <ivan@пример.рф>").build(),
                account(greenMail.smtpPort()));

        assertThat(composed.message().requiresSmtpUtf8()).isFalse();
        assertThat(composed.envelopeRecipients()).containsExactly("ivan@xn--e1afmkfd.xn--p1ai");
        MimeMessage m = arrived("intl-3");
        assertThat(((InternetAddress) m.getRecipients(Message.RecipientType.TO)[0]).getAddress())
                .isEqualTo("ivan@xn--e1afmkfd.xn--p1ai");
    }

    // --- ESMTP SIZE

    @Test
    void messageLargerThanTheServersSizeIsRefusedBeforeSending() throws Exception {
        SMTPServer small = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).maxMessageSize(2_000)
                .messageHandlerFactory(ctx -> new org.subethamail.smtp.MessageHandler() {
                    @Override public void from(String from) { }
                    @Override public void recipient(String recipient) { }
                    @Override public String data(java.io.InputStream data) throws java.io.IOException {
                        data.readAllBytes();
                        return null;
                    }
                    @Override public void done() { }
                }).build();
        small.start();
        try {
            Account account = account(small.getPortAllocated());
            ComposedMessage big = composer.compose(spec("size-1").subject("s").text("x".repeat(5_000)).build(), account, session);
            Throwable thrown = null;
            try {
                new AccountMailSender(account).send(big.message());
            } catch (Exception e) {
                thrown = e;
            }
            SendFailure failure = SmtpFailureClassifier.classify(thrown);
            assertThat(failure.reason()).isEqualTo(ReasonCode.MESSAGE_TOO_LARGE);
            assertThat(failure.detail()).contains("2000").contains(String.valueOf(big.sizeBytes()));

            ComposedMessage fits = composer.compose(spec("size-2").subject("s").text("small").build(), account, session);
            new AccountMailSender(account).send(fits.message()); // does not throw
        } finally {
            small.stop();
        }
    }
}
