package io.mailpipe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailpipe.outcome.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by the request fuzzing (issue 8): header-bound values that hide a line break or control character in an
 * RFC 2047 encoded word, and header-bound values too long to fold, are refused at the boundary.
 */
class HiddenLineBreaksTest {

    private final RequestReader reader = new RequestReader(1_000_000);

    private static final String CRLF_BCC = "=?UTF-8?B?" + Base64.getEncoder()
            .encodeToString("Ann\r\nBcc: evil@attacker.example".getBytes(StandardCharsets.UTF_8)) + "?=";

    private InvalidRequestException rejection(String extraFields, String subject) {
        String json = "{\"id\":\"r-1\",\"to\":[\"ann@example.org\"],\"subject\":\"" + subject + "\",\"text\":\"t\"" + extraFields + "}";
        try {
            reader.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidRequestException e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            ",\"from\":\"" + "=?UTF-8?B?QW5uDQpCY2M6IGV2aWxAYXR0YWNrZXIuZXhhbXBsZQ==?= <ann@example.org>\"",
            ",\"replyTo\":\"=?UTF-8?Q?Ann=0D=0AX-Injected=3A_yes?= <ann@example.org>\"",
            ",\"headers\":{\"X-Ref\":\"=?UTF-8?Q?=00?=\"}",
            ",\"campaign\":\"n=?UTF-8?Q?a=E2=80=A8b?=\"",
            ",\"cc\":[\"=?ISO-8859-1?Q?=85?= <c@example.org>\"]"})
    void encodedWordHidingALineBreakIsHeaderInjection(String extra) {
        InvalidRequestException e = rejection(extra, "Hi");
        assertThat(e.reasonCode()).isEqualTo(ReasonCode.HEADER_INJECTION);
        assertThat(e.getMessage()).contains("encoded word").doesNotContain("evil");
    }

    @Test
    void encodedWordInSubjectAndIdIsHeaderInjection() {
        assertThat(rejection("", "Hi " + CRLF_BCC).reasonCode()).isEqualTo(ReasonCode.HEADER_INJECTION);
        String json = "{\"id\":\"" + CRLF_BCC + "\",\"to\":[\"ann@example.org\"],\"subject\":\"s\",\"text\":\"t\"}";
        assertThatThrownBy(() -> reader.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.reasonCode()).isEqualTo(ReasonCode.HEADER_INJECTION);
                    assertThat(e.field()).isEqualTo("id");
                });
    }

    @Test
    void harmlessEncodedWordsAndLookalikesPass() throws Exception {
        for (String subject : new String[] {"=?UTF-8?Q?caf=C3=A9?=", "a =? b ?= c", "=?x?Q?", "=?UTF-8?Q?=ZZ?=",
                "=?unknown-charset?Q?=0A?="}) {
            assertThat(reader.read(("{\"id\":\"r-2\",\"to\":\"ann@example.org\",\"subject\":\"" + subject
                    + "\",\"text\":\"t\"}").getBytes(StandardCharsets.UTF_8)).subject()).isEqualTo(subject);
        }
    }

    @Test
    void headerValueOver2000CharactersIsInvalidField() {
        InvalidRequestException e = rejection("", "a".repeat(HeaderRules.MAX_HEADER_VALUE_LENGTH + 1));
        assertThat(e.reasonCode()).isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(e.field()).isEqualTo("subject");
        assertThat(e.getMessage()).doesNotContain("aaaa");
    }
}
