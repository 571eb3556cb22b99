package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.mailpipe.bounce.BounceParser;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.SuppressionSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.suppression.SuppressionJson;
import io.mailpipe.suppression.SuppressionPolicy;
import io.mailpipe.suppression.SuppressionState;

/** The decisions for one bounce mailbox message: events, correlation, suppressions, unparsed, de-duplication. */
class BounceIntakeTest {

    private static final Instant T0 = Instant.parse("2030-03-01T12:00:00Z");
    private static final KafkaSettings.Topics TOPICS = KafkaSettings.Topics.withPrefix("t.");

    private final MessageIndex index = new MessageIndex();
    private final BounceHistory history = new BounceHistory(TOPICS.bounces(), Duration.ofDays(7));
    private final SuppressionState suppressions = new SuppressionState();

    private BounceIntake intake(SuppressionSettings settings) {
        return new BounceIntake("box", TOPICS, new BounceParser(), index, history, suppressions, new SuppressionPolicy(settings), 64);
    }

    private final BounceIntake intake = intake(new SuppressionSettings(true, new SuppressionSettings.SoftBounceRule(3, Duration.ofDays(7))));

    private void sent(String requestId, String messageId, String account) {
        index.learn(new OutcomeEvent(requestId, Status.SENT, "accepted", "ok", account, 1, null, messageId, null, null, null,
                new OutcomeEvent.Source("t.mail.requests", 0, 1), T0));
    }

    private static List<String> topics(BounceIntake.Decision d) {
        return d.records().stream().map(ProducerRecord::topic).toList();
    }

    @Test
    void hardBounceQuotingTheMessageIdIsCorrelatedAndSuppresses() {
        sent("r-1", "<abc123.mailpipe@shop.example>", "shop");
        BounceIntake.Decision d = intake.decide(Reports.hardBounce("rep-1@mx.example.org", "ann@example.org",
                "Message-ID: <abc123.mailpipe@shop.example>\nTo: ann@example.org\n"), T0);
        assertThat(d.disposition()).isEqualTo(BounceIntake.Disposition.PROCESSED);
        assertThat(d.reportId()).isEqualTo("box/<rep-1@mx.example.org>");
        assertThat(topics(d)).containsExactly(TOPICS.bounces(), TOPICS.suppressions());
        BounceEvent e = d.events().get(0);
        assertThat(e.eventId()).isEqualTo("box/<rep-1@mx.example.org>#0");
        assertThat(e.kind()).isEqualTo("bounce");
        assertThat(e.reason()).isEqualTo("userunknown");
        assertThat(e.hard()).isTrue();
        assertThat(e.requestId()).isEqualTo("r-1");
        assertThat(e.account()).isEqualTo("shop");
        assertThat(e.receivedAt()).isEqualTo(T0);
        assertThat(new String(d.records().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("r-1");
        assertThat(d.suppressions()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo("ann@example.org");
            assertThat(s.reason()).isEqualTo("hard_bounce");
            assertThat(s.source()).isEqualTo("bounce:" + e.eventId());
            assertThat(s.since()).isEqualTo(T0);
        });
        assertThat(new String(d.records().get(1).key(), StandardCharsets.UTF_8)).isEqualTo("ann@example.org");
        assertThat(SuppressionJson.read(d.records().get(1).value())).isEqualTo(d.suppressions().get(0));
    }

    @Test
    void theQuotedXMailpipeIdWinsAndAnUnknownOriginIsKeyedByTheReport() {
        sent("r-2", "<zzz@shop.example>", "relay");
        BounceIntake.Decision byHeader = intake.decide(Reports.hardBounce("rep-2@mx", "bob@example.org",
                "X-Mailpipe-Id: r-2\nTo: bob@example.org\n"), T0);
        assertThat(byHeader.events().get(0).requestId()).isEqualTo("r-2");
        assertThat(byHeader.events().get(0).account()).isEqualTo("relay");

        BounceIntake.Decision unknown = intake.decide(Reports.hardBounce("rep-3@mx", "cy@example.org",
                "Message-ID: <not-ours@elsewhere.example>\n"), T0);
        assertThat(unknown.events().get(0).requestId()).isNull();
        assertThat(unknown.events().get(0).account()).isNull();
        assertThat(new String(unknown.records().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("box/<rep-3@mx>");
    }

    @Test
    void aReportReadAgainIsNotPublishedAgain() {
        byte[] report = Reports.hardBounce("rep-4@mx", "dan@example.org", "X-Mailpipe-Id: r-4\n");
        BounceIntake.Decision first = intake.decide(report, T0);
        intake.published(first);
        BounceIntake.Decision again = intake.decide(report, T0.plusSeconds(5));
        assertThat(again.records()).isEmpty();
        assertThat(again.alreadyPublished()).isEqualTo(1);
        assertThat(again.disposition()).isEqualTo(BounceIntake.Disposition.PROCESSED);
    }

    @Test
    void aSuppressionNotAcknowledgedLastTimeIsPublishedWhenTheReportIsReadAgain() {
        byte[] report = Reports.hardBounce("rep-5@mx", "eve@example.org", "X-Mailpipe-Id: r-5\n");
        BounceIntake.Decision first = intake.decide(report, T0);
        // the event reached mail.bounces (read back by the history), the suppression did not
        history.remember(first.events().get(0));
        BounceIntake.Decision again = intake.decide(report, T0);
        assertThat(topics(again)).containsExactly(TOPICS.suppressions());
    }

    @Test
    void softBouncesSuppressOnlyWhenTheRuleIsReached() {
        for (int i = 1; i <= 3; i++) {
            BounceIntake.Decision d = intake.decide(Reports.mailboxFull("soft-" + i + "@mx", "fay@example.org", "X-Mailpipe-Id: r-s" + i + "\n"),
                    T0.plus(Duration.ofDays(i)));
            assertThat(d.events().get(0).reason()).isEqualTo("mailboxfull");
            assertThat(d.events().get(0).hard()).isFalse();
            assertThat(d.suppressions()).as("soft bounce %d", i).hasSize(i < 3 ? 0 : 1);
            intake.published(d);
        }
        assertThat(suppressions.get("fay@example.org")).hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo("soft_bounces"));
    }

    @Test
    void softBouncesOutsideTheWindowDoNotCount() {
        for (int i = 0; i < 3; i++) {
            BounceIntake.Decision d = intake.decide(Reports.mailboxFull("w-" + i + "@mx", "gil@example.org", "\n"),
                    T0.plus(Duration.ofDays(4L * i)));
            assertThat(d.suppressions()).isEmpty();
            intake.published(d);
        }
    }

    @Test
    void withoutARuleSoftBouncesNeverSuppress() {
        BounceIntake noRule = intake(SuppressionSettings.defaults());
        for (int i = 0; i < 5; i++) {
            BounceIntake.Decision d = noRule.decide(Reports.mailboxFull("n-" + i + "@mx", "hal@example.org", "\n"), T0.plusSeconds(i));
            assertThat(d.suppressions()).isEmpty();
            noRule.published(d);
        }
    }

    @Test
    void suppressionDisabledPublishesEventsOnly() {
        BounceIntake off = intake(new SuppressionSettings(false, null));
        BounceIntake.Decision d = off.decide(Reports.hardBounce("off@mx", "ivy@example.org", "\n"), T0);
        assertThat(topics(d)).containsExactly(TOPICS.bounces());
    }

    @Test
    void anAlreadySuppressedAddressIsNotAddedAgain() {
        intake.published(intake.decide(Reports.hardBounce("a1@mx", "jo@example.org", "\n"), T0));
        BounceIntake.Decision second = intake.decide(Reports.hardBounce("a2@mx", "JO@example.org", "\n"), T0);
        assertThat(topics(second)).containsExactly(TOPICS.bounces());
    }

    @Test
    void aMessageThatIsNoReportGoesRawToUnparsedOnce() {
        byte[] raw = Reports.notAReport();
        BounceIntake.Decision d = intake.decide(raw, T0);
        assertThat(d.disposition()).isEqualTo(BounceIntake.Disposition.UNPARSED);
        assertThat(topics(d)).containsExactly(TOPICS.bouncesUnparsed());
        assertThat(d.reportId()).startsWith("box/sha256:").hasSize("box/sha256:".length() + 32);
        UnparsedMessage u = InboxJson.readUnparsed(d.records().get(0).value());
        assertThat(Base64.getDecoder().decode(u.raw())).isEqualTo(raw);
        assertThat(u.size()).isEqualTo(raw.length);
        assertThat(u.truncated()).isFalse();
        intake.published(d);
        BounceIntake.Decision again = intake.decide(raw, T0);
        assertThat(again.records()).isEmpty();
        assertThat(again.disposition()).isEqualTo(BounceIntake.Disposition.UNPARSED);
    }

    @Test
    void aLargeUnparsedMessageIsCutAndSaysSo() {
        byte[] raw = ("Subject: big\r\n\r\n" + "x".repeat(500)).getBytes(StandardCharsets.US_ASCII);
        UnparsedMessage u = intake.decide(raw, T0).unparsed();
        assertThat(u.truncated()).isTrue();
        assertThat(u.size()).isEqualTo(raw.length);
        assertThat(Base64.getDecoder().decode(u.raw())).hasSize(64);
    }

    @Test
    void sesNotificationFieldsAreCopied() {
        byte[] raw = Reports.dsn("ses-1@mx", "kim@example.org", "5.1.1", "550 5.1.1 user unknown",
                "X-Mailpipe-Id: r-ses\n\n{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\"}}");
        BounceEvent e = intake.decide(raw, T0).events().get(0);
        assertThat(e.sesBounceType()).isEqualTo("Permanent");
        assertThat(e.sesSubType()).isEqualTo("General");
    }

    @Test
    void anUnexpectedErrorWhileDecidingKeepsTheMessageTheUnparsedWay() {
        BounceIntake.Correlator broken = (requestId, messageId, verp) -> {
            throw new IllegalStateException("boom");
        };
        BounceIntake b = new BounceIntake("box", TOPICS, new BounceParser(), broken, history, suppressions,
                new SuppressionPolicy(SuppressionSettings.defaults()), 1 << 20);
        BounceIntake.Decision d = b.decide(Reports.hardBounce("err@mx", "lu@example.org", "\n"), T0);
        assertThat(d.disposition()).isEqualTo(BounceIntake.Disposition.UNPARSED);
        assertThat(d.unparsed().error()).isEqualTo("processing failed: IllegalStateException");
        assertThat(topics(d)).containsExactly(TOPICS.bouncesUnparsed());
    }
}
