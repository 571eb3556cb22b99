package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.bounce.BounceParser;
import io.mailpipe.config.BounceMailbox;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.SuppressionSettings;
import io.mailpipe.suppression.SuppressionPolicy;
import io.mailpipe.suppression.SuppressionState;
import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.MutableClock;

/**
 * The route step on its own: nothing about a message keeps it in the folder (unreadable bytes go the unparsed way),
 * Kafka failing leaves the message and the rest of the poll without failing the exchange and is logged once.
 */
class BounceMailProcessorTest {
    private static final KafkaSettings.Topics TOPICS = KafkaSettings.Topics.withPrefix("t.");
    private static final Session SESSION = Session.getInstance(new Properties());

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final BounceMailbox mailbox = BounceMailbox.resolve(List.of(new BounceMailbox.Settings("proc-box", "imap",
            "127.0.0.1", 143, "u", "p", null, null, null, null, Duration.ofSeconds(10), null, true))).get(0);
    private final List<List<ProducerRecord<byte[], byte[]>>> published = new ArrayList<>();
    private RuntimeException kafkaFailure;
    private final BounceHistory history = new BounceHistory(TOPICS.bounces(), null);
    /** What the views read while the processor waits for them to catch up (another worker's records). */
    private final List<Runnable> readByTheViews = new ArrayList<>();
    /** False: this worker was deposed, its views dropped, while its route still had a message. */
    private boolean viewsHeld = true;
    private final BounceIntake intake = new BounceIntake("proc-box", TOPICS, new BounceParser(), (q, m, v) -> null, history,
            new SuppressionState(), new SuppressionPolicy(new SuppressionSettings(true, null)), 1024 * 1024);
    private final BounceMailProcessor processor = new BounceMailProcessor(mailbox,
            timeout -> {
                if (!viewsHeld) {
                    throw new IllegalStateException("this worker holds no bounce views (it is not the elected poller)");
                }
                readByTheViews.forEach(Runnable::run);
                return intake;
            },
            records -> {
                if (kafkaFailure != null) {
                    throw kafkaFailure;
                }
                published.add(records);
            }, clock, event -> {
            });
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stopCamel() throws Exception {
        camel.close();
    }

    private Exchange exchange(MimeMessage mail, int batchIndex) {
        Exchange e = new DefaultExchange(camel);
        e.setIn(new MailMessage(e, mail, false));
        e.setProperty(ExchangePropertyKey.BATCH_INDEX, batchIndex);
        return e;
    }

    private static MimeMessage message(String text) throws MessagingException {
        return new MimeMessage(SESSION, new ByteArrayInputStream(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** A message whose bytes the server will not give. */
    private static MimeMessage failing(MessagingException e) throws MessagingException {
        return new MimeMessage(message("Subject: x\n\nx\n")) {
            @Override
            public void writeTo(OutputStream os) throws MessagingException {
                throw e;
            }
        };
    }

    @Test
    void aReportFromADomainlessSenderIsDecidedAndMoved() throws Exception {
        Exchange e = exchange(message(new String(Reports.hardBounce("r-1@mx.example.org", "ann@example.org", "To: ann@example.org\n"),
                StandardCharsets.US_ASCII).replace("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>", "From: MAILER-DAEMON")
                .replace("\r\n", "\n")), 0);
        processor.process(e);
        assertThat(e.getException()).isNull();
        assertThat(published).singleElement().satisfies(r -> assertThat(r.get(0).topic()).isEqualTo(TOPICS.bounces()));
        assertThat(e.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isEqualTo(mailbox.processedFolder());
        assertThat(e.getIn()).isNotInstanceOf(MailMessage.class); // camel-mail's would load the ENVELOPE for headers
    }

    /**
     * Found by the chaos run (ChaosSmokeIT, seed 4671): a worker cut off from Kafka held a report of its poll while
     * another worker took the mailbox over and published it; back on the network, the first one had decided before
     * its views caught up and published the report's bounce event a second time. The decision comes after the views.
     */
    @Test
    void aReportAnotherWorkerPublishedWhileTheViewsCaughtUpIsNotPublishedAgain() throws Exception {
        byte[] report = Reports.hardBounce("r-2@mx.example.org", "bob@example.org", "To: bob@example.org\n");
        BounceIntake other = new BounceIntake("proc-box", TOPICS, new BounceParser(), (q, m, v) -> null,
                new BounceHistory(TOPICS.bounces(), null), new SuppressionState(),
                new SuppressionPolicy(new SuppressionSettings(true, null)), 1024 * 1024);
        List<BounceEvent> othersEvents = other.decide(report, clock.instant()).events();
        assertThat(othersEvents).hasSize(1);
        readByTheViews.add(() -> othersEvents.forEach(history::remember));

        Exchange e = exchange(message(new String(report, StandardCharsets.US_ASCII).replace("\r\n", "\n")), 0);
        processor.process(e);

        assertThat(e.getException()).isNull();
        assertThat(published).as("records published by this worker").allSatisfy(records -> assertThat(records)
                .noneMatch(r -> r.topic().equals(TOPICS.bounces())));
        assertThat(e.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isEqualTo(mailbox.processedFolder());
    }

    /** Deposed with a poll under way: no message is decided without the views, each stays for the new poller. */
    @Test
    void withoutTheViewsNothingIsDecidedAndTheMessagesStay() throws Exception {
        viewsHeld = false;
        Exchange first = exchange(message("From: MAILER-DAEMON\nMessage-ID: <v1@x>\n\nnot a report\n"), 0);
        Exchange second = exchange(message("From: MAILER-DAEMON\nMessage-ID: <v2@x>\n\nnot a report\n"), 1);
        processor.process(first);
        processor.process(second);
        assertThat(published).isEmpty();
        assertThat(List.of(first, second)).allSatisfy(e -> {
            assertThat(e.getException()).isNull();
            assertThat(e.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isNull();
        });
        assertThat(processor.errors().count(BounceMailProcessor.PUBLISHING)).isEqualTo(1);
    }

    @Test
    void aMessageWhoseBytesCannotBeReadGoesTheUnparsedWayWithTheError() throws Exception {
        Exchange e = exchange(failing(new MessagingException("A7 NO [SERVERBUG] Internal error occurred")), 0);
        processor.process(e);
        assertThat(e.getException()).isNull();
        assertThat(e.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isEqualTo(mailbox.unparsedFolder());
        UnparsedMessage u = InboxJson.readUnparsed(published.get(0).get(0).value());
        assertThat(u.error()).startsWith("the message could not be read from the mailbox: the server did not give the"
                + " message's bytes").contains("SERVERBUG");
        assertThat(u.size()).isZero();
        assertThat(Base64.getDecoder().decode(u.raw())).isEmpty();
        assertThat(u.reportId()).startsWith("proc-box/sha256:");
    }

    @Test
    void kafkaFailingLeavesTheMessageAndTheRestOfThePollAndIsLoggedOnce() throws Exception {
        kafkaFailure = new IllegalStateException("Kafka did not acknowledge a record for t.mail.bounces");
        try (LogCapture logs = LogCapture.begin()) {
            List<Exchange> poll = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Exchange e = exchange(message("From: MAILER-DAEMON\nMessage-ID: <n" + i + "@x>\n\nnot a report\n"), i);
                processor.process(e);
                poll.add(e);
            }
            assertThat(poll).allSatisfy(e -> {
                assertThat(e.getException()).isNull(); // camel-mail rolls nothing back, logs no stack trace
                assertThat(e.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isNull(); // stays in the folder
            });
            assertThat(published).isEmpty();
            for (int p = 0; p < 3; p++) { // the next polls: Kafka still down
                processor.process(exchange(message("Subject: again\n\nx\n"), 0));
            }
            assertThat(logs.lines().stream().filter(l -> l.contains("proc-box") && l.contains("publishing to Kafka"))).hasSize(1);
            assertThat(processor.errors().count(BounceMailProcessor.PUBLISHING)).isEqualTo(4);

            kafkaFailure = null;
            Exchange e = exchange(message("From: MAILER-DAEMON\nMessage-ID: <n9@x>\n\nnot a report\n"), 0);
            processor.process(e);
            assertThat(e.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isEqualTo(mailbox.unparsedFolder());
            assertThat(logs.lines()).anyMatch(l -> l.contains("proc-box: publishing to Kafka works again after 4 failure(s)"));
        }
    }

    @Test
    void aLostConnectionLeavesTheRestOfThePoll() throws Exception {
        Exchange first = exchange(failing(new FolderClosedException(null, "connection dropped")), 0);
        Exchange second = exchange(message("From: MAILER-DAEMON\n\nx\n"), 1);
        processor.process(first);
        processor.process(second);
        assertThat(published).isEmpty();
        assertThat(first.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isNull();
        assertThat(second.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isNull();
        Exchange nextPoll = exchange(message("From: MAILER-DAEMON\n\nx\n"), 0);
        processor.process(nextPoll);
        assertThat(nextPoll.getIn().getHeader(MailConstants.MAIL_MOVE_TO)).isEqualTo(mailbox.unparsedFolder());
    }
}
