package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import jakarta.mail.internet.MailDateFormat;
import org.junit.jupiter.api.Test;

class MailDateTest {

    @Test
    void isAnRfc5322DateTimeInUtcThatMailReadersParseBack() throws Exception {
        Instant at = Instant.parse("2026-12-06T09:05:07.900Z");

        String header = MailDate.format(at);

        assertThat(header).isEqualTo("Sun, 6 Dec 2026 09:05:07 +0000");
        assertThat(ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .isEqualTo(Instant.parse("2026-12-06T09:05:07Z"));
        assertThat(new MailDateFormat().parse(header).toInstant()).isEqualTo(Instant.parse("2026-12-06T09:05:07Z"));
    }

    @Test
    void aNewSecondGetsANewValue() {
        Instant at = Instant.parse("2026-12-06T23:59:59.999Z");

        assertThat(MailDate.format(at)).isEqualTo("Sun, 6 Dec 2026 23:59:59 +0000");
        assertThat(MailDate.format(at.plusMillis(1))).isEqualTo("Mon, 7 Dec 2026 00:00:00 +0000");
        assertThat(MailDate.format(at)).as("back again").isEqualTo("Sun, 6 Dec 2026 23:59:59 +0000");
    }
}
