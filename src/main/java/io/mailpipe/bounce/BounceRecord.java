package io.mailpipe.bounce;

/**
 * What one report says about one recipient.
 *
 * @param kind               bounce, delay, complaint, autoreply or delivered
 * @param recipient          the failed (or complaining, or replying) address; may be null when the
 *                           report does not name it
 * @param status             RFC 3463 enhanced status code as found in the report ("5.1.1"); null if none
 * @param replyCode          SMTP reply code ("550"); null if none
 * @param action             DSN action (failed, delayed, delivered, relayed, expanded); null if none
 * @param reason             the decided reason
 * @param hard               true for a hard bounce (see {@link Reason#isHard(boolean)})
 * @param diagnostic         the remote server's diagnostic text, whitespace collapsed; may be null
 * @param reportingMta       the host that wrote the report; may be null
 * @param remoteMta          the host that refused the message; may be null
 * @param originalMessageId  Message-ID of the returned original message, without angle brackets
 * @param requestId          the original message's {@code X-Mailpipe-Id} header value, if it is quoted
 * @param feedbackType       ARF Feedback-Type (abuse, fraud, opt-out, ...) for complaints
 * @param detector           name of the detector that recognised the format (Postfix, Exim, RFC3464...)
 */
public record BounceRecord(
        Kind kind,
        String recipient,
        String status,
        String replyCode,
        String action,
        Reason reason,
        boolean hard,
        String diagnostic,
        String reportingMta,
        String remoteMta,
        String originalMessageId,
        String requestId,
        String feedbackType,
        String detector) {
}
