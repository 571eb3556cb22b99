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

    private static final java.util.Map<String, JsonSchema> OTHERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The schema of schemas/NAME.schema.json (bounce-event, bounce-unparsed, suppression-entry, ...). */
    public static JsonSchema schema(String name) {
        return OTHERS.computeIfAbsent(name, n -> {
            try {
                SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(JSON.readTree(Files.readString(Path.of("schemas/" + n + ".schema.json"))), config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Every record value (tombstones skipped) is valid against schemas/NAME.schema.json. */
    public static void assertValid(String name, Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            try {
                assertThat(schema(name).validate(JSON.readTree(r.value())))
                        .as("%s at offset %d of %s", name, r.offset(), r.topic()).isEmpty();
            } catch (IOException e) {
                throw new AssertionError(name + " is not JSON", e);
            }
        }
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
