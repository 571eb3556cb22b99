package io.mailpipe.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code awaitRetryTime}: holds a {@code mail.retry} record until its {@code mailpipe.notBefore} time,
 * but never longer than {@code retry.maxBackoff} (the retry consumer must poll again before Kafka's poll interval
 * runs out). A record that is still not due after that is put back on {@code mail.retry} by the pipeline, never
 * sent early. Records of a partition are in the order they were deferred, so one waiting record may hold back a
 * later one whose time came earlier.
 */
public final class RetryGateProcessor implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(RetryGateProcessor.class);

    private final Clock clock;
    private final ShutdownSignal shutdown;
    private final Duration maxWait;

    public RetryGateProcessor(Clock clock, ShutdownSignal shutdown, Duration maxWait) {
        this.clock = clock;
        this.shutdown = shutdown;
        this.maxWait = maxWait;
    }

    @Override
    public void process(Exchange exchange) {
        Instant notBefore = ExchangeRecords.inbound(exchange).notBefore();
        if (notBefore == null) {
            return;
        }
        Duration wait = Duration.between(clock.instant(), notBefore);
        if (wait.compareTo(maxWait) > 0) {
            wait = maxWait;
        }
        if (!wait.isNegative() && !wait.isZero()) {
            LOG.debug("retry record waits {} ms until {}", wait.toMillis(), notBefore);
            shutdown.await(wait);
        }
    }
}
