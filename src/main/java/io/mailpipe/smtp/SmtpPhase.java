package io.mailpipe.smtp;

/** The part of an SMTP session a reply answered; {@link ReplyRule}s match on it. */
public enum SmtpPhase {
    /** Greeting, EHLO/HELO, STARTTLS: before any authentication or mail transaction. */
    CONNECT,
    /** AUTH. */
    AUTH,
    /** MAIL FROM: the sender and the transaction as a whole. */
    MAIL,
    /** RCPT TO: one recipient. */
    RCPT,
    /** DATA, the final dot, or BDAT: the message content. */
    DATA
}
