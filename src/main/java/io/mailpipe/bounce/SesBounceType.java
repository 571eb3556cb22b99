package io.mailpipe.bounce;

/**
 * Amazon SES's bounce type, for consumers that already understand SES bounce notifications. The
 * JSON form is SES's own spelling ({@code Permanent}, {@code Transient}, {@code Undetermined}).
 */
public enum SesBounceType {
    /** A hard bounce: remove the address from the list. */
    PERMANENT("Permanent"),
    /** A soft bounce: the address may work later, or the message (not the address) was the problem. */
    TRANSIENT("Transient"),
    /** The report does not say enough to decide. */
    UNDETERMINED("Undetermined");

    private final String jsonName;

    SesBounceType(String jsonName) {
        this.jsonName = jsonName;
    }

    /** SES's spelling. */
    public String jsonName() {
        return jsonName;
    }

    /** The constant for SES's spelling, or null when the text is none of them. */
    static SesBounceType ofJsonName(String s) {
        for (SesBounceType t : values()) {
            if (t.jsonName.equals(s)) {
                return t;
            }
        }
        return null;
    }
}
