package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.config.BounceMailbox;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SuppressionSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.suppression.SuppressionEntry;
import io.mailpipe.suppression.SuppressionJson;
import io.mailpipe.testing.ContractSchemas;
import io.mailpipe.testing.ImapFolders;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.TestWorkers;
import io.mailpipe.worker.Worker;

/**
 * Issue 4 end to end: mail sent through a worker to GreenMail, real bounce reports (corpus samples rewritten to quote
 * the Message-IDs just sent, and one hand-written report) dropped into GreenMail's IMAP bounce mailbox, the worker's
 * IMAP route reads them; events on mail.bounces, suppressions on mail.suppressions, SUPPRESSED outcomes, the unparsed
 * path, and a restart that reads a report again without publishing it twice. Real Kafka broker, real SMTP and IMAP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BouncePipelineIT {

    static final Path CORPUS = Path.of(System.getProperty("mailpipe.bouncesDir", "../shared/bounces"));
    static final String BOUNCE_USER = "bounces";
    static final String BOUNCE_PASSWORD = "bounce-secret";

    GreenMail mail;
    GreenMailUser bounceUser;
    KafkaSettings.Topics topics;
    MailpipeConfig config;
    Worker worker;
    KafkaIO kafka;
    KafkaIO.Collector outcomes;
    KafkaIO.Collector bounces;
    KafkaIO.Collector unparsed;
    KafkaIO.Collector suppressions;
    BounceMailboxServer box;
    final Map<String, String> messageIds = new HashMap<>();
    byte[] hardReport;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS.resolve("eml")), "BouncePipelineIT skipped: the bounce corpus is not at "
                + CORPUS.toAbsolutePath() + " (set -Dmailpipe.bouncesDir=...)");
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        bounceUser = mail.setUser("bounces@sandbox.test", BOUNCE_USER, BOUNCE_PASSWORD);
        box = mailboxServer();
        topics = TestWorkers.topics("bounces");
        BounceMailbox mailbox = BounceMailbox.resolve(List.of(new BounceMailbox.Settings("sandbox", "imap", "127.0.0.1",
                box.imapPort(), box.user(), box.password(), null, null, null, null, Duration.ofSeconds(1), null, true))).get(0);
        config = TestWorkers.config(topics, List.of(TestWorkers.account("shop", mail.getSmtp().getPort(),
                        "Shop <shop@shop.example>", false, null)))
                .withBounces(List.of(mailbox))
                .withSuppression(new SuppressionSettings(true, new SuppressionSettings.SoftBounceRule(2, Duration.ofDays(7))));
        worker = Worker.start(config);
        kafka = new KafkaIO();
        outcomes = new KafkaIO.Collector(topics.outcomes());
        bounces = new KafkaIO.Collector(topics.bounces());
        unparsed = new KafkaIO.Collector(topics.bouncesUnparsed());
        suppressions = new KafkaIO.Collector(topics.suppressions());
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {suppressions, unparsed, bounces, outcomes, kafka, worker, box}) {
            if (c != null) {
                c.close();
            }
        }
        if (mail != null) {
            mail.stop();
        }
    }

    @Test
    @Order(1)
    void reportsBecomeCorrelatedEventsAndSuppressions() throws Exception {
        // mail that will bounce: sent through the worker, their Message-IDs come back in the outcomes
        send("r-hard", "hard@example.org");
        send("r-soft", "soft@example.org");
        send("r-complaint", "complainer@example.org");
        send("r-hand", "hand@example.org");
        for (String id : List.of("r-hard", "r-soft", "r-complaint", "r-hand")) {
            OutcomeEvent sent = terminal(id);
            assertThat(sent.status()).isEqualTo(Status.SENT);
            messageIds.put(id, sent.messageId());
        }

        // real reports, rewritten to quote what was just sent; one hand-written; one that is no report at all
        hardReport = corpus("eml/bsd/lhost-postfix-33.eml", "20150429233445.BB8FFFFC16@p6.libsisimai.org", "r-hard",
                "userunknown@libsisimai.org", "hard@example.org");
        deliver(hardReport);
        deliver(corpus("eml/bsd/lhost-gmail-16.eml", "CAByYQsGrtAMtMPpgjc+VGGj=QWruPrLuUsee_4=ahWTY2KCBcg@mail.google.example.com",
                "r-soft", "mailboxfull@bouncehammer.jp", "soft@example.org"));
        deliver(corpus("eml/bsd/arf-18.eml", "000000002.2222222.1500000000022@example.net", "r-complaint",
                "kijitora@example.com", "complainer@example.org"));
        deliver(handWrittenReport());
        byte[] junk = "From: someone@example.net\r\nTo: bounces@sandbox.test\r\nSubject: lunch?\r\n\r\nNot a report at all.\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        deliver(junk);

        await().atMost(Duration.ofSeconds(60)).until(() -> bounces.records().size() >= 4);
        Map<String, BounceEvent> byRequest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : bounces.records()) {
            BounceEvent e = InboxJson.readEvent(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("key of %s", e.eventId()).isEqualTo(e.requestId());
            byRequest.put(e.requestId(), e);
        }
        assertThat(byRequest.keySet()).containsExactlyInAnyOrder("r-hard", "r-soft", "r-complaint", "r-hand");
        assertThat(byRequest.values()).allSatisfy(e -> {
            assertThat(e.account()).isEqualTo("shop");
            assertThat(e.mailbox()).isEqualTo("sandbox");
            assertThat(e.eventId()).startsWith(e.reportId() + "#");
        });
        BounceEvent hard = byRequest.get("r-hard");
        assertThat(hard.kind()).isEqualTo("bounce");
        assertThat(hard.reason()).isEqualTo("userunknown");
        assertThat(hard.hard()).isTrue();
        assertThat(hard.recipient()).isEqualTo("hard@example.org");
        assertThat(hard.status()).isEqualTo("5.1.1");
        assertThat("<" + hard.originalMessageId() + ">").isEqualTo(messageIds.get("r-hard"));
        BounceEvent soft = byRequest.get("r-soft");
        assertThat(soft.reason()).isEqualTo("mailboxfull");
        assertThat(soft.hard()).isFalse();
        BounceEvent complaint = byRequest.get("r-complaint");
        assertThat(complaint.kind()).isEqualTo("complaint");
        assertThat(complaint.reason()).isEqualTo("feedback");
        BounceEvent hand = byRequest.get("r-hand");
        assertThat(hand.reason()).isEqualTo("userunknown");
        assertThat(hand.hard()).isTrue();
        assertThat(hand.remoteMta()).isEqualTo("mx.example.org");
        ContractSchemas.assertValid("bounce-event", bounces.records());

        // hard bounces and the complaint suppress; one soft bounce does not (the rule wants 2 within 7 days)
        await().atMost(Duration.ofSeconds(30)).until(() -> suppressions.records().size() >= 3);
        Map<String, SuppressionEntry> entries = new HashMap<>();
        suppressions.records().forEach(r -> {
            SuppressionEntry e = SuppressionJson.read(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.address());
            entries.put(e.address(), e);
        });
        assertThat(entries.keySet()).containsExactlyInAnyOrder("hard@example.org", "complainer@example.org", "hand@example.org");
        assertThat(entries.get("hard@example.org").reason()).isEqualTo("hard_bounce");
        assertThat(entries.get("hard@example.org").source()).isEqualTo("bounce:" + hard.eventId());
        assertThat(entries.get("complainer@example.org").reason()).isEqualTo("complaint");
        ContractSchemas.assertValid("suppression-entry", suppressions.records());

        // the message that is no report: published raw, moved to the unparsed folder; the reports to the processed one
        await().atMost(Duration.ofSeconds(30)).until(() -> unparsed.records().size() == 1);
        UnparsedMessage u = InboxJson.readUnparsed(unparsed.records().get(0).value());
        assertThat(Base64.getDecoder().decode(u.raw())).isEqualTo(junk);
        assertThat(u.truncated()).isFalse();
        assertThat(u.error()).contains("no delivery report");
        ContractSchemas.assertValid("bounce-unparsed", unparsed.records());
        await().atMost(Duration.ofSeconds(30)).until(() -> count("INBOX") == 0 && count(BounceMailbox.DEFAULT_PROCESSED_FOLDER) == 4
                && count(BounceMailbox.DEFAULT_UNPARSED_FOLDER) == 1);
    }

    @Test
    @Order(2)
    void suppressedRecipientsAreNotSentTo() {
        send("r-later", "Hard Person <HARD@example.org>");
        OutcomeEvent later = terminal("r-later");
        assertThat(later.status()).isEqualTo(Status.SUPPRESSED);
        assertThat(later.reasonCode()).isEqualTo(ReasonCode.SUPPRESSED.code());

        kafka.send(topics.requests(), "r-mixed", """
                {"id":"r-mixed","to":["hand@example.org","fresh@example.org"],"subject":"mixed","text":"t"}""");
        OutcomeEvent mixed = terminal("r-mixed");
        assertThat(mixed.status()).isEqualTo(Status.SENT);
        assertThat(mixed.reasonCode()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED.code());
        assertThat(mixed.rejectedRecipients()).singleElement().satisfies(r -> {
            assertThat(r.address()).isEqualTo("hand@example.org");
            assertThat(r.reasonCode()).isEqualTo("suppressed");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> copiesOf("r-mixed").size() == 1);
        assertThat(copiesOf("r-mixed")).containsExactly("fresh@example.org");
        assertThat(copiesOf("r-later")).isEmpty();
        ContractSchemas.assertValidOutcomes(outcomes.records());
    }

    @Test
    @Order(3)
    void aReportReadAgainAfterARestartIsNotPublishedTwice() throws Exception {
        int before = bounces.records().size();
        worker.close();
        worker = null;
        // as if the worker died after Kafka acknowledged the events and before the message was moved
        deliver(hardReport);
        worker = Worker.start(config);
        await().atMost(Duration.ofSeconds(60)).until(() -> count("INBOX") == 0 && count(BounceMailbox.DEFAULT_PROCESSED_FOLDER) == 5);
        // the move happens after the decision, so every record it might have published is acknowledged by now
        assertThat(bounces.records()).hasSize(before);
        assertThat(suppressions.records()).hasSize(3);
    }

    private void send(String id, String to) {
        kafka.send(topics.requests(), id, "{\"id\":\"" + id + "\",\"to\":[\"" + to + "\"],\"subject\":\"s " + id + "\",\"text\":\"t\"}");
    }

    private OutcomeEvent terminal(String id) {
        await().atMost(Duration.ofSeconds(40)).until(() -> outcomes.outcomesFor(id).stream().anyMatch(e -> e.status().isTerminal()));
        return outcomes.outcomesFor(id).stream().filter(e -> e.status().isTerminal()).findFirst().orElseThrow();
    }

    /** A corpus report with the original's Message-ID and the recipient replaced by ours. */
    private byte[] corpus(String file, String quotedMessageId, String requestId, String recipient, String ours) throws Exception {
        String text = Files.readString(CORPUS.resolve(file), StandardCharsets.ISO_8859_1);
        String sent = messageIds.get(requestId);
        String bare = sent.substring(1, sent.length() - 1);
        assertThat(text).contains(quotedMessageId);
        text = text.replace(quotedMessageId, bare);
        text = Pattern.compile(Pattern.quote(recipient), Pattern.CASE_INSENSITIVE).matcher(text).replaceAll(Matcher.quoteReplacement(ours));
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An RFC 3464 report written by hand: quotes only the returned headers, with X-Mailpipe-Id. */
    private byte[] handWrittenReport() {
        return ("""
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: shop@shop.example
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <hand-written-report-1@mx.example.org>
                Date: Sat, 28 Nov 2026 10:00:00 +0000
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

                --b1
                Content-Type: text/plain; charset=us-ascii

                Your message could not be delivered to hand@example.org: no such user.

                --b1
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; hand@example.org
                Action: failed
                Status: 5.1.1
                Remote-MTA: dns; mx.example.org
                Diagnostic-Code: smtp; 550 5.1.1 <hand@example.org>: Recipient address rejected: User unknown

                --b1
                Content-Type: text/rfc822-headers

                From: Shop <shop@shop.example>
                To: hand@example.org
                Subject: s r-hand
                X-Mailpipe-Id: r-hand

                --b1--
                """).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void deliver(byte[] raw) throws Exception {
        box.deliver(raw);
    }

    /** The IMAP server of the bounce mailbox (the outgoing mail always goes to GreenMail's SMTP side). */
    interface BounceMailboxServer extends AutoCloseable {
        int imapPort();

        String user();

        String password();

        /** Puts a raw message into the mailbox's INBOX. */
        void deliver(byte[] raw) throws Exception;
    }

    /** GreenMail's own IMAP side; {@link BouncePipelineDovecotIT} runs the same flow against Dovecot. */
    BounceMailboxServer mailboxServer() throws Exception {
        return new BounceMailboxServer() {
            @Override
            public int imapPort() {
                return mail.getImap().getPort();
            }

            @Override
            public String user() {
                return BOUNCE_USER;
            }

            @Override
            public String password() {
                return BOUNCE_PASSWORD;
            }

            @Override
            public void deliver(byte[] raw) throws Exception {
                bounceUser.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
            }

            @Override
            public void close() {
                // stopped with GreenMail
            }
        };
    }

    /** Messages in a folder of the bounce mailbox, read over IMAP; 0 when the folder does not exist. */
    private int count(String folderName) throws Exception {
        return ImapFolders.count(box.imapPort(), box.user(), box.password(), folderName);
    }

    /** The mailboxes (GreenMail users) that received the request's message. */
    private List<String> copiesOf(String requestId) {
        List<String> out = new ArrayList<>();
        try {
            for (GreenMailUser u : mail.getManagers().getUserManager().listUser()) {
                for (var stored : mail.getManagers().getImapHostManager().getInbox(u).getMessages()) {
                    if (requestId.equals(stored.getMimeMessage().getHeader("X-Mailpipe-Id", null))) {
                        out.add(u.getEmail());
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
