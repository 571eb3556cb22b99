package io.mailpipe.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Sends exchanges to Camel endpoints from the worker's processors: one producer template, made when first needed
 * (after Camel started), and each endpoint resolved once (resolving a URI per message showed in profiles).
 */
final class RouteSender {
    private final CamelContext context;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private volatile ProducerTemplate template;

    RouteSender(CamelContext context) {
        this.context = context;
    }

    /** Sends the exchange to the endpoint and returns when the route is done with it. */
    void send(String uri, Exchange exchange) {
        template().send(endpoints.computeIfAbsent(uri, context::getEndpoint), exchange);
    }

    private ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }
}
