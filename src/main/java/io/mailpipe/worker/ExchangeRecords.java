package io.mailpipe.worker;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.header.Headers;

import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.InboundRecord;

/** Reads the Kafka record a camel-kafka exchange carries, and the delivery attached to it. */
final class ExchangeRecords {
    /** Exchange property holding the {@link Delivery} of the exchange. */
    static final String DELIVERY = "mailpipe.delivery";

    private ExchangeRecords() {
    }

    static InboundRecord inbound(Exchange exchange) {
        Message m = exchange.getMessage();
        Object key = m.getHeader(KafkaConstants.KEY);
        byte[] keyBytes = key instanceof byte[] b ? b : key == null ? null
                : key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Integer partition = m.getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = m.getHeader(KafkaConstants.OFFSET, Long.class);
        return new InboundRecord(
                m.getHeader(KafkaConstants.TOPIC, String.class),
                partition == null ? -1 : partition,
                offset == null ? -1 : offset,
                keyBytes,
                m.getBody(byte[].class),
                headers(m.getHeader(KafkaConstants.HEADERS, Headers.class)));
    }

    /** Kafka's headers as the pipeline's own (the pipeline holds no Kafka types). */
    static java.util.List<io.mailpipe.pipeline.RecordHeader> headers(Headers headers) {
        if (headers == null) {
            return java.util.List.of();
        }
        java.util.List<io.mailpipe.pipeline.RecordHeader> list = new java.util.ArrayList<>();
        for (org.apache.kafka.common.header.Header h : headers) {
            list.add(new io.mailpipe.pipeline.RecordHeader(h.key(), h.value()));
        }
        return list;
    }

    static Delivery delivery(Exchange exchange) {
        return exchange.getProperty(DELIVERY, Delivery.class);
    }
}
