package io.mailpipe.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SmtpReplyTest {

    static Stream<Arguments> replies() {
        return Stream.of(
                // raw reply as Angus reports it, code, enhanced, text
                arguments("550 5.1.1 <x@y>: Recipient address rejected\n", 550, "5.1.1", "<x@y>: Recipient address rejected"),
                arguments("250 OK", 250, null, "OK"),
                arguments("421 Service not available, closing transmission channel", 421, null,
                        "Service not available, closing transmission channel"),
                arguments("250-mail.example.com\n250-PIPELINING\n250 2.0.0 Ok: queued as 4XyZ1\n", 250, "2.0.0",
                        "mail.example.com PIPELINING Ok: queued as 4XyZ1"),
                arguments("534-5.7.9 Application-specific password required. Learn more at\r\n"
                                + "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor",
                        534, "5.7.9", "Application-specific password required. Learn more at"
                                + " https://support.google.com/mail/?p=InvalidSecondFactor"),
                arguments("451 4.3.0", 451, "4.3.0", ""),
                arguments("554", 554, null, ""),
                arguments("  535 5.7.8 Error: authentication failed  ", 535, "5.7.8", "Error: authentication failed"),
                // enhanced class must match the reply class (RFC 3463): otherwise it is just text
                arguments("550 4.1.1 odd", 550, null, "4.1.1 odd"),
                // a version number is no enhanced code
                arguments("220 mx.example.com ESMTP Postfix 3.7.1", 220, null, "mx.example.com ESMTP Postfix 3.7.1"),
                arguments("552-5.2.2 The email account that you tried to reach is over quota.\n"
                        + "552 5.2.2 Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp",
                        552, "5.2.2", "The email account that you tried to reach is over quota."
                                + " Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp"));
    }

    @ParameterizedTest
    @MethodSource("replies")
    void parses(String raw, int code, String enhanced, String text) {
        SmtpReply reply = SmtpReply.parse(raw);

        assertThat(reply).isEqualTo(new SmtpReply(code, enhanced, text));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "garbage", "Exception reading response", "[EOF]", "99 too short", "600 out of range",
            "1234 four digits", "Could not connect to SMTP host: localhost, port: 25, response: 421"})
    void unparseableGivesNull(String raw) {
        assertThat(SmtpReply.parse(raw)).isNull();
    }

    @Test
    void textIsCutAt500Characters() {
        SmtpReply reply = SmtpReply.parse("550 5.7.1 " + "x".repeat(2000));

        assertThat(reply.text()).hasSize(SmtpReply.MAX_TEXT);
        assertThat(new SmtpReply(550, null, "y".repeat(501)).text()).hasSize(500);
    }

    @Test
    void classesAndOneLineForm() {
        SmtpReply temporary = SmtpReply.parse("451 4.3.0 try later");
        SmtpReply permanent = SmtpReply.parse("550 5.1.1 unknown");

        assertThat(temporary.isTransient()).isTrue();
        assertThat(temporary.isPermanent()).isFalse();
        assertThat(permanent.isPermanent()).isTrue();
        assertThat(permanent).hasToString("550 5.1.1 unknown");
        assertThat(new SmtpReply(421, null, "")).hasToString("421");
        assertThatThrownBy(() -> new SmtpReply(-1, null, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
