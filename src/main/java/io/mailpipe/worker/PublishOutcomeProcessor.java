package io.mailpipe.worker;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.pipeline.Delivery;

/**
 * Route step {@code publishOutcome} (the retry route): writes the outcome event (and the dead letter or retry record)
 * and returns only when Kafka acknowledged them, so camel-kafka commits the input offset after the outcome is safe.
 */
public final class PublishOutcomeProcessor implements Processor {

    /** How long the consumer holds still after Kafka refused records, before the record is read again. */
    static final Duration PAUSE_AFTER_PUBLISH_FAILURE = Duration.ofSeconds(1);

    private final OutcomeWriter writer;
    private final ShutdownSignal shutdown;

    PublishOutcomeProcessor(OutcomeWriter writer, ShutdownSignal shutdown) {
        this.writer = writer;
        this.shutdown = shutdown;
    }

    @Override
    public void process(Exchange exchange) {
        publish(writer, shutdown, ExchangeRecords.delivery(exchange));
    }

    /** Writes, waits for Kafka and releases the delivery's claim (also used by the error policy). */
    static void publish(OutcomeWriter writer, ShutdownSignal shutdown, Delivery delivery) {
        try {
            writer.writeAndWait(delivery);
        } catch (RecordPublisher.PublishFailedException e) {
            // the record is read again; without a pause a refusal that repeats (a broker that is down, a record too
            // large for the topic) would turn into a busy loop
            shutdown.pause(PAUSE_AFTER_PUBLISH_FAILURE);
            throw e;
        }
    }
}
