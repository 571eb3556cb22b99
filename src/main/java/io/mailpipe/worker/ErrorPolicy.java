package io.mailpipe.worker;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

/**
 * mailpipe's error policy, in one place (wired by {@code routes/error-policy.yaml}):
 * <ul>
 *   <li>Infrastructure failures (Kafka cannot take records, the ledger cannot answer, shutdown): not handled. The
 *   record's offset is not committed; camel-kafka ({@code breakOnFirstError}) reads it again, so nothing is lost.</li>
 *   <li>Anything else (a bug or an input nobody foresaw, such as a request that crashes composition): the record is
 *   REJECTED with reason {@code internal_error} and dead-lettered with its original bytes, once; the partition moves on.</li>
 * </ul>
 */
public final class ErrorPolicy implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorPolicy.class);

    private final DeliveryService service;
    private final OutcomeWriter writer;
    private final ShutdownSignal shutdown;

    ErrorPolicy(DeliveryService service, OutcomeWriter writer, ShutdownSignal shutdown) {
        this.service = service;
        this.writer = writer;
        this.shutdown = shutdown;
    }

    /** True when the exchange's error is the request's problem and it should be dead-lettered. */
    public boolean deadLetters(Exchange exchange) {
        return !isInfrastructure(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    static boolean isInfrastructure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RecordPublisher.PublishFailedException
                    || t instanceof RequestLedger.LedgerUnavailableException
                    || t instanceof ShutdownSignal.ShuttingDownException
                    || t instanceof io.mailpipe.quota.QuotaPauseException
                    || t instanceof io.mailpipe.quota.QuotaLedger.QuotaUnavailableException
                    || t instanceof io.mailpipe.kafka.TopicFollower.NotCaughtUpException
                    || t instanceof org.apache.kafka.common.KafkaException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Delivery delivery = deadLetter(ExchangeRecords.delivery(exchange), ExchangeRecords.inbound(exchange), error);
        PublishOutcomeProcessor.publish(writer, shutdown, delivery);
    }

    /**
     * The record's delivery turned into REJECTED / INTERNAL_ERROR after an unexpected error (kept as it was when its
     * message went out already), logged once with the error.
     */
    Delivery deadLetter(Delivery existing, io.mailpipe.pipeline.InboundRecord in, Throwable error) {
        Delivery delivery = service.internalError(existing, in, error);
        io.mailpipe.logging.LogContext.set(delivery.requestId(), delivery.account() == null ? null : delivery.account().name());
        LOG.warn("request={} record {} dead-lettered after an unexpected error", delivery.requestId(),
                delivery.source().coordinates(), error);
        return delivery;
    }
}
