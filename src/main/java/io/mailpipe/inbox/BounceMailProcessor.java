package io.mailpipe.inbox;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.mail.Message;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.component.mail.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.config.BounceMailbox;
import io.mailpipe.kafka.RecordPublisher;

/**
 * Route step of one bounce mailbox (routes/bounce-pipeline.yaml): reads the raw message camel-mail polled, lets
 * {@link BounceIntake} decide, publishes and waits for Kafka's acknowledgement, then tells camel-mail where to move
 * the message ({@code moveTo} header). When anything fails before the acknowledgement, the exception makes camel-mail
 * leave the message where it is, and the next poll reads it again.
 */
public final class BounceMailProcessor implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(BounceMailProcessor.class);
    private static final Duration VIEW_WAIT = Duration.ofSeconds(60);

    private final BounceMailbox mailbox;
    private final BounceIntake intake;
    private final RecordPublisher publisher;
    /** Told of every bounce event published: the worker's metrics. */
    private final java.util.function.Consumer<BounceEvent> counted;
    private final Iterable<java.util.function.Consumer<Duration>> views;
    private final Clock clock;

    public BounceMailProcessor(BounceMailbox mailbox, BounceIntake intake, RecordPublisher publisher,
                               Iterable<java.util.function.Consumer<Duration>> views, Clock clock,
                               java.util.function.Consumer<BounceEvent> counted) {
        this.counted = counted;
        this.mailbox = mailbox;
        this.intake = intake;
        this.publisher = publisher;
        this.views = views;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message mail = exchange.getIn(MailMessage.class).getOriginalMessage();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        mail.writeTo(raw);
        Instant received = mail.getReceivedDate() != null ? mail.getReceivedDate().toInstant() : clock.instant();
        // the message-id index and the published ids must include everything written so far
        for (java.util.function.Consumer<Duration> awaitCaughtUp : views) {
            awaitCaughtUp.accept(VIEW_WAIT);
        }
        BounceIntake.Decision decision = intake.decide(raw.toByteArray(), received);
        if (!decision.records().isEmpty()) {
            publisher.publish(decision.records());
        }
        intake.published(decision);
        decision.events().forEach(counted);
        exchange.getIn().setHeader(MailConstants.MAIL_MOVE_TO, decision.disposition() == BounceIntake.Disposition.UNPARSED
                ? mailbox.unparsedFolder() : mailbox.processedFolder());
        LOG.info("bounce mailbox={} report={}: {}", mailbox.name(), decision.reportId(), decision.describe());
    }
}
