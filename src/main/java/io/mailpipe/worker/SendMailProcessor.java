package io.mailpipe.worker;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.mailpipe.pipeline.Delivery;

/** Route step {@code sendMail} (the retry route): sends a prepared message ({@link MailSend}). */
public final class SendMailProcessor implements Processor {
    private final MailSend send;

    SendMailProcessor(MailSend send) {
        this.send = send;
    }

    @Override
    public void process(Exchange exchange) {
        Delivery delivery = ExchangeRecords.delivery(exchange);
        if (delivery != null) {
            send.sendAll(delivery);
        }
    }
}
