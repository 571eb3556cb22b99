package io.mailpipe.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Times and durations on the command line. A time is an ISO-8601 instant ({@code 2026-11-28T10:00:00Z}), a date
 * ({@code 2026-11-28}, midnight UTC), or an age before now ({@code 90m}, {@code 24h}, {@code 7d}); a duration is
 * {@code 500ms}, {@code 5s}, {@code 90m}, {@code 24h}, {@code 7d} or ISO-8601 ({@code PT5S}). Anything else is refused
 * with one line that shows the accepted forms.
 */
final class TimeArg {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private TimeArg() {
    }

    /** A duration, or null when the text is none. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A time given as an instant, a date or an age before {@code now}; null when the text is none of those. */
    static Instant instant(String text, Instant now) {
        String t = text.trim();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // not an instant: a date or an age?
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            // not a date either
        }
        Duration age = duration(t);
        return age == null ? null : now.minus(age);
    }

    /** For options that take a time. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            Instant at = instant(value, Instant.now());
            if (at == null) {
                throw new TypeConversionException("'" + value + "' is not a time: give an ISO-8601 instant "
                        + "(2026-11-28T10:00:00Z), a date (2026-11-28, midnight UTC) or an age such as 90m, 24h or 7d");
            }
            return at;
        }
    }

    /** For options that take a duration. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = duration(value);
            if (d == null || d.isNegative()) {
                throw new TypeConversionException("'" + value + "' is not a duration: give 500ms, 5s, 90m, 24h, 7d or PT5S");
            }
            return d;
        }
    }
}
