package io.mailpipe.quota;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of {@link QuotaRecord}s: {@code {"type":"reserve"|"confirm"|"release"|"cooldown"|"learned", "account", ...}}.
 * Durations are written in milliseconds ({@code sendForMs}, {@code holdMs}), instants in ISO-8601.
 */
public final class QuotaJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuotaJson() {
    }

    public static byte[] write(QuotaRecord record) {
        ObjectNode n = JSON.createObjectNode();
        if (record instanceof QuotaRecord.Reserve r) {
            n.put("type", "reserve").put("lease", r.lease()).put("account", r.account()).put("worker", r.worker())
                    .put("sends", r.sends()).put("sessions", r.sessions())
                    .put("sendForMs", r.sendFor().toMillis()).put("holdMs", r.hold().toMillis());
        } else if (record instanceof QuotaRecord.Confirm c) {
            n.put("type", "confirm").put("lease", c.lease()).put("account", c.account()).put("granted", c.granted());
            if (c.slotStart() != null && c.rate() != null) {
                n.put("slotStart", c.slotStart().toString()).put("rate", c.rate());
            }
        } else if (record instanceof QuotaRecord.Release r) {
            n.put("type", "release").put("lease", r.lease()).put("account", r.account()).put("used", r.used());
        } else if (record instanceof QuotaRecord.Cooldown c) {
            n.put("type", "cooldown").put("account", c.account()).put("worker", c.worker()).put("until", c.until().toString())
                    .put("reason", c.reason());
            if (c.detail() != null) {
                n.put("detail", c.detail());
            }
        } else if (record instanceof QuotaRecord.Learned l) {
            n.put("type", "learned").put("account", l.account()).put("worker", l.worker());
            if (l.perHour() != null) {
                n.put("perHour", l.perHour());
            }
            if (l.perDay() != null) {
                n.put("perDay", l.perDay());
            }
            n.put("source", l.source().name().toLowerCase(java.util.Locale.ROOT));
            if (l.reply() != null) {
                n.put("reply", l.reply());
            }
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a record.
     *
     * @throws IllegalArgumentException naming what is wrong, for a value that is not a valid quota record
     */
    public static QuotaRecord read(byte[] value) {
        JsonNode n;
        try {
            n = value == null ? null : JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getClass().getSimpleName());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String type = text(n, "type");
        String account = text(n, "account");
        if (type.equals("cooldown")) {
            Instant until;
            try {
                until = Instant.parse(text(n, "until"));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("cooldown: until is not an ISO-8601 instant");
            }
            return new QuotaRecord.Cooldown(account, text(n, "worker"), until, text(n, "reason"),
                    n.path("detail").isTextual() ? n.get("detail").asText() : null);
        }
        if (type.equals("learned")) {
            Integer perHour = optionalPositive(n, "perHour");
            Integer perDay = optionalPositive(n, "perDay");
            QuotaRecord.LearnSource source;
            try {
                source = QuotaRecord.LearnSource.valueOf(text(n, "source").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("learned: source must be pushback, probe or refresh");
            }
            String reply = n.hasNonNull("reply") ? n.get("reply").asText() : null;
            return new QuotaRecord.Learned(account, text(n, "worker"), perHour, perDay, source, reply);
        }
        String lease = text(n, "lease");
        return switch (type) {
            case "reserve" -> {
                int sends = integer(n, "sends");
                int sessions = integer(n, "sessions");
                long sendFor = n.path("sendForMs").asLong(-1);
                long hold = n.path("holdMs").asLong(-1);
                if (sends < 1 || sessions < 1 || sendFor < 0 || hold < sendFor) {
                    throw new IllegalArgumentException("reserve: need sends >= 1, sessions >= 1, 0 <= sendForMs <= holdMs");
                }
                yield new QuotaRecord.Reserve(lease, account, text(n, "worker"), sends, sessions, Duration.ofMillis(sendFor),
                        Duration.ofMillis(hold));
            }
            case "confirm" -> {
                int granted = integer(n, "granted");
                if (granted < 0) {
                    throw new IllegalArgumentException("confirm: granted must not be negative");
                }
                Instant slot = null;
                Double rate = null;
                if (n.hasNonNull("slotStart")) {
                    try {
                        slot = Instant.parse(n.get("slotStart").asText());
                    } catch (java.time.format.DateTimeParseException e) {
                        throw new IllegalArgumentException("confirm: slotStart is not an ISO-8601 instant");
                    }
                    rate = n.path("rate").asDouble(0);
                    if (!(rate > 0)) {
                        throw new IllegalArgumentException("confirm: slotStart needs a positive rate");
                    }
                }
                yield new QuotaRecord.Confirm(lease, account, granted, slot, rate);
            }
            case "release" -> {
                int used = integer(n, "used");
                if (used < 0) {
                    throw new IllegalArgumentException("release: used must not be negative");
                }
                yield new QuotaRecord.Release(lease, account, used);
            }
            default -> throw new IllegalArgumentException("unknown type '" + type + "'");
        };
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a string");
        }
        return v.asText();
    }

    private static Integer optionalPositive(JsonNode n, String field) {
        if (!n.hasNonNull(field)) {
            return null;
        }
        int v = integer(n, field);
        if (v < 1) {
            throw new IllegalArgumentException("learned: " + field + " must be at least 1");
        }
        return v;
    }

    private static int integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not an integer");
        }
        return v.asInt();
    }
}
