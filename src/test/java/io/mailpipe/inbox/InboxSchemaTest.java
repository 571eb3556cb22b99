package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.mailpipe.bounce.BounceParser;
import io.mailpipe.bounce.Kind;
import io.mailpipe.bounce.Reason;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.SuppressionSettings;
import io.mailpipe.suppression.SuppressionPolicy;
import io.mailpipe.suppression.SuppressionReason;
import io.mailpipe.suppression.SuppressionState;
import io.mailpipe.testing.ContractSchemas;

/** What the intake writes is valid against schemas/, and the schemas' vocabularies match the enums. */
class InboxSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KafkaSettings.Topics TOPICS = KafkaSettings.Topics.withPrefix("s.");

    @Test
    void everyRecordTheIntakeWritesIsValid() throws Exception {
        BounceIntake intake = new BounceIntake("box", TOPICS, new BounceParser(), new MessageIndex(),
                new BounceHistory(TOPICS.bounces(), Duration.ofDays(1)), new SuppressionState(),
                new SuppressionPolicy(SuppressionSettings.defaults()), 1 << 20);
        Instant t = Instant.parse("2030-01-01T00:00:00.123Z");
        List<ProducerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        records.addAll(intake.decide(Reports.hardBounce("v1@mx", "a@example.org", "X-Mailpipe-Id: r1\n"), t).records());
        records.addAll(intake.decide(Reports.mailboxFull(null, "b@example.org", "\n"), t).records());
        records.addAll(intake.decide(Reports.notAReport(), t).records());
        Map<String, String> schemaOf = Map.of(TOPICS.bounces(), "bounce-event", TOPICS.suppressions(), "suppression-entry",
                TOPICS.bouncesUnparsed(), "bounce-unparsed");
        assertThat(records.stream().map(ProducerRecord::topic).distinct()).containsExactlyInAnyOrderElementsOf(schemaOf.keySet());
        for (ProducerRecord<byte[], byte[]> r : records) {
            assertThat(ContractSchemas.schema(schemaOf.get(r.topic())).validate(JSON.readTree(r.value())))
                    .as("record on %s", r.topic()).isEmpty();
        }
    }

    @Test
    void vocabulariesMatchTheEnums() throws Exception {
        JsonNode event = JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of("schemas/bounce-event.schema.json")));
        assertThat(texts(event.at("/properties/reason/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Reason.values()).map(Reason::jsonName).toList());
        assertThat(texts(event.at("/properties/kind/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Kind.values()).map(Kind::jsonName).toList());
        JsonNode entry = JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of("schemas/suppression-entry.schema.json")));
        assertThat(texts(entry.at("/properties/reason/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(SuppressionReason.values()).map(SuppressionReason::code).toList());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
