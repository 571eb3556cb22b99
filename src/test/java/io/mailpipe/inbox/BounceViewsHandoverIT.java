package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.main.Main;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.compose.MessageComposer;
import io.mailpipe.config.BounceMailbox;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SuppressionSettings;
import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.testing.ImapFolders;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;

/**
 * Issue 16: only the elected poller holds the bounce views. Two workers' bounce sides (each a {@link BouncePipeline} on
 * its own Camel context with routes/bounce-pipeline.yaml, as in a worker) on the real broker and GreenMail's IMAP: the
 * one not elected holds no message index and no bounce history (but follows the suppression list); the poller
 * correlates a report that quotes only the original's Message-ID, which it can only find in its index of
 * mail.outcomes; when the poller stops, the other is elected, reads the views (the outcome written while it was not
 * the poller among them) and correlates the next report, and does not publish again a report the first one published.
 */
class BounceViewsHandoverIT {

    private static final String DOMAIN = "shop.example";

    @Test
    void onlyTheElectedPollerHoldsTheViewsAndTheNextOneReadsThemOnElection() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        KafkaSettings.Topics topics = TestWorkers.topics("bviews");
        GreenMailUser box = mail.setUser("bounces@sandbox.test", "bounces", "secret");
        BounceMailbox mailbox = BounceMailbox.resolve(List.of(new BounceMailbox.Settings("sandbox", "imap", "127.0.0.1",
                mail.getImap().getPort(), "bounces", "secret", null, null, null, null, Duration.ofSeconds(1), null, true))).get(0);
        MailpipeConfig config = TestWorkers.config(topics, List.of()).withBounces(List.of(mailbox))
                .withSuppression(new SuppressionSettings(true, null));
        int imap = mail.getImap().getPort();
        try (KafkaIO kafka = new KafkaIO();
             LogCapture logs = LogCapture.begin()) {
            sent(kafka, topics, "h-1"); // history the first poller reads on election
            BounceSide a = new BounceSide(config);
            BounceSide b = null;
            KafkaIO.Collector bounces = null;
            try {
                await().atMost(Duration.ofSeconds(60)).until(a.pipeline::pollsMailboxes);
                // the first worker created mail.bounces, and its views found it: collected from the beginning
                bounces = new KafkaIO.Collector(topics.bounces());
                KafkaIO.Collector published = bounces;

                b = new BounceSide(config);
                BounceSide second = b;
                await().atMost(Duration.ofSeconds(30)).until(() -> pollerGroupMembers(config) == 2);

                // the poller correlates through its index: the report quotes the Message-ID alone, no X-Mailpipe-Id
                deliver(box, Reports.hardBounce("report-1@mx.example.org", "one@example.org",
                        "Message-ID: " + MessageComposer.messageIdFor("h-1", DOMAIN) + "\nTo: one@example.org\n"));
                await().atMost(Duration.ofSeconds(60)).until(() -> published.records().size() == 1);
                BounceEvent first = InboxJson.readEvent(published.records().get(0).value());
                assertThat(first.requestId()).isEqualTo("h-1");
                assertThat(first.account()).isEqualTo("shop");
                assertThat(first.recipient()).isEqualTo("one@example.org");

                assertThat(a.pipeline.viewsLoaded()).as("the poller holds the views").isTrue();
                assertThat(second.pipeline.pollsMailboxes()).isFalse();
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> !second.pipeline.viewsLoaded());
                // every worker follows the suppression list: the hard bounce reaches the one that does not poll
                await().atMost(Duration.ofSeconds(30)).until(() -> second.pipeline.suppressionList()
                        .suppressedAmong(List.of("one@example.org")).contains("one@example.org"));
                String read = "Bounce views read " + topics.outcomes();
                assertThat(logs.lines()).filteredOn(l -> l.contains(read)).singleElement().asString()
                        .contains(read + " (1 sent messages) and " + topics.bounces() + " (0 events) in ")
                        .endsWith(" s; polling the mailboxes now");

                // sent while the first one polls: the second learns of it only when it reads the views on election
                sent(kafka, topics, "h-2");
                a.close();
                a = null;
                assertThat(logs.lines()).anyMatch(l -> l.contains("Bounce views dropped (" + topics.outcomes()));

                await().atMost(Duration.ofSeconds(60)).until(second.pipeline::pollsMailboxes);
                assertThat(second.pipeline.viewsLoaded()).isTrue();
                assertThat(logs.lines()).filteredOn(l -> l.contains(read)).hasSize(2).last().asString()
                        .contains(read + " (2 sent messages) and " + topics.bounces() + " (1 events) in ");

                deliver(box, Reports.mailboxFull("report-2@mx.example.org", "two@example.org",
                        "Message-ID: " + MessageComposer.messageIdFor("h-2", DOMAIN) + "\nTo: two@example.org\n"));
                // the first report once more, as if the first poller had died before moving it: published before
                deliver(box, Reports.hardBounce("report-1@mx.example.org", "one@example.org",
                        "Message-ID: " + MessageComposer.messageIdFor("h-1", DOMAIN) + "\nTo: one@example.org\n"));
                await().atMost(Duration.ofSeconds(60)).until(() -> ImapFolders.count(imap, "bounces", "secret", "INBOX") == 0
                        && ImapFolders.count(imap, "bounces", "secret", BounceMailbox.DEFAULT_PROCESSED_FOLDER) == 3);
                // moved only after Kafka acknowledged: every record the second poller published is there by now
                await().atMost(Duration.ofSeconds(10)).until(() -> published.records().size() >= 2);
                assertThat(published.records()).hasSize(2);
                BounceEvent next = InboxJson.readEvent(published.records().get(1).value());
                assertThat(next.requestId()).as("correlated through the index the new poller read").isEqualTo("h-2");
                assertThat(next.account()).isEqualTo("shop");
                assertThat(next.reason()).isEqualTo("mailboxfull");
            } finally {
                if (bounces != null) {
                    bounces.close();
                }
                if (a != null) {
                    a.close();
                }
                if (b != null) {
                    b.close();
                }
            }
        } finally {
            mail.stop();
        }
    }

    /** What the sending worker writes for a request it sent: a SENT outcome with the account and the Message-ID. */
    private static void sent(KafkaIO kafka, KafkaSettings.Topics topics, String id) {
        kafka.send(topics.outcomes(), id, """
                {"id":"%s","status":"SENT","reasonCode":"accepted","reason":"250 ok","account":"shop","attempt":1,
                 "messageId":"%s","at":"2026-12-01T10:00:00Z"}""".formatted(id, MessageComposer.messageIdFor(id, DOMAIN)));
    }

    private static void deliver(GreenMailUser box, byte[] raw) throws Exception {
        box.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
    }

    /** Members of the bounce poller election group. */
    private static int pollerGroupMembers(MailpipeConfig config) throws Exception {
        String group = config.kafka().groupId() + ".bounce-poller";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members().size();
        }
    }

    /** The bounce side of one worker, wired as {@code worker.Worker} wires it. */
    private static final class BounceSide implements AutoCloseable {
        final BouncePipeline pipeline;
        final Main main;
        final RecordPublisher publisher;

        BounceSide(MailpipeConfig config) throws Exception {
            publisher = new RecordPublisher(config.kafka().connection(), Duration.ofSeconds(30),
                    TopicAdmin.maxRecordBytes(config.worker().maxRequestBytes()));
            pipeline = BouncePipeline.start(config);
            main = new Main();
            main.configure().withRoutesIncludePattern("classpath:routes/bounce-pipeline.yaml");
            main.configure().withJmxEnabled(false);
            main.init();
            main.start();
            pipeline.addRoutes(main.getCamelContext(), publisher, e -> {
            });
        }

        @Override
        public void close() throws Exception {
            main.stop();
            pipeline.close();
            publisher.close();
        }
    }
}
