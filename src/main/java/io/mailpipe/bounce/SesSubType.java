package io.mailpipe.bounce;

/**
 * Amazon SES's bounce sub-type. The JSON form is SES's own spelling ({@code NoEmail}, ...). Which
 * sub-types go with which {@link SesBounceType} follows SES: NoEmail, Suppressed and
 * OnAccountSuppressionList are permanent; MailboxFull, MessageTooLarge, ContentRejected and
 * AttachmentRejected transient; General either; Undetermined goes with Undetermined.
 */
public enum SesSubType {
    /** A bounce without a more specific sub-type. */
    GENERAL("General"),
    /** The address does not exist (no such user, no such domain, moved, null MX). */
    NO_EMAIL("NoEmail"),
    /** Not sent: the address is on a (provider-wide) suppression list. */
    SUPPRESSED("Suppressed"),
    /** Not sent: the address is on the sending account's own suppression list. */
    ON_ACCOUNT_SUPPRESSION_LIST("OnAccountSuppressionList"),
    /** The recipient's mailbox is full. */
    MAILBOX_FULL("MailboxFull"),
    /** The message is larger than the receiving side accepts. */
    MESSAGE_TOO_LARGE("MessageTooLarge"),
    /** The receiving side refused the content (spam, policy, filter, malformed message). */
    CONTENT_REJECTED("ContentRejected"),
    /** The receiving side refused an attachment (virus, forbidden type). */
    ATTACHMENT_REJECTED("AttachmentRejected"),
    /** The report does not say enough to decide (only with {@link SesBounceType#UNDETERMINED}). */
    UNDETERMINED("Undetermined");

    private final String jsonName;

    SesSubType(String jsonName) {
        this.jsonName = jsonName;
    }

    /** SES's spelling. */
    public String jsonName() {
        return jsonName;
    }

    /** The constant for SES's spelling, or null when the text is none of them. */
    static SesSubType ofJsonName(String s) {
        for (SesSubType t : values()) {
            if (t.jsonName.equals(s)) {
                return t;
            }
        }
        return null;
    }
}
