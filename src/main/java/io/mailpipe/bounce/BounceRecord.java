package io.mailpipe.bounce;

import java.util.List;

/**
 * What one report says about one recipient. Fields the report does not carry are null.
 *
 * <p>Correlation with the original send request: a report names the original in up to three
 * ways, tried in this order by the bounce pipeline: {@link #requestId} (mailpipe's own
 * {@code X-Mailpipe-Id} header, when the report quotes the original's headers), then
 * {@link #originalMessageId} (mailpipe derives the Message-ID from the request id), then a VERP
 * token in an address the report was delivered to ({@link #reportRecipients}) or in the original's
 * envelope sender ({@link #originalReturnPath}), e.g. {@code bounce+<token>@bounces.example.org}.
 *
 * @param kind                  bounce, delay, complaint, autoreply or delivered
 * @param recipient             the failed (or complaining, or replying) address; may be null when
 *                              the report does not name it
 * @param status                RFC 3463 enhanced status code as found in the report ("5.1.1"); null if none
 * @param replyCode             SMTP reply code ("550"); null if none
 * @param action                DSN action (failed, delayed, delivered, relayed, expanded); null if none
 * @param reason                the decided reason
 * @param hard                  true for a hard bounce (see {@link Reason#isHard(boolean)})
 * @param diagnostic            the remote server's diagnostic text, whitespace collapsed; may be null
 * @param reportingMta          the host that wrote the report; may be null
 * @param remoteMta             the host that refused the message; may be null
 * @param originalMessageId     Message-ID of the returned original message, without angle brackets
 * @param requestId             the original message's {@code X-Mailpipe-Id} header value
 *                              ({@link io.mailpipe.compose.MessageComposer#HEADER_REQUEST_ID}), if it is quoted
 * @param originalReturnPath    the returned original's envelope sender ({@code Return-Path}), without
 *                              angle brackets, if it is quoted; null for the null sender
 * @param reportRecipients      the addresses the report itself was delivered to, from its
 *                              {@code X-Original-To}, {@code Delivered-To}, {@code Envelope-To} and
 *                              {@code To} headers, in that order, without duplicates; empty when none.
 *                              A report goes to the original's envelope sender, so with VERP these
 *                              carry the token
 * @param originalHeadersQuoted true when the report returns the original's header section (a
 *                              message/rfc822 or text/rfc822-headers part, or header lines of the
 *                              original in the body), so the correlation fields above could be looked for
 * @param sesBounceType         Amazon SES's bounce type for bounces and delays ({@link SesClassification}); null otherwise
 * @param sesSubType            Amazon SES's bounce sub-type for bounces and delays; null otherwise
 * @param feedbackType          ARF Feedback-Type (abuse, fraud, opt-out, ...) for complaints
 * @param detector              name of the detector that recognised the format (Postfix, Exim, RFC3464...)
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
        String originalReturnPath,
        List<String> reportRecipients,
        boolean originalHeadersQuoted,
        SesBounceType sesBounceType,
        SesSubType sesSubType,
        String feedbackType,
        String detector) {
    public BounceRecord {
        reportRecipients = reportRecipients == null ? List.of() : List.copyOf(reportRecipients);
    }
}
