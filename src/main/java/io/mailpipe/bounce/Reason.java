package io.mailpipe.bounce;

import java.util.Locale;

/**
 * Why a message bounced, in Sisimai's vocabulary (the JSON form is the lower-case name, e.g.
 * {@code userunknown}). Values are only ever added, never renamed.
 */
public enum Reason {
    /** The local part of the recipient address does not exist. */
    USERUNKNOWN,
    /** The recipient's mailbox is full (over quota). */
    MAILBOXFULL,
    /** The domain part of the recipient address does not exist (no MX/A, NXDOMAIN). */
    HOSTUNKNOWN,
    /** Rejected after DATA by a recipient-side filter, or the mailbox is disabled. */
    FILTERED,
    /** The envelope sender (MAIL FROM) was rejected. */
    REJECTED,
    /** The sending host (IP address or hostname) is blocked, e.g. by a DNS blocklist. */
    BLOCKED,
    /** A spam filter on the remote host rejected the message. */
    SPAMDETECTED,
    /** A policy of the remote host was violated. */
    POLICYVIOLATION,
    /** Delivery time expired: the server gave up retrying. */
    EXPIRED,
    /** The recipient account is suspended or disabled. */
    SUSPEND,
    /** A security problem, e.g. authentication required or refused. */
    SECURITYERROR,
    /** SPF, DKIM or DMARC failed. */
    AUTHFAILURE,
    /** Connection or routing problem: DNS failure, routing loop, broken connection. */
    NETWORKERROR,
    /** The remote mail system failed. */
    SYSTEMERROR,
    /** Too many connections, or too many recipients in one transaction. */
    TOOMANYCONN,
    /** The message exceeded the remote size limit. */
    MESGTOOBIG,
    /** Rejected for its content or header format (media, conversion). */
    CONTENTERROR,
    /** The remote host refused to relay. */
    NORELAYING,
    /** The destination does not accept mail at all (null MX, 521). */
    NOTACCEPT,
    /** The sending host has no (or an invalid) reverse DNS (PTR) record. */
    REQUIREPTR,
    /** The recipient has moved and mail is not forwarded. */
    HASMOVED,
    /** A local delivery program (pipe, procmail) failed. */
    MAILERERROR,
    /** A failure without enough detail to decide a reason. */
    ONHOLD,
    /** No reason could be determined. */
    UNDEFINED,
    /** An automatic out-of-office reply (not a failure). */
    VACATION,
    /** A complaint (ARF feedback report), not a failure. */
    FEEDBACK,
    /** Successfully delivered (positive DSN), not a failure. */
    DELIVERED,
    /** The message exceeded a per-mailbox limit (message size, number of messages). */
    EXCEEDLIMIT,
    /** The remote mail system is out of storage. */
    SYSTEMFULL,
    /** Rejected for sending too fast (rate limit). */
    SPEEDING,
    /** A virus scanner rejected the message. */
    VIRUSDETECTED,
    /** A syntax error in an SMTP command. */
    SYNTAXERROR,
    /** The sending IP address has a bad reputation. */
    BADREPUTATION,
    /** The message does not comply with RFC 5322/5321 (e.g. duplicate or missing headers). */
    NOTCOMPLIANTRFC,
    /** The message was not sent because the address is on a suppression list. */
    SUPPRESSED,
    /** STARTTLS failed or was required. */
    FAILEDSTARTTLS;

    /** JSON form: {@code userunknown}, {@code mailboxfull}, ... */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The hard-bounce rule: the address itself is bad (a missing user, a missing domain, a moved mailbox, a destination
     * that accepts no mail at all) and the failure is permanent (5.x.x, else a 5xx reply). A temporary failure is never
     * hard, whatever its reason: RFC 3463 says of X.1.1 and X.1.2 that they are "only useful for permanent failures",
     * and a 4.1.1 ("450 4.1.1 unverified address") means the address could not be checked yet.
     */
    public boolean isHard(boolean permanent) {
        return permanent && switch (this) {
            case USERUNKNOWN, HOSTUNKNOWN, HASMOVED, NOTACCEPT -> true;
            default -> false;
        };
    }

    /**
     * True for the reasons that say what a report is rather than why a delivery failed (a complaint, an auto-reply, a
     * delivery, an SES suppression): the detector that recognised the report decides them, no code or phrase.
     */
    boolean namesTheReport() {
        return this == FEEDBACK || this == VACATION || this == DELIVERED || this == SUPPRESSED;
    }
}
