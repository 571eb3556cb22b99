package io.mailpipe.inbox;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One event on {@code mail.bounces}: what one report says about one recipient, correlated with the request that
 * sent the original message. Key = {@code requestId} when known, else {@code reportId}. Public contract, see
 * docs/bounces.md and {@code schemas/bounce-event.schema.json}. Fields that are unknown are left out.
 *
 * @param eventId           unique id of this event: {@code reportId#n} (n = recipient's position in the report); the
 *                          de-duplication key (a restart never publishes the same eventId twice)
 * @param reportId          the report message: {@code mailbox/<Message-ID>}, or {@code mailbox/sha256:...} of its bytes
 *                          when it has no Message-ID
 * @param mailbox           name of the configured bounce mailbox it was read from
 * @param kind              bounce, delay, complaint, autoreply or delivered
 * @param recipient         the address the report is about
 * @param status            RFC 3463 enhanced status code ("5.1.1")
 * @param replyCode         SMTP reply code ("550")
 * @param action            DSN action (failed, delayed, delivered, relayed, expanded)
 * @param reason            Sisimai's reason, lower case (userunknown, mailboxfull, ...)
 * @param hard              a hard bounce (Sisimai's rule); always false for kinds other than bounce
 * @param diagnostic        the remote server's diagnostic text
 * @param reportingMta      the host that wrote the report
 * @param remoteMta         the host that refused the message
 * @param originalMessageId Message-ID of the original message, without angle brackets
 * @param requestId         mailpipe request id of the original message (from its X-Mailpipe-Id, else via its Message-ID)
 * @param account           the account that sent it, when known from mail.outcomes
 * @param receivedAt        when the report arrived in the mailbox (IMAP internal date), else when it was read
 * @param feedbackType      for complaints: ARF Feedback-Type (abuse, fraud, ...)
 * @param sesBounceType     Amazon SES notification's bounceType (Permanent, Transient, Undetermined) when present
 * @param sesSubType        Amazon SES notification's bounceSubType (General, NoEmail, Suppressed, ...) when present
 * @param detector          the report format recognised (for troubleshooting; values may change)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"eventId", "reportId", "mailbox", "kind", "recipient", "status", "replyCode", "action", "reason", "hard",
        "diagnostic", "reportingMta", "remoteMta", "originalMessageId", "requestId", "account", "receivedAt", "feedbackType",
        "sesBounceType", "sesSubType", "detector"})
public record BounceEvent(
        String eventId,
        String reportId,
        String mailbox,
        String kind,
        String recipient,
        String status,
        String replyCode,
        String action,
        String reason,
        boolean hard,
        String diagnostic,
        String reportingMta,
        String remoteMta,
        String originalMessageId,
        String requestId,
        String account,
        Instant receivedAt,
        String feedbackType,
        String sesBounceType,
        String sesSubType,
        String detector) {

    /** A soft bounce: a failure that is not hard (delays, complaints and replies are not bounces). */
    @JsonIgnore
    public boolean isSoftBounce() {
        return "bounce".equals(kind) && !hard;
    }
}
