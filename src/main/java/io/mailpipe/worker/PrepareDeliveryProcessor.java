package io.mailpipe.worker;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

/** Route step {@code prepareDelivery}: reads and checks the request, chooses the account, composes the message. */
public final class PrepareDeliveryProcessor implements Processor {
    private final DeliveryService service;

    public PrepareDeliveryProcessor(DeliveryService service) {
        this.service = service;
    }

    @Override
    public void process(Exchange exchange) {
        Delivery delivery = service.start(ExchangeRecords.inbound(exchange));
        exchange.setProperty(ExchangeRecords.DELIVERY, delivery);
        service.prepare(delivery);
    }
}
