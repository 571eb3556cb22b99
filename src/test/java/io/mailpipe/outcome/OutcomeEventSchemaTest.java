package io.mailpipe.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.mailpipe.outcome.OutcomeExamples.Example;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code schemas/outcome-event.schema.json} describes exactly what {@link OutcomeJson#write} produces. */
class OutcomeEventSchemaTest {

    private static final Path SCHEMA_FILE = Path.of("schemas/outcome-event.schema.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode schemaJson;
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = Files.newInputStream(SCHEMA_FILE)) {
            schemaJson = JSON.readTree(in);
        }
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaJson, config);
    }

    static JsonNode written(OutcomeEvent event) {
        try {
            return JSON.readTree(OutcomeJson.write(event));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Set<ValidationMessage> validate(JsonNode json) {
        return schema.validate(json);
    }

    // ---------------------------------------------------------------- the schema itself

    @Test
    void isAValidDraft202012Schema() {
        JsonSchema metaSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        assertThat(schemaJson.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(metaSchema.validate(schemaJson)).isEmpty();
    }

    @Test
    void describesEveryProperty() {
        assertThat(schemaJson.path("description").asText()).isNotBlank();
        for (String at : List.of("/properties", "/$defs/smtp/properties", "/$defs/rejectedRecipient/properties",
                "/$defs/source/properties", "/$defs/part/properties")) {
            assertThat(schemaJson.at(at).properties()).as(at).isNotEmpty().allSatisfy(field ->
                    assertThat(field.getValue().path("description").asText()).as(at + "/" + field.getKey()).isNotBlank());
        }
    }

    @Test
    void namesTheFieldsOfTheRecordsInTheOrderTheyAreWritten() {
        assertThat(fieldNames(schemaJson.at("/properties"))).containsExactlyElementsOf(componentNames(OutcomeEvent.class));
        assertThat(fieldNames(schemaJson.at("/$defs/smtp/properties"))).containsExactlyElementsOf(componentNames(OutcomeEvent.Smtp.class));
        assertThat(fieldNames(schemaJson.at("/$defs/rejectedRecipient/properties")))
                .containsExactlyElementsOf(componentNames(OutcomeEvent.RejectedRecipient.class));
        assertThat(fieldNames(schemaJson.at("/$defs/source/properties"))).containsExactlyElementsOf(componentNames(OutcomeEvent.Source.class));
        assertThat(fieldNames(schemaJson.at("/$defs/part/properties"))).containsExactlyElementsOf(componentNames(OutcomeEvent.Part.class));
    }

    @Test
    void theReasonCodeEnumIsExactlyTheReasonCodes() {
        assertThat(texts(schemaJson.at("/properties/reasonCode/enum")))
                .containsExactlyElementsOf(Arrays.stream(ReasonCode.values()).map(ReasonCode::code).toList());
    }

    @Test
    void theStatusEnumIsExactlyTheStatuses() {
        assertThat(texts(schemaJson.at("/properties/status/enum")))
                .containsExactlyElementsOf(Arrays.stream(Status.values()).map(Status::name).toList());
    }

    @ParameterizedTest
    @EnumSource(Status.class)
    void eachStatusAllowsExactlyItsReasonCodes(Status status) {
        List<JsonNode> rules = StreamSupport.stream(schemaJson.at("/allOf").spliterator(), false)
                .filter(rule -> rule.at("/if/properties/status/const").asText().equals(status.name()))
                .toList();

        assertThat(rules).hasSize(1);
        assertThat(texts(rules.get(0).at("/then/properties/reasonCode/enum"))).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ReasonCode.values()).filter(c -> c.status() == status).map(ReasonCode::code).toList());
    }

    @Test
    void theReasonCodeDescriptionListsEveryCode() {
        String description = schemaJson.at("/properties/reasonCode/description").asText();

        assertThat(description).contains(Arrays.stream(ReasonCode.values()).map(ReasonCode::code).toList());
    }

    // ---------------------------------------------------------------- events as written

    static List<Example> examples() {
        return OutcomeExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyEventAsWrittenIsValid(Example example) {
        assertThat(validate(written(example.event()))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void fieldsThatDoNotApplyAreLeftOutNotNull(Example example) {
        JsonNode json = written(example.event());

        assertThat(nullPaths(json, "")).isEmpty();
        for (RecordComponent c : OutcomeEvent.class.getRecordComponents()) {
            boolean isNull;
            try {
                isNull = c.getAccessor().invoke(example.event()) == null;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            assertThat(json.has(c.getName())).as(c.getName()).isEqualTo(!isNull);
        }
    }

    @Test
    void instantsAreIsoStringsAndEnumsAreNames() {
        JsonNode json = written(OutcomeExamples.full(ReasonCode.TEMPORARY_FAILURE));

        assertThat(json.path("at").isTextual()).isTrue();
        assertThat(json.path("at").asText()).isEqualTo("2025-03-01T10:15:30Z");
        assertThat(json.path("retryAt").asText()).isEqualTo("2025-03-01T10:19:30Z");
        assertThat(json.path("status").asText()).isEqualTo("DEFERRED");
        assertThat(json.path("reasonCode").asText()).isEqualTo("temporary_failure");
        assertThat(json.path("source").path("offset").isIntegralNumber()).isTrue();
    }

    /** Each status with each reason code: valid exactly when the code belongs to the status. */
    static Stream<Arguments> statusReasonPairs() {
        return OutcomeExamples.everyStatusWithEveryReason().stream().map(pair -> arguments(pair[0], pair[1]));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("statusReasonPairs")
    void aReasonCodeIsValidOnlyWithItsOwnStatus(Status status, ReasonCode code) {
        Set<ValidationMessage> errors = validate(written(OutcomeExamples.minimal(status, code)));

        if (code.status() == status) {
            assertThat(errors).isEmpty();
        } else {
            assertThat(errors).extracting(ValidationMessage::getMessage).anySatisfy(m -> assertThat(m).contains("reasonCode"));
        }
    }

    // ---------------------------------------------------------------- what the schema refuses

    static Stream<Arguments> brokenEvents() {
        return Stream.of(
                broken("no status", e -> e.remove("status"), "required property 'status' not found"),
                broken("no id", e -> e.remove("id"), "required property 'id' not found"),
                broken("no reasonCode", e -> e.remove("reasonCode"), "required property 'reasonCode' not found"),
                broken("no reason", e -> e.remove("reason"), "required property 'reason' not found"),
                broken("no attempt", e -> e.remove("attempt"), "required property 'attempt' not found"),
                broken("no source", e -> e.remove("source"), "required property 'source' not found"),
                broken("no at", e -> e.remove("at"), "required property 'at' not found"),
                broken("status null", e -> e.putNull("status"), "/status"),
                broken("status in lower case", e -> e.put("status", "sent"), "/status"),
                broken("unknown status", e -> e.put("status", "BOUNCED"), "/status"),
                broken("reasonCode as enum name", e -> e.put("reasonCode", "ACCEPTED"), "/reasonCode"),
                broken("unknown reasonCode", e -> e.put("reasonCode", "spam"), "/reasonCode"),
                broken("unknown field", e -> e.put("recipient", "a@b.example"), "'recipient'"),
                broken("null field", e -> e.putNull("account"), "/account"),
                broken("attempt 0", e -> e.put("attempt", 0), "/attempt"),
                broken("attempt as text", e -> e.put("attempt", "1"), "/attempt"),
                broken("at as epoch seconds", e -> e.put("at", 1740824130), "/at"),
                broken("at with a space", e -> e.put("at", "2025-03-01 10:15:30Z"), "/at"),
                broken("at without zone", e -> e.put("at", "2025-03-01T10:15:30"), "/at"),
                broken("at with an offset", e -> e.put("at", "2025-03-01T13:15:30+03:00"), "/at"),
                broken("at not a date", e -> e.put("at", "yesterday"), "/at"),
                broken("retryAt on SENT", e -> e.put("retryAt", "2025-03-01T10:20:00Z"), "retryAt"),
                broken("smtp code 99", e -> e.withObject("smtp").put("code", 99), "/smtp/code"),
                broken("smtp code 600", e -> e.withObject("smtp").put("code", 600), "/smtp/code"),
                broken("enhanced code 5.1", e -> e.withObject("smtp").put("enhanced", "5.1"), "/smtp/enhanced"),
                broken("unknown smtp field", e -> e.withObject("smtp").put("line", "x"), "'line'"),
                broken("empty rejectedRecipients", e -> e.putArray("rejectedRecipients"), "/rejectedRecipients"),
                broken("rejected recipient without address", e -> e.putArray("rejectedRecipients").addObject()
                        .putObject("smtp").put("code", 550), "'address'"),
                broken("source without offset", e -> e.withObject("source").remove("offset"), "'offset'"),
                broken("negative partition", e -> e.withObject("source").put("partition", -1), "/source/partition"));
    }

    private static Arguments broken(String label, Consumer<ObjectNode> breakIt, String expectedInMessage) {
        return arguments(label, breakIt, expectedInMessage);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEvents")
    void refusesABrokenEvent(String label, Consumer<ObjectNode> breakIt, String field) {
        ObjectNode event = (ObjectNode) written(OutcomeExamples.full(ReasonCode.ACCEPTED));
        assertThat(validate(event)).as("before breaking it").isEmpty();

        breakIt.accept(event);

        assertThat(validate(event)).extracting(ValidationMessage::getMessage)
                .isNotEmpty()
                .anySatisfy(message -> assertThat(message).contains(field));
    }

    @Test
    void aDeferredEventWithoutRetryAtIsRefused() {
        ObjectNode event = (ObjectNode) written(OutcomeExamples.full(ReasonCode.CONNECTION_FAILED));
        assertThat(validate(event)).isEmpty();

        event.remove("retryAt");

        assertThat(validate(event)).extracting(ValidationMessage::getMessage).anySatisfy(m -> assertThat(m).contains("retryAt"));
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> fieldNames(JsonNode object) {
        return object.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static List<String> componentNames(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array).isInstanceOf(ArrayNode.class);
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).collect(Collectors.toList());
    }

    private static List<String> nullPaths(JsonNode node, String path) {
        List<String> found = new ArrayList<>();
        if (node.isNull()) {
            found.add(path);
        } else if (node.isObject()) {
            node.properties().forEach(f -> found.addAll(nullPaths(f.getValue(), path + "/" + f.getKey())));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found.addAll(nullPaths(node.get(i), path + "/" + i));
            }
        }
        return found;
    }
}
