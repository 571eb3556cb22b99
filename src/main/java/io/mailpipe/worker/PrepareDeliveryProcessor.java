package io.mailpipe.worker;

import io.mailpipe.quota.QuotaPauseException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

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
        Delivery delivery = service.start(ExchangeRecords.inbound(exchange));
        exchange.setProperty(ExchangeRecords.DELIVERY, delivery);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (delivery.claim() != null) {
                    delivery.claim().close();
                }
            }
        });
        service.prepare(delivery);
        if (delivery.pauseUntil() != null) {
            gate.pause(exchange.getFromRouteId(), delivery.pauseUntil(), delivery.pauseCandidates(), delivery.pauseReason());
            // unhandled on purpose: camel-kafka does not commit this record and reads it again after the pause
            throw new QuotaPauseException(delivery.pauseReason(), delivery.pauseUntil());
        }
    }
}
