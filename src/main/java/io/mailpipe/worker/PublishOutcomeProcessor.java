package io.mailpipe.worker;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

/**
 * Route step {@code publishOutcome}: writes the outcome event (and the dead letter or retry record) and returns
 * only when Kafka acknowledged them, so camel-kafka commits the input offset after the outcome is safe.
 */
public final class PublishOutcomeProcessor implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(PublishOutcomeProcessor.class);

    private final DeliveryService service;
    private final RecordPublisher publisher;

    public PublishOutcomeProcessor(DeliveryService service, RecordPublisher publisher) {
        this.service = service;
        this.publisher = publisher;
    }

    @Override
    public void process(Exchange exchange) {
        publish(service, publisher, ExchangeRecords.delivery(exchange));
    }

    /** Concludes, publishes and releases the delivery's claim (also used by the error policy). */
    static void publish(DeliveryService service, RecordPublisher publisher, Delivery delivery) {
        RequestLedger.Claim claim = delivery.claim();
        try {
            List<ProducerRecord<byte[], byte[]>> records = service.conclude(delivery);
            if (records.isEmpty()) {
                return;
            }
            RequestLedger.Pending pending = delivery.sendToRemember(records);
            if (pending != null && claim != null) {
                claim.sendHappened(pending);
            }
            publisher.publish(records);
            if (claim != null) {
                claim.published(delivery.isTerminal());
            }
            LOG.info("request={} account={} outcome: {}", delivery.requestId(),
                    delivery.account() == null ? "-" : delivery.account().name(), service.describe(delivery));
        } finally {
            if (claim != null) {
                claim.close();
            }
        }
    }
}
