package io.mailpipe.bounce;

import java.util.HashMap;
import java.util.Map;

/**
 * What an RFC 3463 enhanced status code says about the reason: the "subject.detail" part looked up in the table of
 * RFC 3463 and the IANA registry of SMTP enhanced status codes (RFC 5248; registrations from RFC 3886, 4468, 4954,
 * 5248, 6531, 6710, 7293, 7372, 7505, 8098, 8617, 8689), plus the codes Microsoft documents for Exchange Online
 * ("Email non-delivery reports and SMTP errors in Exchange Online"). The class (2, 4, 5) says only how final it is.
 *
 * <p>A <em>generic</em> code names an area but not the cause (X.0.0, X.1.0, X.2.0, X.5.0, X.7.0, X.7.1, ...): its
 * reason is a default that the phrase rules may refine. Every other code decides the reason alone.
 * The reasons are the project's vocabulary (Sisimai's): where its documentation ties a reason to a code (filtered:
 * 5.2.0 and 5.2.1; mailboxfull: X.2.2; exceedlimit: X.2.3; mesgtoobig: 5.3.4; hostunknown: 5.1.2; hasmoved:
 * 5.1.6; contenterror: 5.6.X) the table follows it.
 */
final class StatusCodes {
    /**
     * The reason a code stands for.
     *
     * @param reason  the reason (never null)
     * @param generic true when the code names only an area: phrases may refine the reason
     */
    record Meaning(Reason reason, boolean generic) {
    }

    /** "subject.detail" to its meaning, the same for classes 4 and 5. */
    private static final Map<String, Meaning> BY_DETAIL = new HashMap<>();
    /** Full codes whose meaning depends on the class or that a vendor documents ("5.4.310"). */
    private static final Map<String, Meaning> BY_CODE = new HashMap<>();
    /** The default of each subject (X.n.*) for details that are not registered, generic. */
    private static final Reason[] BY_SUBJECT = {
            null, Reason.USERUNKNOWN, Reason.FILTERED, Reason.SYSTEMERROR, Reason.NETWORKERROR, null,
            Reason.CONTENTERROR, Reason.SECURITYERROR};

    static {
        // X.1.x Addressing status
        generic("1.0", Reason.USERUNKNOWN);      // Other address status
        exact("1.1", Reason.USERUNKNOWN);        // Bad destination mailbox address
        exact("1.2", Reason.HOSTUNKNOWN);        // Bad destination system address
        exact("1.3", Reason.USERUNKNOWN);        // Bad destination mailbox address syntax
        generic("1.4", Reason.FILTERED);         // Destination mailbox address ambiguous
        exact("1.6", Reason.HASMOVED);           // Destination mailbox has moved, No forwarding address
        exact("1.7", Reason.REJECTED);           // Bad sender's mailbox address syntax
        exact("1.8", Reason.REJECTED);           // Bad sender's system address
        generic("1.9", Reason.SYSTEMERROR);      // Message relayed to non-compliant mailer (RFC 3886)
        // Recipient address has null MX (RFC 7505); Microsoft uses 5.1.10 for "Recipient not found by SMTP
        // address lookup": generic, the words tell which
        generic("1.10", Reason.NOTACCEPT);
        // X.2.x Mailbox status
        generic("2.0", Reason.FILTERED);         // Other or undefined mailbox status
        generic("2.1", Reason.FILTERED);         // Mailbox disabled, not accepting messages
        exact("2.2", Reason.MAILBOXFULL);        // Mailbox full
        // Message length exceeds administrative limit: a per-mailbox limit; "message too large" says it is the size
        generic("2.3", Reason.EXCEEDLIMIT);
        generic("2.4", Reason.SYSTEMERROR);      // Mailing list expansion problem
        // X.3.x Mail system status
        generic("3.0", Reason.SYSTEMERROR);      // Other or undefined mail system status
        exact("3.1", Reason.SYSTEMFULL);         // Mail system full
        generic("3.2", Reason.NOTACCEPT);        // System not accepting network messages
        exact("3.3", Reason.SYSTEMERROR);        // System not capable of selected features
        exact("3.4", Reason.MESGTOOBIG);         // Message too big for system
        exact("3.5", Reason.SYSTEMERROR);        // System incorrectly configured
        // X.4.x Network and routing status
        generic("4.0", Reason.NETWORKERROR);     // Other or undefined network or routing status
        generic("4.1", Reason.NETWORKERROR);     // No answer from host
        // Bad connection: "unable to complete the message transaction, either because of time-out, or inadequate
        // connection quality": the words tell a timeout
        generic("4.2", Reason.NETWORKERROR);
        exact("4.3", Reason.SYSTEMERROR);        // Directory server failure (DNS, LDAP): a server, not the network
        // Unable to route: Postfix writes it for a domain without MX or A records ("Host not found")
        generic("4.4", Reason.NETWORKERROR);
        exact("4.5", Reason.NETWORKERROR);       // Mail system congestion
        exact("4.6", Reason.NETWORKERROR);       // Routing loop detected
        exact("4.7", Reason.EXPIRED);            // Delivery time expired
        // X.5.x Mail delivery protocol status
        exact("5.1", Reason.SYNTAXERROR);        // Invalid command
        exact("5.2", Reason.SYNTAXERROR);        // Syntax error
        exact("5.3", Reason.TOOMANYCONN);        // Too many recipients
        exact("5.4", Reason.SYNTAXERROR);        // Invalid command arguments
        exact("5.5", Reason.SYSTEMERROR);        // Wrong protocol version
        exact("5.6", Reason.SYNTAXERROR);        // Authentication Exchange line is too long (RFC 4954)
        // X.6.x Message content or media status: every detail is a content error
        generic("6.0", Reason.CONTENTERROR);     // Other or undefined media error
        // X.7.x Security or policy status. The details that only name a security mechanism are generic: providers
        // give them with words of their own (Yahoo: 554 5.7.9 Message not accepted for policy reasons)
        generic("7.0", Reason.SECURITYERROR);    // Other or undefined security status
        generic("7.1", Reason.SECURITYERROR);    // Delivery not authorized, message refused
        generic("7.2", Reason.SECURITYERROR);      // Mailing list expansion prohibited
        generic("7.3", Reason.SECURITYERROR);      // Security conversion required but not possible
        generic("7.4", Reason.SECURITYERROR);      // Security features not supported
        generic("7.5", Reason.SECURITYERROR);      // Cryptographic failure
        generic("7.6", Reason.SECURITYERROR);      // Cryptographic algorithm not supported
        generic("7.7", Reason.SECURITYERROR);      // Message integrity failure
        generic("7.8", Reason.SECURITYERROR);      // Authentication credentials invalid (RFC 4954)
        generic("7.9", Reason.SECURITYERROR);      // Authentication mechanism is too weak (RFC 4954)
        generic("7.10", Reason.SECURITYERROR);     // Encryption Needed (RFC 5248)
        generic("7.11", Reason.SECURITYERROR);     // Encryption required for requested authentication mechanism
        generic("7.12", Reason.SECURITYERROR);     // A password transition is needed (RFC 4954)
        exact("7.13", Reason.SUSPEND);           // User Account Disabled (RFC 5248)
        generic("7.14", Reason.SECURITYERROR);     // Trust relationship required (RFC 5248)
        generic("7.15", Reason.SECURITYERROR);     // Priority Level is too low (RFC 6710)
        exact("7.16", Reason.MESGTOOBIG);        // Message is too big for the specified priority (RFC 6710)
        exact("7.17", Reason.HASMOVED);          // Mailbox owner has changed (RFC 7293)
        exact("7.18", Reason.HASMOVED);          // Domain owner has changed (RFC 7293)
        generic("7.19", Reason.SECURITYERROR);     // RRVS test cannot be completed (RFC 7293)
        exact("7.20", Reason.AUTHFAILURE);       // No passing DKIM signature found (RFC 7372)
        exact("7.21", Reason.AUTHFAILURE);       // No acceptable DKIM signature found (RFC 7372)
        exact("7.22", Reason.AUTHFAILURE);       // No valid author-matched DKIM signature found (RFC 7372)
        exact("7.23", Reason.AUTHFAILURE);       // SPF validation failed (RFC 7372)
        exact("7.24", Reason.AUTHFAILURE);       // SPF validation error (RFC 7372)
        exact("7.25", Reason.REQUIREPTR);        // Reverse DNS validation failed (RFC 7372)
        exact("7.26", Reason.AUTHFAILURE);       // Multiple authentication checks failed (RFC 7372)
        // Sender address has null MX (RFC 7505): our own sender's domain, not the recipient
        exact("7.27", Reason.REJECTED);
        exact("7.28", Reason.SPAMDETECTED);      // Mail flood detected (RFC 8550)
        exact("7.29", Reason.AUTHFAILURE);       // ARC validation failure (RFC 8617)
        exact("7.30", Reason.FAILEDSTARTTLS);    // REQUIRETLS support required (RFC 8689)

        // Microsoft, "Email non-delivery reports and SMTP errors in Exchange Online"
        code("5.1.90", Reason.SPEEDING, false);       // the sender reached its daily limit for message recipients
        code("5.4.300", Reason.EXPIRED, false);       // Message expired
        code("5.4.310", Reason.HOSTUNKNOWN, false);   // DNS domain does not exist
        code("5.4.312", Reason.NETWORKERROR, false);  // DNS query failed
        code("5.4.316", Reason.NETWORKERROR, false);  // Connection refused
        code("5.4.14", Reason.NETWORKERROR, false);   // Routing loop detected
        code("5.7.501", Reason.BLOCKED, false);       // Access denied, spam abuse detected
        code("5.7.506", Reason.BLOCKED, false);       // Access Denied, Bad HELO
        code("5.7.507", Reason.BLOCKED, false);       // Access denied, rejected by recipient (the sending IP)
        code("5.7.508", Reason.BLOCKED, false);       // Access denied, the sending IP exceeded permitted limits
        code("5.7.509", Reason.AUTHFAILURE, false);   // Access denied, sending domain does not pass DMARC verification
        code("5.7.510", Reason.BLOCKED, false);       // Access denied, the domain does not accept email over IPv6
        code("5.7.511", Reason.BLOCKED, false);       // Access denied, banned sender
        code("5.7.512", Reason.NOTCOMPLIANTRFC, false); // Access denied, message must be RFC 5322 section 3.6.2 compliant
        code("5.7.513", Reason.BLOCKED, false);       // Client host blocked using Customer Block list
        code("5.7.515", Reason.AUTHFAILURE, false);   // Sending domain does not meet the required authentication level
        code("5.7.54", Reason.NORELAYING, false);     // Unable to relay recipient in non-accepted domain
        code("5.7.64", Reason.NORELAYING, false);     // TenantAttribution; Relay Access Denied
        for (int i = 606; i <= 649; i++) {
            code("5.7." + i, Reason.BLOCKED, false);  // Access denied, banned sending IP
        }
    }

    private StatusCodes() {
    }

    private static void exact(String detail, Reason reason) {
        BY_DETAIL.put(detail, new Meaning(reason, false));
    }

    private static void generic(String detail, Reason reason) {
        BY_DETAIL.put(detail, new Meaning(reason, true));
    }

    private static void code(String code, Reason reason, boolean generic) {
        BY_CODE.put(code, new Meaning(reason, generic));
    }

    /**
     * The meaning of an enhanced status code, or null when there is none or it names no reason at all (X.0.0,
     * X.5.0: only the class is known). Class 2 is delivered.
     */
    static Meaning of(String status) {
        if (status == null || status.length() < 5) {
            return null;
        }
        if (status.charAt(0) == '2') {
            return new Meaning(Reason.DELIVERED, false);
        }
        Meaning m = BY_CODE.get(status);
        if (m != null) {
            return m;
        }
        String detail = status.substring(2);
        m = BY_DETAIL.get(detail);
        if (m != null) {
            return m;
        }
        int subject = detail.charAt(0) - '0';
        if (subject == 6 && detail.length() >= 3) {
            return new Meaning(Reason.CONTENTERROR, false); // X.6.1 to X.6.10: media and conversion errors
        }
        if (subject >= 0 && subject < BY_SUBJECT.length && BY_SUBJECT[subject] != null
                && !detail.endsWith(".0") && detail.indexOf('.') == 1) {
            return new Meaning(BY_SUBJECT[subject], true); // a detail nobody registered: the subject's area
        }
        return null;
    }
}
