package io.mailpipe.account;

/** How the SMTP connection of an account is protected. */
public enum Security {
    /** Plain SMTP (only for a local sandbox or a trusted relay). */
    NONE,
    /** Plain connect, then STARTTLS, required: the send fails if the server does not offer it. */
    STARTTLS,
    /** Implicit TLS from the first byte (port 465, "SMTPS"). */
    SSL;

    /** The security a port implies when the config does not say: 465 SSL, 587 STARTTLS, otherwise none known. */
    public static Security impliedByPort(int port) {
        return switch (port) {
            case 465 -> SSL;
            case 587 -> STARTTLS;
            default -> null;
        };
    }
}
