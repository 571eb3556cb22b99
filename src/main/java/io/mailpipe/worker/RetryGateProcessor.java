package io.mailpipe.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code awaitRetryTime}: holds a {@code mail.retry} record until its {@code mailpipe.notBefore} time.
 * Records of a partition are in the order they were deferred, so one waiting record may hold back a later one
 * whose time came earlier; it is never sent before its time.
 */
public final class RetryGateProcessor implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(RetryGateProcessor.class);

    private final Clock clock;
    private final ShutdownSignal shutdown;

    public RetryGateProcessor(Clock clock, ShutdownSignal shutdown) {
        this.clock = clock;
        this.shutdown = shutdown;
    }

    @Override
    public void process(Exchange exchange) {
        Instant notBefore = ExchangeRecords.inbound(exchange).notBefore();
        if (notBefore == null) {
            return;
        }
        Duration wait = Duration.between(clock.instant(), notBefore);
        if (!wait.isNegative() && !wait.isZero()) {
            LOG.debug("retry record waits {} ms until {}", wait.toMillis(), notBefore);
            shutdown.await(wait);
        }
    }
}
