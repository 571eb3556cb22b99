package io.mailpipe.suppression;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One value on {@code mail.suppressions} (key = the normalised address; a tombstone, value null, removes it).
 * Public contract, see docs/bounces.md and {@code schemas/suppression-entry.schema.json}.
 *
 * @param address normalised address ({@link Addresses#normalise})
 * @param reason  hard_bounce, complaint, soft_bounces or manual
 * @param since   when it was added
 * @param source  what added it: {@code bounce:<eventId>} for a report, {@code cli} for an operator
 * @param detail  short text for people, e.g. "userunknown 5.1.1 from mx.example.org"; may be absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"address", "reason", "since", "source", "detail"})
public record SuppressionEntry(String address, String reason, Instant since, String source, String detail) {
}
