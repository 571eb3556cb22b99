package io.mailpipe.suppression;

import java.util.Locale;

/** Why an address is on the suppression list. Public contract: the JSON form is the lower-case name. */
public enum SuppressionReason {
    /** A hard bounce (Sisimai's rule: userunknown, hostunknown, hasmoved, notaccept with a 5xx code). */
    HARD_BOUNCE,
    /** A complaint (ARF feedback report) about a message to this address. */
    COMPLAINT,
    /** Soft bounces reached the configured {@code suppression.softBounceRule}. */
    SOFT_BOUNCES,
    /** Added by an operator ({@code mailpipe suppression add}). */
    MANUAL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SuppressionReason of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
