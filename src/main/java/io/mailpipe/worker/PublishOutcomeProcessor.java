package io.mailpipe.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.logging.LogContext;
import io.mailpipe.metrics.MailpipeMetrics;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

/**
 * Route step {@code publishOutcome}: writes the outcome event (and the dead letter or retry record). A record of a
 * batch ({@link DeliverBatchProcessor}) hands the records to Kafka without waiting and leaves the acknowledgement's
 * future on the exchange; the batch waits for all of them before it commits. Otherwise (the retry route) the step
 * returns only when Kafka acknowledged them, so camel-kafka commits the input offset after the outcome is safe.
 */
public final class PublishOutcomeProcessor implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(PublishOutcomeProcessor.class);

    /** How long the consumer holds still after Kafka refused records, before the record is read again. */
    static final Duration PAUSE_AFTER_PUBLISH_FAILURE = Duration.ofSeconds(1);

    private final DeliveryService service;
    private final RecordPublisher publisher;
    private final ShutdownSignal shutdown;
    private final MailpipeMetrics metrics;

    public PublishOutcomeProcessor(DeliveryService service, RecordPublisher publisher, ShutdownSignal shutdown,
                                   MailpipeMetrics metrics) {
        this.service = service;
        this.publisher = publisher;
        this.shutdown = shutdown;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Delivery delivery = ExchangeRecords.delivery(exchange);
        if (Boolean.TRUE.equals(exchange.getProperty(ExchangeRecords.BATCHED, Boolean.class))) {
            CompletableFuture<Void> written = write(service, publisher, metrics, delivery);
            if (written != null) {
                exchange.setProperty(ExchangeRecords.OUTCOME_WRITTEN, written);
            }
        } else {
            publish(service, publisher, shutdown, metrics, delivery);
        }
    }

    /**
     * Concludes the delivery and hands its records to Kafka without waiting; once Kafka answered, a terminal
     * outcome marks the id finished and the claim is released.
     *
     * @return the acknowledgement, or null when there was nothing to publish
     */
    private static CompletableFuture<Void> write(DeliveryService service, RecordPublisher publisher, MailpipeMetrics metrics,
                                                 Delivery delivery) {
        RequestLedger.Claim claim = delivery.claim();
        List<ProducerRecord<byte[], byte[]>> records = service.conclude(delivery);
        if (records.isEmpty()) {
            return null;
        }
        RequestLedger.Pending pending = delivery.sendToRemember(records);
        if (pending != null && claim != null) {
            claim.sendHappened(pending);
        }
        boolean terminal = delivery.isTerminal();
        var outcome = delivery.outcome();
        LOG.info("request={} account={} outcome: {}", delivery.requestId(),
                delivery.account() == null ? "-" : delivery.account().name(), service.describe(delivery));
        return publisher.publishAsync(records).whenComplete((ok, error) -> {
            try {
                if (error == null) {
                    if (claim != null) {
                        claim.published(terminal);
                    }
                    metrics.outcomePublished(outcome);
                }
            } finally {
                if (claim != null) {
                    claim.close();
                }
            }
        });
    }

    /** Concludes, publishes and waits for Kafka, and releases the delivery's claim (also used by the error policy). */
    static void publish(DeliveryService service, RecordPublisher publisher, ShutdownSignal shutdown, MailpipeMetrics metrics,
                        Delivery delivery) {
        LogContext.set(delivery.requestId(), delivery.account() == null ? null : delivery.account().name());
        try {
            CompletableFuture<Void> written = write(service, publisher, metrics, delivery);
            if (written != null) {
                publisher.await(written);
            }
        } catch (RecordPublisher.PublishFailedException e) {
            // the record is read again; without a pause a refusal that repeats (a broker that is down, a record too
            // large for the topic) would turn into a busy loop
            shutdown.pause(PAUSE_AFTER_PUBLISH_FAILURE);
            throw e;
        } finally {
            if (delivery.claim() != null) {
                delivery.claim().close();
            }
        }
    }
}
