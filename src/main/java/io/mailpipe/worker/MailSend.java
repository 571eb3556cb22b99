package io.mailpipe.worker;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

import io.mailpipe.metrics.MailpipeMetrics;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;

/**
 * Sends a prepared delivery's messages through their accounts' camel-mail endpoints (the send seam): each part in a
 * fresh exchange, so that no header of the incoming Kafka record reaches camel-mail. An account-level failure before
 * any part went out moves the message to the next account and starts over ({@link DeliveryService#failed}).
 */
final class MailSend {
    private final DeliveryService service;
    private final Map<String, String> endpointByAccount;
    private final CamelContext context;
    private final RouteSender sender;
    private final MailpipeMetrics metrics;

    MailSend(DeliveryService service, Map<String, String> endpointByAccount, CamelContext context, RouteSender sender,
             MailpipeMetrics metrics) {
        this.service = service;
        this.endpointByAccount = Map.copyOf(endpointByAccount);
        this.context = context;
        this.sender = sender;
        this.metrics = metrics;
    }

    /** Sends every part that is due; the delivery records each result. */
    void sendAll(Delivery delivery) {
        while (service.nextPart(delivery)) {
            Exchange mail = new DefaultExchange(context);
            mail.getMessage().setBody(delivery.composed().message());
            long started = System.nanoTime();
            sender.send(endpointByAccount.get(delivery.account().name()), mail);
            metrics.sendTimed(delivery.account().name(), mail.getException() == null, Duration.ofNanos(System.nanoTime() - started));
            if (mail.getException() != null) {
                service.failed(delivery, mail.getException());
            } else {
                service.sent(delivery, delivery.composed().message().serverReply());
            }
        }
    }
}
