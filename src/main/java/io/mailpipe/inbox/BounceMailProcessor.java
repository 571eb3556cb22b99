package io.mailpipe.inbox;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import jakarta.mail.Message;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.config.BounceMailbox;
import io.mailpipe.kafka.RecordPublisher;

/**
 * Route step of one bounce mailbox (routes/bounce-pipeline.yaml): reads the message camel-mail polled
 * ({@link PolledMessage}: bytes and arrival time, never the ENVELOPE; camel-mail's own message, which reads the
 * ENVELOPE for its headers, is replaced by a plain one), lets {@link BounceIntake} decide, publishes and
 * waits for Kafka's acknowledgement, then tells camel-mail where to move the message ({@code moveTo} header).
 * <ul>
 *   <li>Nothing about the message itself keeps it in the folder: a message whose bytes the server refuses, or that
 *       the decision fails on, goes the unparsed way with the error.</li>
 *   <li>When Kafka does not acknowledge (or the views cannot catch up), nothing is moved: the message stays and is
 *       read again later ({@link MailboxProgress} parks it for a back-off), and the rest of this poll is left alone
 *       instead of waiting for Kafka once per message. The failure is logged once and then counted
 *       ({@link RepeatedErrors}). A lost IMAP connection leaves the rest of the poll in the same way.</li>
 * </ul>
 * The step never fails the exchange for these causes, so camel-mail logs no stack trace per message and poll.
 */
public final class BounceMailProcessor implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(BounceMailProcessor.class);
    private static final Duration VIEW_WAIT = Duration.ofSeconds(60);
    /** How often a failure that keeps repeating is summed up in the log. */
    static final Duration SUMMARY_EVERY = Duration.ofMinutes(10);
    static final String PUBLISHING = "publishing to Kafka";
    static final String READING = "reading from the mailbox";

    /** Where the records go: {@link RecordPublisher#publish}, which returns once Kafka acknowledged every record. */
    @FunctionalInterface
    public interface Publisher {
        /** Publishes and waits for the acknowledgements; throws when they do not come. */
        void publish(List<ProducerRecord<byte[], byte[]>> records);
    }

    /**
     * The decisions of this mailbox on views caught up with their topics: {@link BouncePipeline} hands out an intake on
     * the views the elected worker holds ({@link BounceViews}).
     */
    @FunctionalInterface
    public interface CaughtUpIntake {
        /**
         * Waits until the views have read everything written to their topics so far, and returns the intake that
         * decides on them; throws when this worker holds no views or they cannot catch up within the timeout.
         */
        BounceIntake await(Duration timeout);
    }

    private final BounceMailbox mailbox;
    private final CaughtUpIntake intakes;
    private final Publisher publisher;
    /** Told of every bounce event published: the worker's metrics. */
    private final Consumer<BounceEvent> counted;
    private final Clock clock;
    private final MailboxProgress progress;
    private final RepeatedErrors errors;
    /** Set when Kafka or the connection failed in the current poll: its other messages wait for the next. */
    private volatile boolean pollAbandoned;

    public BounceMailProcessor(BounceMailbox mailbox, CaughtUpIntake intakes, Publisher publisher, Clock clock,
                               Consumer<BounceEvent> counted) {
        this.counted = counted;
        this.mailbox = mailbox;
        this.intakes = intakes;
        this.publisher = publisher;
        this.clock = clock;
        this.progress = new MailboxProgress(mailbox.pollInterval(), clock);
        this.errors = new RepeatedErrors(LOG, mailbox.name(), clock, SUMMARY_EVERY);
    }

    /** The mailbox's progress keeper (the route's {@code idempotentRepository} and {@code mailUidGenerator}). */
    MailboxProgress progress() {
        return progress;
    }

    /** The failures logged once and counted (also camel-mail's consumer errors, see {@link #consumerErrors}). */
    RepeatedErrors errors() {
        return errors;
    }

    @Override
    public void process(Exchange exchange) {
        if (Integer.valueOf(0).equals(exchange.getProperty(ExchangePropertyKey.BATCH_INDEX, Integer.class))) {
            pollAbandoned = false; // the first message of a new poll
        }
        Message mail = exchange.getIn(MailMessage.class).getOriginalMessage();
        // camel-mail fills a MailMessage's headers from the message (its ENVELOPE too) the first time any header is
        // touched, also to read the moveTo header after this step: the decision travels on a plain message instead
        exchange.setIn(new DefaultMessage(exchange));
        if (pollAbandoned) {
            progress.left(PolledMessage.uid(mail));
            return; // Kafka or the connection failed earlier in this poll: read again later
        }
        PolledMessage polled = PolledMessage.read(mail, clock);
        switch (polled.outcome()) {
            case GONE -> {
                return; // someone else took it out of the folder
            }
            case CONNECTION_LOST -> {
                errors.failed(READING, new IllegalStateException(polled.error()));
                abandon(polled.uid());
                return;
            }
            default -> {
                // READ or UNREADABLE: decided below
            }
        }
        BounceIntake intake;
        BounceIntake.Decision decision;
        try {
            // the message-id index and the published ids must include everything written so far before deciding: a
            // worker cut off from Kafka holds a poll while another worker takes the mailbox over and publishes the same
            // report; once back, this one must see that report as published before (found by the chaos run). A worker
            // deposed meanwhile holds no views: the message stays for the new poller.
            intake = intakes.await(VIEW_WAIT);
            decision = polled.outcome() == PolledMessage.Outcome.READ
                    ? intake.decide(polled.raw(), polled.receivedAt())
                    : intake.decideUnreadable(polled.uid(), polled.error(), polled.receivedAt());
            if (!decision.records().isEmpty()) {
                publisher.publish(decision.records());
            }
        } catch (RuntimeException e) {
            errors.failed(PUBLISHING, e);
            abandon(polled.uid());
            return;
        }
        errors.succeeded(PUBLISHING);
        intake.published(decision);
        decision.events().forEach(counted);
        exchange.getIn().setHeader(MailConstants.MAIL_MOVE_TO, decision.disposition() == BounceIntake.Disposition.UNPARSED
                ? mailbox.unparsedFolder() : mailbox.processedFolder());
        LOG.info("bounce mailbox={} report={}: {}", mailbox.name(), decision.reportId(), decision.describe());
    }

    /** Leaves this message and the rest of the poll in the folder. */
    private void abandon(String uid) {
        pollAbandoned = true;
        progress.left(uid);
    }

    /**
     * The route's {@code exceptionHandler}: camel-mail reports a failed move (and other consumer errors) here; logged
     * once per cause and counted instead of once per message and poll.
     */
    public org.apache.camel.spi.ExceptionHandler consumerErrors() {
        return new org.apache.camel.spi.ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                errors.failed("the mail consumer", exception);
            }

            @Override
            public void handleException(String message, Throwable exception) {
                errors.failed("the mail consumer", exception);
            }

            @Override
            public void handleException(String message, Exchange exchange, Throwable exception) {
                errors.failed("moving a message out of the folder", exception);
            }
        };
    }
}
