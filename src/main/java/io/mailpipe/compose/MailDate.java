package io.mailpipe.compose;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date:} header of composed mail (RFC 5322 section 3.3, {@code date-time}), in UTC, e.g.
 * {@code Sun, 6 Dec 2026 12:53:07 +0000}. Formatted once per second and shared: Jakarta Mail's
 * {@code setSentDate} formats with a synchronized {@code SimpleDateFormat} per message, which showed in profiles.
 */
final class MailDate {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.US).withZone(ZoneOffset.UTC);

    private record Formatted(long second, String text) {
    }

    private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    private MailDate() {
    }

    /** The header value for {@code instant}, to the second. */
    static String format(Instant instant) {
        long second = instant.getEpochSecond();
        Formatted f = last;
        if (f.second() != second) {
            f = new Formatted(second, FORMAT.format(Instant.ofEpochSecond(second)));
            last = f;
        }
        return f.text();
    }
}
