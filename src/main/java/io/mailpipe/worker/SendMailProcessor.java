package io.mailpipe.worker;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultExchange;

import io.mailpipe.metrics.MailpipeMetrics;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

/**
 * Route step {@code sendMail}: sends a prepared message through its account's camel-mail endpoint. The message
 * travels in a fresh exchange so that no header of the incoming Kafka record reaches camel-mail.
 */
public final class SendMailProcessor implements Processor {
    private final DeliveryService service;
    private final Map<String, String> endpointByAccount;
    private final CamelContext context;
    private final RouteSender sender;
    private final MailpipeMetrics metrics;

    SendMailProcessor(DeliveryService service, Map<String, String> endpointByAccount, CamelContext context,
                      RouteSender sender, MailpipeMetrics metrics) {
        this.service = service;
        this.endpointByAccount = Map.copyOf(endpointByAccount);
        this.context = context;
        this.sender = sender;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Delivery delivery = ExchangeRecords.delivery(exchange);
        if (delivery == null) {
            return;
        }
        // one message, or each part of a request split by recipients (DeliveryService combines their results); an
        // account-level failure before any part went out moves the message to the next account and starts over
        while (service.nextPart(delivery)) {
            Exchange mail = new DefaultExchange(context);
            mail.getMessage().setBody(delivery.composed().message());
            long started = System.nanoTime();
            sender.send(endpointByAccount.get(delivery.account().name()), mail);
            metrics.sendTimed(delivery.account().name(), mail.getException() == null,
                    java.time.Duration.ofNanos(System.nanoTime() - started));
            if (mail.getException() != null) {
                service.failed(delivery, mail.getException());
            } else {
                service.sent(delivery, delivery.composed().message().serverReply());
            }
        }
    }
}
