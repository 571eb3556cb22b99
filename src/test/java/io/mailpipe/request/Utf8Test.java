package io.mailpipe.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict UTF-8 (RFC 3629 section 4, Unicode table 3-7), checked against the JDK's strict decoder. */
class Utf8Test {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "", "7b", "d0bf", "e282ac", "f09f9880", "efbbbf7b",         // ASCII, Cyrillic, euro sign, emoji, BOM
            "ff", "80", "c0af", "c1bf", "e080af", "eda080", "edbfbf",   // invalid, lone continuation, overlongs, surrogates
            "f08080af", "f4908080", "f5808080", "d0", "e282", "f09f98", // overlong 4, > U+10FFFF, F5, truncated
            "c2c2", "e2c2ac", "f09fc280", "7fc280", "efbfbf", "f48fbfbf"})
    void agreesWithTheJdksStrictDecoder(String hex) {
        byte[] bytes = java.util.HexFormat.of().parseHex(hex);
        boolean jdk;
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            jdk = true;
        } catch (java.nio.charset.CharacterCodingException e) {
            jdk = false;
        }
        assertThat(Utf8.isValid(bytes, 0)).as(hex).isEqualTo(jdk);
    }
}
