package io.mailpipe.bounce;

/**
 * Maps a record's kind, reason and hard/soft decision to Amazon SES's bounce type and sub-type,
 * so that consumers written for SES notifications can read mailpipe's bounces. Only bounces and
 * delays have one; complaints, auto-replies and delivery reports have none (null).
 *
 * <p>The rule: a hard record ({@link Reason#isHard}) is Permanent/NoEmail; a suppressed address is
 * Permanent/Suppressed; UNDEFINED and ONHOLD (nothing to decide from) are
 * Undetermined/Undetermined; every other record is Transient, with the sub-type its reason stands
 * for (MailboxFull, MessageTooLarge, ContentRejected, AttachmentRejected) or General. A report
 * that is itself an SES notification keeps the type SES gave.
 */
record SesClassification(SesBounceType type, SesSubType subType) {
    static SesClassification of(Kind kind, Reason reason, boolean hard) {
        if (kind != Kind.BOUNCE && kind != Kind.DELAY) {
            return new SesClassification(null, null);
        }
        if (hard) {
            return new SesClassification(SesBounceType.PERMANENT, SesSubType.NO_EMAIL);
        }
        return switch (reason) {
            case SUPPRESSED -> new SesClassification(SesBounceType.PERMANENT, SesSubType.SUPPRESSED);
            case UNDEFINED, ONHOLD -> new SesClassification(SesBounceType.UNDETERMINED, SesSubType.UNDETERMINED);
            case MAILBOXFULL -> transientOf(SesSubType.MAILBOX_FULL);
            case MESGTOOBIG, EXCEEDLIMIT -> transientOf(SesSubType.MESSAGE_TOO_LARGE);
            case SPAMDETECTED, FILTERED, CONTENTERROR, POLICYVIOLATION, NOTCOMPLIANTRFC -> transientOf(SesSubType.CONTENT_REJECTED);
            case VIRUSDETECTED -> transientOf(SesSubType.ATTACHMENT_REJECTED);
            default -> transientOf(SesSubType.GENERAL);
        };
    }

    private static SesClassification transientOf(SesSubType subType) {
        return new SesClassification(SesBounceType.TRANSIENT, subType);
    }
}
