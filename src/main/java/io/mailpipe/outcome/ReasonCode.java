package io.mailpipe.outcome;

/**
 * Machine-readable reason of an outcome ({@code reasonCode} in the event, {@code mailpipe.reason.code}
 * on dead letters). Part of the public contract: values are only ever added, never renamed.
 * The JSON form is the lower-case name ({@code invalid_address}).
 */
public enum ReasonCode {
    // --- SENT
    /** The server accepted the message. */
    ACCEPTED(Status.SENT),
    /** Accepted for some recipients, refused for others (see {@code rejectedRecipients}). */
    PARTIALLY_ACCEPTED(Status.SENT),

    // --- REJECTED: the request is invalid (never sent, dead-lettered)
    /** The record value is not JSON, or not a JSON object. */
    MALFORMED_JSON(Status.REJECTED),
    /** A required field is missing or empty ({@code id}, {@code subject}). */
    MISSING_FIELD(Status.REJECTED),
    /** A field has the wrong type or an unusable value. */
    INVALID_FIELD(Status.REJECTED),
    /** {@code to} is missing or empty. */
    NO_RECIPIENTS(Status.REJECTED),
    /** An address in from, replyTo, to, cc or bcc does not parse as an RFC 5322 mailbox. */
    INVALID_ADDRESS(Status.REJECTED),
    /** CR, LF, NUL or a Unicode line separator in a value that becomes a header (header injection). */
    HEADER_INJECTION(Status.REJECTED),
    /** A custom header that mailpipe sets itself or that is not a valid header name. */
    FORBIDDEN_HEADER(Status.REJECTED),
    /** Neither {@code text} nor {@code html}. */
    NO_BODY(Status.REJECTED),
    /** An attachment without filename, or whose content is not valid base64. */
    INVALID_ATTACHMENT(Status.REJECTED),
    /** {@code account} names no configured account. */
    UNKNOWN_ACCOUNT(Status.REJECTED),
    /** {@code pool} names a pool no configured account belongs to. */
    UNKNOWN_POOL(Status.REJECTED),
    /** The composed message is larger than the account's {@code maxMessageBytes}, or the request larger than the worker accepts. */
    MESSAGE_TOO_LARGE(Status.REJECTED),
    /**
     * More recipients than the account's {@code maxRecipients}. Not produced any more: such a request is split into
     * several messages ({@code parts}); kept because reason codes are never removed.
     */
    TOO_MANY_RECIPIENTS(Status.REJECTED),
    /** An attachment, or a file inside an attached zip, has an extension the account refuses ({@code blockedExtensions}). */
    BLOCKED_ATTACHMENT(Status.REJECTED),
    /** {@code template.id} names no template in the templates folder (or it lacks subject or body). */
    UNKNOWN_TEMPLATE(Status.REJECTED),
    /** The template does not compile (Mustache syntax) or cannot be read. */
    TEMPLATE_ERROR(Status.REJECTED),
    /** A variable the template uses is missing (or null) in {@code template.vars}. */
    TEMPLATE_VARIABLE_MISSING(Status.REJECTED),
    /** An address has a non-ASCII local part (RFC 6531) and the account's server does not offer SMTPUTF8. */
    SMTPUTF8_UNSUPPORTED(Status.REJECTED),
    /** Processing failed unexpectedly (a bug or an unforeseen input); the record is dead-lettered. */
    INTERNAL_ERROR(Status.REJECTED),

    // --- EXPIRED
    /** {@code notAfter} is in the past. */
    NOT_AFTER_PASSED(Status.EXPIRED),
    /** The configured maximum number of attempts was used up. */
    ATTEMPTS_EXHAUSTED(Status.EXPIRED),
    /** The request is older than the configured maximum age. */
    MAX_AGE_EXCEEDED(Status.EXPIRED),

    // --- FAILED
    /** Every recipient was refused permanently (5xx on RCPT TO). */
    RECIPIENT_REJECTED(Status.FAILED),
    /** The server refused the message permanently (5xx on MAIL FROM or after DATA). */
    MESSAGE_REJECTED(Status.FAILED),

    // --- DEFERRED
    /** A temporary (4xx) reply. */
    TEMPORARY_FAILURE(Status.DEFERRED),
    /** The server could not be reached, the connection broke or timed out. */
    CONNECTION_FAILED(Status.DEFERRED),
    /** The account's credentials were refused (535/534); an account problem, not the message's. */
    AUTHENTICATION_FAILED(Status.DEFERRED),
    /** TLS could not be established or the certificate was not trusted. */
    TLS_FAILED(Status.DEFERRED),
    /** Every eligible account has reached its limits; the request waits. */
    ACCOUNTS_AT_LIMIT(Status.DEFERRED),
    /** Every eligible account is cooling down or disabled after account-level failures; the request waits. */
    ACCOUNTS_UNAVAILABLE(Status.DEFERRED),
    /**
     * Accepted for some recipients, temporarily (4xx) refused for others: the next attempt goes to those others
     * only (see {@code rejectedRecipients}).
     */
    PARTIALLY_DEFERRED(Status.DEFERRED),
    /**
     * The provider throttles the account or its sending quota is spent: a 4xx or 5xx reply that names a rate,
     * a sending quota or limit, too many messages or connections (Gmail's {@code 550 5.4.5 Daily user sending
     * quota exceeded}, mail.ru's {@code 451 Ratelimit exceeded for mailbox}). An account problem, not the message's:
     * the account needs a pause, another account may send the message now.
     */
    RATE_LIMITED(Status.DEFERRED),
    /**
     * The provider refused mail from the account as spam, or blocked or blacklisted the account, its sending IP or
     * domain (Yandex's {@code 554 5.7.1 Message rejected under suspicion of SPAM}, Exchange Online's
     * {@code 550 5.7.708 Access denied, traffic not accepted from this IP}). An account problem: other messages
     * through the same account are likely refused too.
     */
    ACCOUNT_BLOCKED(Status.DEFERRED),

    /**
     * The provider refused the account's mail with a reply no rule names, and behaviour says it is the account: a
     * permanent refusal at MAIL FROM (the envelope sender is the account's own address, so the refusal is about the
     * account unless the reply names the size or a sender the account may not use), or several different messages
     * refused alike in a row after DATA. An account problem: the account cools down, the message moves on.
     */
    ACCOUNT_REFUSED(Status.DEFERRED),
    /**
     * The server refused the message after DATA with a reply no rule explains, and no other account could take the
     * message now: it is tried again later (an attempt). A second such refusal by another account, or by the only
     * account it may use, ends it FAILED {@code message_rejected}.
     */
    REFUSAL_UNEXPLAINED(Status.DEFERRED),

    /**
     * The message and its final dot were sent, then the connection broke or timed out before the server replied:
     * it may have been delivered. With {@code retry.uncertain: retry-once} (the default) it is sent once more after
     * {@code retry.uncertainWait}, through the same account, with the same Message-ID; never a second time.
     */
    UNCERTAIN_RETRY(Status.DEFERRED),

    // --- UNCERTAIN
    /**
     * The delivery is uncertain (data sent, no reply) and is not sent again: the policy is {@code hold}, or the one
     * resend of {@code retry-once} was uncertain too. Check with the recipient or the provider, then replay or not.
     */
    DELIVERY_UNCERTAIN(Status.UNCERTAIN),

    // --- SUPPRESSED
    /** Every recipient is on the suppression list ({@code mail.suppressions}); nothing was sent. */
    SUPPRESSED(Status.SUPPRESSED);

    private final Status status;

    ReasonCode(Status status) {
        this.status = status;
    }

    /** The status an outcome with this reason has. */
    public Status status() {
        return status;
    }

    /** The contract form: lower-case name. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
