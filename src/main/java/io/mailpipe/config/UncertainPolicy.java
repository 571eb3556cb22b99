package io.mailpipe.config;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What happens to a request whose delivery is uncertain: the whole message and its final dot were sent, and then
 * the connection broke or timed out before the server replied ({@code retry.uncertain} in mailpipe.yaml). The
 * server may have accepted the message, so another attempt may deliver a second copy; never more than one resend.
 */
public enum UncertainPolicy {
    /**
     * Default. Send once more, after {@code retry.uncertainWait}, through the same account and with the same
     * Message-ID (DEFERRED, {@code uncertain_retry}); if that attempt is uncertain again, hold the request
     * (UNCERTAIN, {@code delivery_uncertain}). At most one resend per request for this cause.
     */
    RETRY_ONCE("retry-once"),
    /** Never resend: the request ends UNCERTAIN ({@code delivery_uncertain}) for a human to check and replay. */
    HOLD("hold");

    private final String text;

    UncertainPolicy(String text) {
        this.text = text;
    }

    @JsonValue
    public String text() {
        return text;
    }

    @JsonCreator
    public static UncertainPolicy of(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(p -> p.text.equals(v)).findFirst().orElseThrow(() -> new ConfigException(
                "retry.uncertain: '" + value + "' is not a policy; use retry-once (the default) or hold"));
    }
}
