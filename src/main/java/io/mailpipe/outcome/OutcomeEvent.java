package io.mailpipe.outcome;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One event on {@code mail.outcomes} (key = request id). Public contract, see README "Outcome events" and
 * {@code schemas/outcome-event.schema.json}. Fields that do not apply are left out.
 *
 * @param id                 the request id (for a record that is not even JSON: its key, else topic-partition-offset)
 * @param status             SENT, DEFERRED, FAILED, REJECTED or EXPIRED
 * @param reasonCode         machine-readable reason ({@link ReasonCode#code()})
 * @param reason             human-readable reason
 * @param account            account used or chosen, when one was
 * @param attempt            send attempt number, 1 for the first
 * @param smtp               the server's reply, where there was one
 * @param messageId          the Message-ID mailpipe set, once the message was composed
 * @param campaign           the request's campaign, if any
 * @param rejectedRecipients recipients the server refused while it accepted the message for others
 * @param retryAt            for DEFERRED: when the next attempt is due
 * @param source             where the request record was read
 * @param at                 when this outcome was decided
 * @param parts              when the request was split into several messages (more recipients than the account's
 *                           {@code maxRecipients}): each message sent in this attempt, in order
 * @param failovers          the accounts the message was moved away from (in this attempt and earlier ones), oldest
 *                           first, each with the reply and the scope decided; absent when it never moved
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "status", "reasonCode", "reason", "account", "attempt", "smtp", "messageId", "campaign",
        "rejectedRecipients", "retryAt", "source", "at", "parts", "failovers"})
public record OutcomeEvent(
        String id,
        Status status,
        String reasonCode,
        String reason,
        String account,
        int attempt,
        Smtp smtp,
        String messageId,
        String campaign,
        List<RejectedRecipient> rejectedRecipients,
        Instant retryAt,
        Source source,
        Instant at,
        List<Part> parts,
        List<Failover> failovers) {

    /** An event of a request that was not split (no {@code parts}) and never moved between accounts. */
    public OutcomeEvent(String id, Status status, String reasonCode, String reason, String account, int attempt, Smtp smtp,
                        String messageId, String campaign, List<RejectedRecipient> rejectedRecipients, Instant retryAt,
                        Source source, Instant at) {
        this(id, status, reasonCode, reason, account, attempt, smtp, messageId, campaign, rejectedRecipients, retryAt,
                source, at, null, null);
    }

    /** An event of a request that never moved between accounts. */
    public OutcomeEvent(String id, Status status, String reasonCode, String reason, String account, int attempt, Smtp smtp,
                        String messageId, String campaign, List<RejectedRecipient> rejectedRecipients, Instant retryAt,
                        Source source, Instant at, List<Part> parts) {
        this(id, status, reasonCode, reason, account, attempt, smtp, messageId, campaign, rejectedRecipients, retryAt,
                source, at, parts, null);
    }

    /**
     * One move of the message away from an account: the account refused it, or failed, in a way that was not the
     * message's (or not yet known to be).
     *
     * @param account    the account the message was moved away from
     * @param attempt    the attempt in which it happened
     * @param reasonCode what the failure was ({@code rate_limited}, {@code account_refused}, {@code connection_failed},
     *                   {@code message_rejected} for an unexplained refusal, ...)
     * @param scope      the scope decided: {@code account} (the account cools down) or {@code unexplained} (no rule
     *                   explains the reply; the message is tried elsewhere, the account is not blamed yet)
     * @param smtp       the reply, where there was one
     * @param reason     short human-readable reason (the reply, or what broke)
     * @param at         when it happened
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"account", "attempt", "reasonCode", "scope", "smtp", "reason", "at"})
    public record Failover(String account, int attempt, String reasonCode, String scope, Smtp smtp, String reason, Instant at) {
    }

    /**
     * One message of a split request.
     *
     * @param part       its number, from 1
     * @param messageId  its Message-ID
     * @param recipients its recipients in this attempt (bare addresses)
     * @param status     SENT, DEFERRED or FAILED for this message
     * @param reasonCode the reason for this message
     * @param smtp       the server's reply to this message, where there was one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"part", "messageId", "recipients", "status", "reasonCode", "smtp"})
    public record Part(int part, String messageId, List<String> recipients, Status status, String reasonCode, Smtp smtp) {
    }

    /** An SMTP reply: code, enhanced status code (RFC 3463) and text. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Smtp(Integer code, String enhanced, String text) {
    }

    /**
     * A recipient the server refused, or that mailpipe left out because it is suppressed.
     *
     * @param reasonCode set only when mailpipe itself left the recipient out: {@code suppressed}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RejectedRecipient(String address, Smtp smtp, String reasonCode) {
        public RejectedRecipient(String address, Smtp smtp) {
            this(address, smtp, null);
        }
    }

    /** The Kafka record a request was read from. */
    public record Source(String topic, int partition, long offset) {
    }
}
