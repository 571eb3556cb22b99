package io.mailpipe.bounce;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * RFC 3463 enhanced status codes to reasons. Some codes say it all (5.1.1: no such user); others
 * are too broad (5.7.1: anything the remote policy dislikes), so the phrase rules decide first.
 */
final class StatusCodes {
    private static final Map<String, Reason> TABLE = new HashMap<>();
    /**
     * Codes whose reason is decided by the code alone, before any phrase. X.2.3 is RFC 3463's
     * "message length exceeds administrative limit" of one mailbox (exceedlimit), even when the
     * text speaks of the message length.
     */
    private static final Set<String> DECISIVE = Set.of(
            "5.1.1", "5.1.2", "5.1.6", "4.1.6", "5.1.7", "5.1.8", "5.2.2", "4.2.2", "5.2.3", "4.2.3", "5.3.4", "5.7.13",
            "5.7.17", "5.7.18", "5.7.20", "5.7.21", "5.7.22", "5.7.23", "5.7.24", "4.7.24", "5.7.25", "4.7.25",
            "5.7.26", "4.7.26", "5.7.27", "5.7.28", "5.7.29");

    static {
        put(Reason.DELIVERED, "2.1.5");
        put(Reason.HASMOVED, "4.1.6", "5.1.6", "5.7.17", "5.7.18");
        put(Reason.REJECTED, "4.1.7", "4.1.8", "5.1.7", "5.1.8");
        put(Reason.SYSTEMERROR, "4.1.9", "5.1.9", "4.3.3", "4.3.5", "4.4.3", "4.5.3", "4.5.5", "5.3.0", "5.3.3",
                "5.3.5", "5.4.3", "5.5.4", "5.5.5");
        put(Reason.BLOCKED, "4.2.1", "4.7.1", "4.7.2");
        put(Reason.MAILBOXFULL, "4.2.2", "5.2.2");
        put(Reason.EXCEEDLIMIT, "4.2.3", "5.2.3");
        put(Reason.FILTERED, "4.2.4", "5.1.4", "5.2.0", "5.2.1", "5.2.4");
        put(Reason.SYSTEMFULL, "4.3.1", "5.3.1", "4.4.5");
        put(Reason.NOTACCEPT, "4.3.2", "5.3.2", "5.7.27");
        put(Reason.EXPIRED, "4.4.1", "4.4.7", "5.4.7");
        put(Reason.NETWORKERROR, "4.4.2", "4.4.4", "4.4.6", "4.4.8", "5.4.0", "5.4.6");
        put(Reason.CONTENTERROR, "4.6.0", "4.6.2", "4.6.5", "5.6.0", "5.6.1", "5.6.2", "5.6.3", "5.6.5", "5.6.6",
                "5.6.7", "5.6.8", "5.6.9");
        put(Reason.SECURITYERROR, "4.7.5", "4.7.6", "4.7.7", "4.7.12", "4.7.15", "5.7.0", "5.7.1", "5.7.2", "5.7.3",
                "5.7.4", "5.7.5", "5.7.6", "5.7.7", "5.7.8", "5.7.9", "5.7.10", "5.7.11", "5.7.14", "5.7.15", "5.7.19");
        put(Reason.MESGTOOBIG, "4.7.16", "5.3.4", "5.7.16");
        put(Reason.AUTHFAILURE, "4.7.24", "4.7.26", "5.7.20", "5.7.21", "5.7.22", "5.7.23", "5.7.24", "5.7.26",
                "5.7.29");
        put(Reason.REQUIREPTR, "4.7.25", "5.7.25");
        // 5.1.10: Microsoft 365 "recipient not found by SMTP address lookup"
        put(Reason.USERUNKNOWN, "5.1.0", "5.1.1", "5.1.3", "5.1.10");
        put(Reason.HOSTUNKNOWN, "5.1.2", "5.4.4");
        put(Reason.SYNTAXERROR, "5.5.2", "5.5.6");
        put(Reason.TOOMANYCONN, "5.5.3");
        put(Reason.SUSPEND, "5.7.13");
        put(Reason.SPAMDETECTED, "5.7.28");
        put(Reason.FAILEDSTARTTLS, "5.7.30");
    }

    private StatusCodes() {
    }

    private static void put(Reason reason, String... codes) {
        for (String c : codes) {
            TABLE.putIfAbsent(c, reason);
        }
    }

    /** The reason the code stands for, or null (x.0.0 and unlisted codes). */
    static Reason reasonOf(String status) {
        if (status == null) {
            return null;
        }
        Reason r = TABLE.get(status);
        if (r == null && status.startsWith("5.1.")) {
            return Reason.USERUNKNOWN; // vendor sub-codes such as Exchange's 5.1.351 are address problems
        }
        return r;
    }

    /** True when the code alone decides the reason. */
    static boolean isDecisive(String status) {
        return status != null && DECISIVE.contains(status);
    }
}
