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

    /** The JSON array of failover entries carried on a retry record ({@code mailpipe.failovers}). */
    public static byte[] writeFailovers(java.util.List<OutcomeEvent.Failover> failovers) {
        try {
            return MAPPER.writeValueAsBytes(failovers);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not serialise failovers", e);
        }
    }

    /**
     * Reads the failover entries of a retry record; an unreadable value gives an empty list (the history is
     * informative; a damaged one must not stop the request).
     */
    public static java.util.List<OutcomeEvent.Failover> readFailovers(String json) {
        if (json == null || json.isBlank()) {
            return java.util.List.of();
        }
        try {
            OutcomeEvent.Failover[] entries = MAPPER.readValue(json, OutcomeEvent.Failover[].class);
            return java.util.Arrays.stream(entries).filter(java.util.Objects::nonNull).toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    /**
     * The event's status alone, read without building the event (the delivery ledger reads every outcome of the
     * cluster and needs nothing else): null when the event has no known status.
     *
     * @throws IOException when the bytes are not a JSON object
     */
    public static Status readStatus(byte[] json) throws IOException {
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IOException("an outcome event is a JSON object");
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                if ("status".equals(name) && value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    try {
                        return Status.valueOf(p.getText());
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }
                p.skipChildren();
            }
            return null;
        }
    }
}
