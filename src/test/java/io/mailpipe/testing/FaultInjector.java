package io.mailpipe.testing;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.pipeline.Delivery;

/**
 * A route step for tests, declared as a bean in {@code test-routes/faulty-pipeline.yaml}: a request whose
 * subject is "boom" crashes processing (a poison request); one whose subject is "flaky" fails the first
 * two times as if Kafka were unavailable.
 */
public final class FaultInjector implements Processor {
    /** Times the "flaky" request failed so far, across workers of this JVM. */
    public static final AtomicInteger FLAKY_FAILURES = new AtomicInteger();

    @Override
    public void process(Exchange exchange) throws Exception {
        Delivery delivery = exchange.getProperty("mailpipe.delivery", Delivery.class);
        if (delivery == null || delivery.composed() == null) {
            return;
        }
        String subject = delivery.composed().message().getSubject();
        if ("boom".equals(subject)) {
            throw new IllegalStateException("simulated bug while composing");
        }
        if ("flaky".equals(subject) && FLAKY_FAILURES.get() < 2) {
            FLAKY_FAILURES.incrementAndGet();
            throw new RecordPublisher.PublishFailedException("simulated: Kafka unavailable", null);
        }
    }
}
