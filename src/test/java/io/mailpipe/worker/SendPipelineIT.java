package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Limits;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.TestWorkers;

/** Requests through a real broker and a real SMTP server (GreenMail): what arrives, and the outcomes. */
class SendPipelineIT {

    static MailSandbox smtp;
    static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        smtp = MailSandbox.start();
        pipeline = RunningPipeline.start("send", List.of(
                TestWorkers.account("small", smtp.smtpPort(), "Small <small@small.example>", false, new Limits(3, null)),
                TestWorkers.account("strict", smtp.smtpPort(), "Shop <shop@strict.example>", false, null),
                TestWorkers.account("open", smtp.smtpPort(), "Relay <relay@open.example>", true, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        smtp.close();
    }

    private static MimeMessage received(String requestId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> find(requestId) != null);
        return find(requestId);
    }

    private static MimeMessage find(String requestId) {
        return smtp.received().stream().filter(m -> {
            try {
                return requestId.equals(m.getHeader("X-Mailpipe-Id", null));
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElse(null);
    }

    private static OutcomeEvent terminalOutcome(String id) {
        List<OutcomeEvent> terminal = pipeline.awaitTerminal(id).stream().filter(e -> e.status().isTerminal()).toList();
        assertThat(terminal).as("terminal outcomes of " + id).hasSize(1);
        return terminal.get(0);
    }

    @Test
    void textMessageWithNonAsciiSubjectAndNames() throws Exception {
        pipeline.send("t-1", """
                {"id":"t-1","to":["Анна Петрова <anna@example.org>"],"cc":["Jörg <joerg@example.org>"],
                 "subject":"Заказ №42 — готов","text":"Здравствуйте!\\nВаш заказ готов."}""");
        MimeMessage m = received("t-1");
        assertThat(m.getSubject()).isEqualTo("Заказ №42 — готов");
        InternetAddress to = (InternetAddress) m.getRecipients(Message.RecipientType.TO)[0];
        assertThat(to.getPersonal()).isEqualTo("Анна Петрова");
        assertThat(to.getAddress()).isEqualTo("anna@example.org");
        assertThat(((InternetAddress) m.getRecipients(Message.RecipientType.CC)[0]).getPersonal()).isEqualTo("Jörg");
        assertThat(m.getContentType()).startsWith("text/plain");
        assertThat(((String) m.getContent()).replace("\r\n", "\n")).isEqualTo("Здравствуйте!\nВаш заказ готов.");

        OutcomeEvent sent = terminalOutcome("t-1");
        assertThat(sent.status()).isEqualTo(Status.SENT);
        assertThat(sent.attempt()).isEqualTo(1);
        assertThat(sent.account()).isIn("small", "strict");
        assertThat(sent.messageId()).isEqualTo(m.getMessageID());
        assertThat(sent.smtp().code()).isEqualTo(250);
    }

    @Test
    void htmlOnlyAndAlternativeBodies() throws Exception {
        pipeline.send("h-1", """
                {"id":"h-1","to":["h@example.org"],"subject":"html","html":"<p>Hi <b>there</b></p>"}""");
        pipeline.send("a-1", """
                {"id":"a-1","to":["a@example.org"],"subject":"both","text":"plain part","html":"<p>html part</p>"}""");
        MimeMessage html = received("h-1");
        assertThat(html.getContentType()).startsWith("text/html");
        assertThat((String) html.getContent()).contains("<b>there</b>");

        MimeMessage alt = received("a-1");
        assertThat(alt.getContentType()).startsWith("multipart/alternative");
        Multipart parts = (Multipart) alt.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) parts.getBodyPart(0).getContent()).contains("plain part");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(terminalOutcome("h-1").status()).isEqualTo(Status.SENT);
        assertThat(terminalOutcome("a-1").status()).isEqualTo(Status.SENT);
    }

    @Test
    void senderPolicyKeepsOrReplacesFrom() throws Exception {
        pipeline.send("s-strict", """
                {"id":"s-strict","account":"strict","from":"News Desk <news@brand.example>","to":["x@example.org"],
                 "subject":"strict","text":"t"}""");
        pipeline.send("s-open", """
                {"id":"s-open","account":"open","from":"News Desk <news@brand.example>","to":["y@example.org"],
                 "subject":"open","text":"t"}""");
        MimeMessage strict = received("s-strict");
        InternetAddress strictFrom = (InternetAddress) strict.getFrom()[0];
        assertThat(strictFrom.getAddress()).isEqualTo("shop@strict.example");
        assertThat(Arrays.stream(strict.getReplyTo()).map(a -> ((InternetAddress) a).getAddress()))
                .containsExactly("news@brand.example");

        MimeMessage open = received("s-open");
        InternetAddress openFrom = (InternetAddress) open.getFrom()[0];
        assertThat(openFrom.getAddress()).isEqualTo("news@brand.example");
        assertThat(openFrom.getPersonal()).isEqualTo("News Desk");
        assertThat(terminalOutcome("s-strict").account()).isEqualTo("strict");
        assertThat(terminalOutcome("s-open").account()).isEqualTo("open");
    }

    @Test
    void bccRecipientsGetTheMessageWithoutABccHeader() throws Exception {
        pipeline.send("b-1", """
                {"id":"b-1","to":["to@example.org"],"bcc":["hidden@example.org"],"subject":"bcc","text":"t"}""");
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().stream()
                .filter(m -> "b-1".equals(header(m, "X-Mailpipe-Id"))).count() == 2);
        for (MimeMessage m : smtp.received().stream().filter(m -> "b-1".equals(header(m, "X-Mailpipe-Id"))).toList()) {
            Address[] bcc = m.getRecipients(Message.RecipientType.BCC);
            assertThat(bcc).isNull();
        }
        assertThat(terminalOutcome("b-1").status()).isEqualTo(Status.SENT);
    }

    @Test
    void accountsFillInOrderThenTheNextTakesOver() {
        // "small" allows 3 per hour; unpinned requests go there first, then to the next account, "strict"
        for (int i = 1; i <= 6; i++) {
            pipeline.send("q-" + i, "{\"id\":\"q-" + i + "\",\"to\":[\"q@example.org\"],\"subject\":\"q\",\"text\":\"t\"}");
        }
        for (int i = 1; i <= 6; i++) {
            assertThat(terminalOutcome("q-" + i).status()).isEqualTo(Status.SENT);
        }
        long viaNext = java.util.stream.IntStream.rangeClosed(1, 6)
                .filter(i -> "strict".equals(terminalOutcome("q-" + i).account())).count();
        assertThat(viaNext).as("sends that overflowed to the second account").isGreaterThanOrEqualTo(3);
        assertThat(pipeline.outcomes.outcomes().stream().filter(e -> e.status() == Status.SENT && "small".equals(e.account())))
                .as("sends through the account limited to 3 per hour").hasSizeLessThanOrEqualTo(3);
    }

    private static String header(MimeMessage m, String name) {
        try {
            return m.getHeader(name, null);
        } catch (Exception e) {
            return null;
        }
    }
}
