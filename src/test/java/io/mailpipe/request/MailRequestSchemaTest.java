package io.mailpipe.request;

import static io.mailpipe.request.RequestFixtures.JSON;
import static io.mailpipe.request.RequestFixtures.change;
import static io.mailpipe.request.RequestFixtures.full;
import static io.mailpipe.request.RequestFixtures.minimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.mailpipe.request.RequestFixtures.BadChars;
import io.mailpipe.request.RequestFixtures.HeaderBound;
import io.mailpipe.request.RequestFixtures.Invalid;
import io.mailpipe.request.RequestFixtures.Named;
import io.mailpipe.request.RequestFixtures.Valid;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code schemas/mail-request.schema.json} says what {@link RequestReader} checks. */
class MailRequestSchemaTest {

    private static final Path SCHEMA_FILE = Path.of("schemas/mail-request.schema.json");

    private static JsonNode schemaJson;
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        try (InputStream in = Files.newInputStream(SCHEMA_FILE)) {
            schemaJson = JSON.readTree(in);
        }
        schema = factory.getSchema(schemaJson);
    }

    @Test
    void isAValidDraft202012Schema() {
        JsonSchema metaSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        assertThat(metaSchema.validate(schemaJson)).isEmpty();
    }

    @Test
    void describesEveryField() {
        assertThat(schemaJson.at("/properties").properties()).allSatisfy(field ->
                assertThat(field.getValue().path("description").asText()).as(field.getKey()).isNotBlank());
        assertThat(schemaJson.at("/$defs/attachment/properties").properties()).allSatisfy(field ->
                assertThat(field.getValue().path("description").asText()).as(field.getKey()).isNotBlank());
    }

    @Test
    void namesTheFieldsOfTheRecords() {
        assertThat(fieldNames(schemaJson.at("/properties")))
                .containsExactlyElementsOf(componentNames(MailRequest.class));
        assertThat(fieldNames(schemaJson.at("/$defs/attachment/properties")))
                .containsExactlyElementsOf(componentNames(Attachment.class));
        // the full example pins an account (so it names no pool); template excludes subject, text and html, and
        // listUnsubscribe the List-Unsubscribe header of the full example
        assertThat(fieldNames(full())).containsExactlyElementsOf(componentNames(MailRequest.class).stream()
                .filter(name -> !name.equals("pool") && !name.equals("template") && !name.equals("listUnsubscribe")).toList());
    }

    @Test
    void rejectsAccountTogetherWithPool() {
        ObjectNode both = change(full(), r -> r.put("pool", "bulk"));
        ObjectNode poolOnly = change(full(), r -> {
            r.remove("account");
            r.put("pool", "bulk");
        });

        assertThat(schema.validate(both)).isNotEmpty();
        assertThat(schema.validate(poolOnly)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.mailpipe.request.RequestFixtures#validExamples")
    void acceptsEveryValidExample(Valid example) {
        assertThat(schema.validate(example.request())).isEmpty();
    }

    @Test
    void rejectsARequestWithoutTo() {
        ObjectNode request = change(full(), r -> r.remove("to"));

        assertThat(schema.validate(request)).extracting(ValidationMessage::getMessage)
                .anySatisfy(message -> assertThat(message).contains("to"));
    }

    static Stream<Invalid> invalidExamplesTheSchemaCanTell() {
        return RequestFixtures.invalidExamples().stream().filter(Invalid::schemaRejects);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamplesTheSchemaCanTell")
    void rejectsWhatTheReaderRejects(Invalid example) {
        assertThat(schema.validate(example.request())).isNotEmpty();
    }

    static Stream<Arguments> headerInjections() {
        return RequestReaderTest.headerInjections();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("headerInjections")
    void rejectsLineBreaksAndControlsInHeaderBoundValues(Named<HeaderBound> field, BadChars bad) {
        ObjectNode request = full();
        field.value().inject(request, bad);

        assertThat(schema.validate(request)).isNotEmpty();
    }

    static Stream<Arguments> reservedHeaderSpellings() {
        return HeaderRules.RESERVED_HEADERS.stream().flatMap(name -> Stream.of(
                arguments(name), arguments(name.toLowerCase(Locale.ROOT)), arguments(name.toUpperCase(Locale.ROOT))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reservedHeaderSpellings")
    void forbidsTheReservedHeadersInAnyCase(String name) {
        assertThat(HeaderRules.isReserved(name)).isTrue();
        assertThat(schema.validate(change(minimal(), r -> r.putObject("headers").put(name, "x")))).isNotEmpty();
    }

    @Test
    void forbidsTheReservedPrefixInAnyCaseButAllowsOtherXHeaders() {
        for (String name : List.of("X-Mailpipe-Id", "x-mailpipe-attempt", "X-MAILPIPE-")) {
            assertThat(HeaderRules.isReserved(name)).as(name).isTrue();
            assertThat(schema.validate(change(minimal(), r -> r.putObject("headers").put(name, "x")))).as(name)
                    .isNotEmpty();
        }
        for (String name : List.of("X-Mailpipe", "X-Mailpipe2-Id", "X-Order-Ref", "List-Unsubscribe", "Tos")) {
            assertThat(HeaderRules.isReserved(name)).as(name).isFalse();
            assertThat(schema.validate(change(minimal(), r -> r.putObject("headers").put(name, "x")))).as(name)
                    .isEmpty();
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        return object.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static List<String> componentNames(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
