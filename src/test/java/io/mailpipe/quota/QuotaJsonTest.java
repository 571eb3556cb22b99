package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link QuotaJson}: every record type survives the round trip; a bad record is refused with a reason. */
class QuotaJsonTest {

    static Stream<QuotaRecord> records() {
        return Stream.of(
                new QuotaRecord.Reserve("l-1", "acct", "w-1", 20, 2, Duration.ofSeconds(15), Duration.ofSeconds(75)),
                new QuotaRecord.Confirm("l-1", "acct", 7, null, null),
                new QuotaRecord.Confirm("l-2", "acct", 3, Instant.parse("2030-01-10T10:00:00.250Z"), 2.5),
                new QuotaRecord.Release("l-1", "acct", 4),
                new QuotaRecord.Cooldown("acct", "w-1", Instant.parse("2030-01-10T10:05:00Z"), "rate_limited"),
                new QuotaRecord.Cooldown("acct", "w-1", Instant.parse("2030-01-10T10:05:00Z"), "authentication_failed",
                        "AUTH replied 550 5.7.30 Basic authentication is not supported; switch the account to auth: oauth2"));
    }

    @ParameterizedTest
    @MethodSource("records")
    void roundTrips(QuotaRecord record) {
        assertThat(QuotaJson.read(QuotaJson.write(record))).isEqualTo(record);
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("{not json", "not JSON"),
                Arguments.of("[1]", "not a JSON object"),
                Arguments.of("{\"type\":\"reserve\",\"lease\":\"l\",\"account\":\"a\",\"worker\":\"w\",\"sends\":0,\"sessions\":1,"
                        + "\"sendForMs\":1,\"holdMs\":2}", "sends >= 1"),
                Arguments.of("{\"type\":\"release\",\"lease\":\"l\",\"account\":\"a\",\"used\":-1}", "used must not be negative"),
                Arguments.of("{\"type\":\"confirm\",\"lease\":\"l\",\"account\":\"a\",\"granted\":1,\"slotStart\":\"x\"}", "ISO-8601"),
                Arguments.of("{\"type\":\"cooldown\",\"account\":\"a\",\"worker\":\"w\",\"until\":\"soon\",\"reason\":\"r\"}", "ISO-8601"),
                Arguments.of("{\"type\":\"grab\",\"lease\":\"l\",\"account\":\"a\"}", "unknown type 'grab'"),
                Arguments.of("{\"type\":\"release\",\"account\":\"a\",\"used\":1}", "field 'lease'"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void refusesABadRecordSayingWhy(String json, String message) {
        assertThatThrownBy(() -> QuotaJson.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
