package io.mailpipe.smtp;

import jakarta.mail.MessagingException;

/**
 * Carries an {@link SmtpTransaction} through camel-mail's send seam ({@code JavaMailSender.send} can only return by
 * throwing): every failed send of mailpipe's senders ends in this one exception, whatever the client, and the
 * classifier reads its value.
 */
public final class SmtpTransactionException extends MessagingException {

    private final transient SmtpTransaction transaction;

    public SmtpTransactionException(SmtpTransaction transaction, Exception cause) {
        super(summary(transaction), cause);
        this.transaction = transaction;
    }

    /** What the send came to. */
    public SmtpTransaction transaction() {
        return transaction;
    }

    private static String summary(SmtpTransaction t) {
        String what = t.reply() != null ? t.phase() + " replied " + t.reply()
                : t.phase() + (t.afterFinalDot() ? " (after the final dot)" : "") + ": " + t.trouble();
        return t.detail().isEmpty() ? what : what + " (" + t.detail() + ")";
    }
}
