package io.mailpipe.worker;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.logging.LogContext;
import io.mailpipe.metrics.MailpipeMetrics;
import io.mailpipe.outcome.Status;
import io.mailpipe.pipeline.Conclusion;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

/**
 * Writes a delivery's records (outcome event, plus dead letter or retry record) to Kafka. Once Kafka answered, a
 * terminal outcome marks the id finished and the claim is released. A SENT outcome is logged at DEBUG (the outcome
 * topic is the record of it); every other outcome at INFO.
 */
final class OutcomeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);

    private final DeliveryService service;
    private final OutcomeRecords records;
    private final RecordPublisher publisher;
    private final MailpipeMetrics metrics;

    OutcomeWriter(DeliveryService service, OutcomeRecords records, RecordPublisher publisher, MailpipeMetrics metrics) {
        this.service = service;
        this.records = records;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /**
     * Concludes the delivery and hands its records to Kafka without waiting.
     *
     * @return the acknowledgement, or null when there was nothing to publish
     */
    CompletableFuture<Void> write(Delivery delivery) {
        RequestLedger.Claim claim = delivery.claim();
        Conclusion conclusion = service.conclude(delivery);
        if (conclusion.isEmpty()) {
            return null;
        }
        List<ProducerRecord<byte[], byte[]>> toWrite = records.records(conclusion);
        RequestLedger.Pending<Conclusion> pending = delivery.sendToRemember(conclusion);
        if (pending != null && claim != null) {
            claim.sendHappened(pending);
        }
        boolean terminal = delivery.isTerminal();
        var outcome = delivery.outcome();
        if (outcome == null || outcome.status() != Status.SENT ? LOG.isInfoEnabled() : LOG.isDebugEnabled()) {
            String line = "request={} account={} outcome: {}";
            Object account = delivery.account() == null ? "-" : delivery.account().name();
            if (outcome != null && outcome.status() == Status.SENT) {
                LOG.debug(line, delivery.requestId(), account, service.describe(delivery));
            } else {
                LOG.info(line, delivery.requestId(), account, service.describe(delivery));
            }
        }
        return publisher.publishAsync(toWrite).whenComplete((ok, error) -> {
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

    /** Writes and waits for Kafka, and releases the delivery's claim (the retry route and the error policy). */
    void writeAndWait(Delivery delivery) {
        LogContext.set(delivery.requestId(), delivery.account() == null ? null : delivery.account().name());
        try {
            CompletableFuture<Void> written = write(delivery);
            if (written != null) {
                publisher.await(written);
            }
        } finally {
            if (delivery.claim() != null) {
                delivery.claim().close();
            }
        }
    }
}
