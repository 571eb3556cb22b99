package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.mail.internet.MimeMessage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.config.ComposeSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;

/**
 * Composition through a real broker and real SMTP servers: templates, recipient splitting, the attachment policy,
 * size limits, international addresses and campaign unsubscribe links, as received and as reported.
 */
class CompositionIT {

    static MailSandbox greenMail;
    static ScriptedSmtpServer subetha;
    static RunningPipeline pipeline;
    static Path templates;

    static Account account(String name, int port, Integer maxRecipients, Long maxBytes) {
        return new Account(name, "127.0.0.1", port, Security.NONE, null, null, "Shop <shop@shop.example>", false,
                Limits.NONE, maxRecipients, maxBytes, Duration.ofSeconds(10));
    }

    @BeforeAll
    static void start() throws Exception {
        greenMail = MailSandbox.start();
        subetha = new ScriptedSmtpServer();
        templates = Files.createTempDirectory("mailpipe-templates");
        Path welcome = Files.createDirectories(templates.resolve("welcome"));
        Files.writeString(welcome.resolve("subject.mustache"), "Добро пожаловать, {{name}}!");
        Files.writeString(welcome.resolve("text.mustache"), "Здравствуйте, {{name}}. Ваш код: {{code}}");
        Files.writeString(welcome.resolve("html.mustache"), "<p>Здравствуйте, {{name}}. Ваш код: <b>{{code}}</b></p>");
        ComposeSettings compose = new ComposeSettings(templates.toString(), Map.of("spring",
                new ComposeSettings.Campaign(new ComposeSettings.Unsubscribe("https://shop.example/u/spring", null))));
        pipeline = RunningPipeline.start("compose", List.of(
                account("capped", greenMail.smtpPort(), 2, null),
                account("tiny", greenMail.smtpPort(), null, 4096L),
                account("utf8", subetha.port(), null, null)), config -> config.withCompose(compose));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        greenMail.close();
        subetha.close();
    }

    private static List<MimeMessage> received(String requestId) {
        return greenMail.received().stream().filter(m -> {
            try {
                return requestId.equals(m.getHeader("X-Mailpipe-Id", null));
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    private static OutcomeEvent terminal(String id) {
        List<OutcomeEvent> terminal = pipeline.awaitTerminal(id).stream().filter(e -> e.status().isTerminal()).toList();
        assertThat(terminal).as("terminal outcomes of " + id).hasSize(1);
        return terminal.get(0);
    }

    private static String deadLetterReason(String id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.deadLetters.records().stream()
                .anyMatch(r -> id.equals(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))));
        ConsumerRecord<byte[], byte[]> letter = pipeline.deadLetters.records().stream()
                .filter(r -> id.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
        return new String(letter.headers().lastHeader("mailpipe.dlq.reason.code").value(), StandardCharsets.UTF_8);
    }

    private static String base64Zip(String entry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(new byte[] {'M', 'Z', 0, 0});
            zip.closeEntry();
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    @Test
    void aTemplateIsRenderedAndAMissingVariableIsRejected() throws Exception {
        pipeline.send("tpl-ok", """
                {"id":"tpl-ok","account":"capped","to":"anna@example.org","campaign":"spring",
                 "template":{"id":"welcome","vars":{"name":"Анна <A&B>","code":"X-1"}}}""");
        pipeline.send("tpl-missing", """
                {"id":"tpl-missing","account":"capped","to":"anna@example.org",
                 "template":{"id":"welcome","vars":{"name":"Анна"}}}""");
        pipeline.send("tpl-unknown", """
                {"id":"tpl-unknown","account":"capped","to":"anna@example.org","template":{"id":"farewell"}}""");

        assertThat(terminal("tpl-ok").status()).isEqualTo(Status.SENT);
        MimeMessage m = received("tpl-ok").get(0);
        assertThat(m.getSubject()).isEqualTo("Добро пожаловать, Анна <A&B>!");
        jakarta.mail.Multipart alternative = (jakarta.mail.Multipart) m.getContent();
        assertThat((String) alternative.getBodyPart(1).getContent()).contains("Анна &lt;A&amp;B&gt;").contains("<b>X-1</b>");
        assertThat(m.getHeader("List-Unsubscribe", null)).isEqualTo("<https://shop.example/u/spring>");
        assertThat(m.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");

        OutcomeEvent missing = terminal("tpl-missing");
        assertThat(missing.status()).isEqualTo(Status.REJECTED);
        assertThat(missing.reasonCode()).isEqualTo("template_variable_missing");
        assertThat(missing.reason()).contains("template.vars.code");
        assertThat(deadLetterReason("tpl-missing")).isEqualTo("template_variable_missing");
        assertThat(terminal("tpl-unknown").reasonCode()).isEqualTo("unknown_template");
        assertThat(received("tpl-missing")).isEmpty();
    }

    @Test
    void moreRecipientsThanTheAccountTakesAreSplitAndEveryPartIsReported() throws Exception {
        pipeline.send("split-1", """
                {"id":"split-1","account":"capped","to":["a@example.org","b@example.org","c@example.org"],
                 "cc":["d@example.org"],"bcc":["e@example.org"],"subject":"Split","text":"t"}""");

        OutcomeEvent outcome = terminal("split-1");
        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.reasonCode()).isEqualTo("accepted");
        assertThat(outcome.parts()).hasSize(3);
        assertThat(outcome.parts()).extracting(OutcomeEvent.Part::recipients).containsExactly(
                List.of("a@example.org", "b@example.org"), List.of("c@example.org", "d@example.org"), List.of("e@example.org"));
        assertThat(outcome.parts()).allSatisfy(p -> assertThat(p.smtp().code()).isEqualTo(250));

        await().atMost(Duration.ofSeconds(10)).until(() -> received("split-1").size() == 5); // one copy per mailbox
        Set<String> messageIds = received("split-1").stream().map(m -> {
            try {
                return m.getMessageID();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
        assertThat(messageIds).containsExactlyInAnyOrderElementsOf(
                outcome.parts().stream().map(OutcomeEvent.Part::messageId).toList());
    }

    @Test
    void anExeAndAZipHoldingOneAreRejected() throws Exception {
        pipeline.send("exe-1", """
                {"id":"exe-1","account":"capped","to":"a@example.org","subject":"s","text":"t",
                 "attachments":[{"filename":"setup.exe","content":"TVoAAA=="}]}""");
        pipeline.send("zip-1", """
                {"id":"zip-1","account":"capped","to":"a@example.org","subject":"s","text":"t",
                 "attachments":[{"filename":"photos.zip","contentType":"application/zip","content":"%s"}]}"""
                .formatted(base64Zip("holiday/photo.jpg.scr")));

        for (String id : List.of("exe-1", "zip-1")) {
            OutcomeEvent outcome = terminal(id);
            assertThat(outcome.status()).isEqualTo(Status.REJECTED);
            assertThat(outcome.reasonCode()).isEqualTo("blocked_attachment");
            assertThat(deadLetterReason(id)).isEqualTo("blocked_attachment");
            assertThat(received(id)).isEmpty();
        }
        assertThat(terminal("zip-1").reason()).contains(".scr");
    }

    @Test
    void aMessageLargerThanTheAccountTakesIsRejected() throws Exception {
        String big = Base64.getEncoder().encodeToString(new byte[8192]);
        pipeline.send("big-1", """
                {"id":"big-1","account":"tiny","to":"a@example.org","subject":"s","text":"t",
                 "attachments":[{"filename":"zeros.bin","content":"%s"}]}""".formatted(big));

        OutcomeEvent outcome = terminal("big-1");
        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.reasonCode()).isEqualTo("message_too_large");
        assertThat(received("big-1")).isEmpty();
    }

    @Test
    void anSmtpUtf8AddressGoesThroughAServerThatOffersItAndIsRejectedByOneThatDoesNot() throws Exception {
        pipeline.send("intl-ok", """
                {"id":"intl-ok","account":"utf8","to":"Иван <иван@пример.рф>","subject":"s","text":"t"}""");
        pipeline.send("intl-no", """
                {"id":"intl-no","account":"capped","to":"Иван <иван@пример.рф>","subject":"s","text":"t"}""");

        assertThat(terminal("intl-ok").status()).isEqualTo(Status.SENT);
        assertThat(subetha.envelopeOf(subetha.acceptedMessagesFor("intl-ok").get(0)))
                .containsExactly("иван@xn--e1afmkfd.xn--p1ai");

        OutcomeEvent refused = terminal("intl-no");
        assertThat(refused.status()).isEqualTo(Status.REJECTED);
        assertThat(refused.reasonCode()).isEqualTo("smtputf8_unsupported");
        assertThat(refused.reason()).contains("SMTPUTF8").doesNotContain("иван");
        assertThat(deadLetterReason("intl-no")).isEqualTo("smtputf8_unsupported");
        assertThat(received("intl-no")).isEmpty();
    }
}
