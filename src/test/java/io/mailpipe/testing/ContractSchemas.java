package io.mailpipe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The published JSON Schemas of schemas/, for checking what the running pipeline really wrote. */
public final class ContractSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema outcome;

    private ContractSchemas() {
    }

    private static synchronized JsonSchema outcome() {
        if (outcome == null) {
            try {
                SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
                outcome = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(JSON.readTree(Files.readString(Path.of("schemas/outcome-event.schema.json"))), config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return outcome;
    }

    /** Every record is a valid outcome event. */
    public static void assertValidOutcomes(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                assertThat(outcome().validate(JSON.readTree(r.value())))
                        .as("outcome at offset %d of %s", r.offset(), r.topic()).isEmpty();
            } catch (IOException e) {
                throw new AssertionError("outcome is not JSON", e);
            }
        }
    }
}
