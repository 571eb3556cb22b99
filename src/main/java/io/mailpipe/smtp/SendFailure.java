package io.mailpipe.smtp;

import io.mailpipe.outcome.ReasonCode;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a failed (or partly failed) SMTP send means, as {@link SmtpFailureClassifier} reads it.
 *
 * @param reason             one of {@link #REASONS}; PARTIALLY_ACCEPTED means the message was sent to the
 *                           accepted recipients (status SENT) and {@code rejectedRecipients} lists the others
 * @param reply              the server reply that decided the reason, or null (connection, TLS, unknown errors)
 * @param rejectedRecipients recipients refused at RCPT TO (4xx or 5xx), in the order they were sent; never null
 * @param detail             a short human-readable reason: the server's reply text or the exception's kind,
 *                           never credentials or message content
 * @param scope              what the failure is about: the account, a recipient, or the message
 */
public record SendFailure(
        ReasonCode reason,
        SmtpReply reply,
        List<RecipientFailure> rejectedRecipients,
        String detail,
        Scope scope) {

    /** The reasons a send failure can have. */
    public static final Set<ReasonCode> REASONS = Set.copyOf(EnumSet.of(
            ReasonCode.TEMPORARY_FAILURE, ReasonCode.CONNECTION_FAILED, ReasonCode.AUTHENTICATION_FAILED,
            ReasonCode.TLS_FAILED, ReasonCode.RECIPIENT_REJECTED, ReasonCode.MESSAGE_REJECTED,
            ReasonCode.PARTIALLY_ACCEPTED, ReasonCode.RATE_LIMITED, ReasonCode.ACCOUNT_BLOCKED, ReasonCode.ACCOUNT_REFUSED, ReasonCode.REFUSAL_UNEXPLAINED,
            ReasonCode.SMTPUTF8_UNSUPPORTED, ReasonCode.MESSAGE_TOO_LARGE, ReasonCode.DELIVERY_UNCERTAIN));

    /** What a failure is about; decides whether the account, a recipient or the message is to blame. */
    public enum Scope {
        /**
         * The account or its connection: authentication, TLS, connect, 421, a 4xx to MAIL FROM, a reply in any
         * phase that names a rate, quota or limit (RATE_LIMITED) or spam or a block (ACCOUNT_BLOCKED).
         * Other messages through the same account would fail the same way.
         */
        ACCOUNT,
        /**
         * One or more recipients were refused at RCPT TO, or the reply after DATA names a recipient's mailbox
         * (unknown, disabled, full); other messages are not affected.
         */
        RECIPIENT,
        /** This message (its content or its From/sender address) was refused at MAIL FROM, RCPT TO or DATA. */
        MESSAGE,
        /**
         * The whole transaction was refused after DATA with a reply no rule explains (neither a recipient's mailbox,
         * nor the content or sender, nor a rate or block): it may be the account or the message. Behaviour decides
         * ({@code account.PushbackJudge}): the message moves to another account, the account is blamed when it
         * refuses several different messages alike in a row, and the message is blamed when a second account refuses
         * it too. Never FAILED on its own.
         */
        UNEXPLAINED
    }

    public SendFailure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(scope, "scope");
        if (!REASONS.contains(reason)) {
            throw new IllegalArgumentException("not a send failure reason: " + reason);
        }
        rejectedRecipients = rejectedRecipients == null ? List.of() : List.copyOf(rejectedRecipients);
        detail = detail == null ? "" : detail;
    }
}
