package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of a {@link BounceRecord}: one object per reported recipient, camelCase field
 * names, every field present (null when the report does not carry it), enums in their documented
 * spelling ({@code kind}: bounce/delay/complaint/autoreply/delivered; {@code reason}: Sisimai's
 * vocabulary; {@code sesBounceType}/{@code sesSubType}: Amazon SES's). Used by
 * {@code mailpipe parse-bounce} and meant for the bounce events published to Kafka, so both say
 * the same thing. Field list and meanings: docs/bounce-parser.md.
 */
public final class BounceJson {
    /** {@code kind} of a message that is not a report at all (only in parse-bounce output). */
    public static final String KIND_NONE = "none";

    private BounceJson() {
    }

    /** A new object holding the record's fields. */
    public static ObjectNode toJson(BounceRecord r) {
        return write(JsonNodeFactory.instance.objectNode(), r);
    }

    /** Puts the record's fields into {@code target} (after any fields already there) and returns it. */
    public static ObjectNode write(ObjectNode target, BounceRecord r) {
        target.put("kind", r.kind().jsonName());
        target.put("recipient", r.recipient());
        target.put("status", r.status());
        target.put("replyCode", r.replyCode());
        target.put("action", r.action());
        target.put("reason", r.reason().jsonName());
        target.put("hard", r.hard());
        target.put("diagnostic", r.diagnostic());
        target.put("reportingMta", r.reportingMta());
        target.put("remoteMta", r.remoteMta());
        target.put("originalMessageId", r.originalMessageId());
        target.put("requestId", r.requestId());
        target.put("originalReturnPath", r.originalReturnPath());
        ArrayNode to = target.putArray("reportRecipients");
        r.reportRecipients().forEach(to::add);
        target.put("originalHeadersQuoted", r.originalHeadersQuoted());
        target.put("sesBounceType", r.sesBounceType() == null ? null : r.sesBounceType().jsonName());
        target.put("sesSubType", r.sesSubType() == null ? null : r.sesSubType().jsonName());
        target.put("feedbackType", r.feedbackType());
        target.put("detector", r.detector());
        return target;
    }
}
