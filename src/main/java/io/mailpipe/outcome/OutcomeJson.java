package io.mailpipe.outcome;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Reads and writes outcome events; one shared, thread-safe mapper. */
public final class OutcomeJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private OutcomeJson() {
    }

    public static byte[] write(OutcomeEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not serialise outcome " + event.id(), e);
        }
    }

    public static OutcomeEvent read(byte[] json) throws IOException {
        return MAPPER.readValue(json, OutcomeEvent.class);
    }
}
