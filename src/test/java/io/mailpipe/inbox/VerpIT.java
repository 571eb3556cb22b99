package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.account.Account;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.config.BounceMailbox;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.TestWorkers;
import io.mailpipe.worker.Worker;

/**
 * VERP through the real thing: an account with {@code returnPath: bounces+{token}@...} sends with that envelope
 * sender (GreenMail records it as Return-Path), and a report that quotes nothing of the original, delivered to that
 * address, is still correlated to its request.
 */
class VerpIT {

    @Test
    void aReportThatQuotesNothingIsCorrelatedThroughTheReturnPath() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        try (KafkaIO kafka = new KafkaIO()) {
            GreenMailUser bounceBox = mail.setUser("bounces@sandbox.test", "bounces", "secret");
            KafkaSettings.Topics topics = TestWorkers.topics("verp");
            Account verp = TestWorkers.account("shop", mail.getSmtp().getPort(), "Shop <shop@sandbox.test>", false, null)
                    .withReturnPath("bounces+{token}@sandbox.test");
            BounceMailbox mailbox = BounceMailbox.resolve(List.of(new BounceMailbox.Settings("sandbox", "imap", "127.0.0.1",
                    mail.getImap().getPort(), "bounces", "secret", null, null, null, null, Duration.ofSeconds(1), null, true))).get(0);
            try (Worker worker = Worker.start(TestWorkers.config(topics, List.of(verp)).withBounces(List.of(mailbox)));
                 KafkaIO.Collector outcomes = new KafkaIO.Collector(topics.outcomes());
                 KafkaIO.Collector bounces = new KafkaIO.Collector(topics.bounces())) {
                kafka.send(topics.requests(), "v-1", "{\"id\":\"v-1\",\"to\":[\"nobody@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
                await().atMost(Duration.ofSeconds(40)).until(() -> outcomes.outcomesFor("v-1").stream()
                        .anyMatch(e -> e.status() == Status.SENT));
                String returnPath = "bounces+" + MessageComposer.verpToken("v-1") + "@sandbox.test";
                MimeMessage received = mail.getReceivedMessagesForDomain("example.org")[0];
                assertThat(received.getHeader("Return-Path", null)).as("the envelope sender").contains(returnPath);

                // a report in a format of its own: no quoted headers, no Message-ID, only the address it came back to
                bounceBox.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(("""
                        From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                        To: %s
                        Subject: Undelivered Mail Returned to Sender
                        Message-ID: <verp-report-1@mx.example.org>
                        MIME-Version: 1.0
                        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

                        --b1
                        Content-Type: text/plain

                        Your message could not be delivered.

                        --b1
                        Content-Type: message/delivery-status

                        Reporting-MTA: dns; mx.example.org

                        Final-Recipient: rfc822; nobody@example.org
                        Action: failed
                        Status: 5.1.1
                        Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown

                        --b1--
                        """.formatted(returnPath)).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII))));

                await().atMost(Duration.ofSeconds(40)).until(() -> !bounces.records().isEmpty());
                BounceEvent event = InboxJson.readEvent(bounces.records().get(0).value());
                assertThat(event.recipient()).isEqualTo("nobody@example.org");
                assertThat(event.originalMessageId()).isNull();
                assertThat(event.requestId()).as("found through the VERP token alone").isEqualTo("v-1");
                assertThat(event.account()).isEqualTo("shop");
                assertThat(new String(bounces.records().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("v-1");
                // counted once Kafka acknowledged the event, which may be just after the collector saw it
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(worker.metrics().registry()
                        .counter(io.mailpipe.metrics.MailpipeMetrics.BOUNCES, "kind", "bounce", "reason", "userunknown").count())
                        .as("bounces by kind and reason").isEqualTo(1.0));
            }
        } finally {
            mail.stop();
        }
    }
}
