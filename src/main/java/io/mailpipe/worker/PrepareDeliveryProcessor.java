package io.mailpipe.worker;

import io.mailpipe.quota.QuotaPauseException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

import io.mailpipe.logging.LogContext;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;
import io.mailpipe.pipeline.InboundRecord;

/**
 * Route step {@code prepareDelivery}: reads and checks the request, chooses the account, composes the message.
 * Whatever happens later on the route, the request id's claim is released when the exchange completes, so a
 * record that fails and is read again is not blocked by its own earlier attempt.
 */
public final class PrepareDeliveryProcessor implements Processor {
    private final DeliveryService service;
    private final ConsumptionGate gate;

    public PrepareDeliveryProcessor(DeliveryService service, ConsumptionGate gate) {
        this.service = service;
        this.gate = gate;
    }

    @Override
    public void process(Exchange exchange) {
        InboundRecord inbound = ExchangeRecords.inbound(exchange);
        // until the request is read, its lines carry the record key (by contract the request id)
        String key = inbound.keyText();
        LogContext.set(key != null && key.length() <= 200 ? key : null, null);
        Delivery delivery = service.start(inbound);
        exchange.setProperty(ExchangeRecords.DELIVERY, delivery);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                // PublishOutcomeProcessor released it after Kafka's answer; otherwise (an error) here
                if (delivery.claim() != null) {
                    delivery.claim().close();
                }
                LogContext.clear();
            }
        });
        service.prepare(delivery);
        LogContext.set(delivery.requestId(), delivery.account() == null ? null : delivery.account().name());
        if (delivery.pauseUntil() != null) {
            gate.pause(exchange.getFromRouteId(), delivery.pauseUntil(), delivery.pauseCandidates(), delivery.pauseReason());
            // unhandled on purpose: camel-kafka does not commit this record and reads it again after the pause
            throw new QuotaPauseException(delivery.pauseReason(), delivery.pauseUntil());
        }
    }
}
