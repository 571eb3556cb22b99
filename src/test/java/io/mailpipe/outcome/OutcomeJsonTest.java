package io.mailpipe.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailpipe.outcome.OutcomeExamples.Example;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link OutcomeJson}: what is written reads back as the same event. */
class OutcomeJsonTest {

    static List<Example> examples() {
        return OutcomeExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void roundTrips(Example example) throws IOException {
        byte[] json = OutcomeJson.write(example.event());

        assertThat(OutcomeJson.read(json)).isEqualTo(example.event());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void writesUtf8Json(Example example) {
        String json = new String(OutcomeJson.write(example.event()), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"id\":").endsWith("}").doesNotContain("null").doesNotContain("\n");
        assertThat(json).contains("\"id\":\"" + example.event().id() + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void readsTheStatusAloneAsTheFullReadingDoes(Example example) throws IOException {
        assertThat(OutcomeJson.readStatus(OutcomeJson.write(example.event()))).isEqualTo(example.event().status());
    }

    @Test
    void theStatusAloneSkipsNestedValuesAndTellsUnknownOrMissingStatuses() throws IOException {
        assertThat(OutcomeJson.readStatus("{\"parts\":[{\"status\":\"FAILED\"}],\"smtp\":{\"status\":1},\"status\":\"SENT\"}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(Status.SENT);
        assertThat(OutcomeJson.readStatus("{\"status\":\"LOST\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(OutcomeJson.readStatus("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThatThrownBy(() -> OutcomeJson.readStatus("[1]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }

    @Test
    void writesTheFieldsInTheDocumentedOrder() {
        String json = new String(OutcomeJson.write(OutcomeExamples.full(ReasonCode.PARTIALLY_ACCEPTED)), StandardCharsets.UTF_8);

        assertThat(json).containsSubsequence("\"id\"", "\"status\"", "\"reasonCode\"", "\"reason\"", "\"account\"",
                "\"attempt\"", "\"smtp\"", "\"messageId\"", "\"campaign\"", "\"rejectedRecipients\"", "\"source\"", "\"at\"");
    }

    @Test
    void readIgnoresFieldsAddedByANewerVersion() throws IOException {
        String json = """
                {"id":"r1","status":"SENT","reasonCode":"accepted","reason":"ok","attempt":1,"futureField":{"x":1},
                 "source":{"topic":"mail.requests","partition":0,"offset":7},"at":"2025-03-01T10:15:30Z"}
                """;

        OutcomeEvent event = OutcomeJson.read(json.getBytes(StandardCharsets.UTF_8));

        assertThat(event).isEqualTo(new OutcomeEvent("r1", Status.SENT, "accepted", "ok", null, 1, null, null, null, null,
                null, new OutcomeEvent.Source("mail.requests", 0, 7), OutcomeExamples.AT));
    }

    @Test
    void readRefusesWhatIsNotAnEvent() {
        assertThatThrownBy(() -> OutcomeJson.read("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> OutcomeJson.read("{\"status\":\"BOUNCED\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
