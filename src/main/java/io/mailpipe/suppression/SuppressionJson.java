package io.mailpipe.suppression;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.apache.kafka.clients.producer.ProducerRecord;

/** Suppression entries as JSON, and the records that add or remove an address on {@code mail.suppressions}. */
public final class SuppressionJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private SuppressionJson() {
    }

    public static byte[] write(SuppressionEntry entry) {
        try {
            return MAPPER.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SuppressionEntry read(byte[] json) {
        try {
            return MAPPER.readValue(json, SuppressionEntry.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a suppression entry", e);
        }
    }

    /** The record that adds (or replaces) the entry; key = its address. */
    public static ProducerRecord<byte[], byte[]> add(String topic, SuppressionEntry entry) {
        return new ProducerRecord<>(topic, entry.address().getBytes(StandardCharsets.UTF_8), write(entry));
    }

    /** The tombstone that removes an address. */
    public static ProducerRecord<byte[], byte[]> remove(String topic, String address) {
        return new ProducerRecord<>(topic, Addresses.normalise(address).getBytes(StandardCharsets.UTF_8), null);
    }
}
