package io.mailpipe.smtp;

import java.util.List;
import java.util.Objects;

/**
 * What one SMTP send that did not fully succeed came to, as the sender saw it: how far it got, the reply that ended
 * it, each refused recipient's reply, and whether the whole message went out. Both SMTP clients report this one value
 * (mailpipe's pipelining client builds it as it speaks; the Angus path is read into it once, by
 * {@link AngusTransactions}); {@link SmtpFailureClassifier} decides from it alone. Immutable.
 *
 * @param phase         the phase it ended in: CONNECT (greeting, EHLO, STARTTLS), AUTH, MAIL, RCPT or DATA (the DATA
 *                      command, the message, the final dot)
 * @param reply         the reply that ended it, or null when none came (or none could be read)
 * @param afterFinalDot the whole message and its final dot were sent: {@code reply} answers them (or never came)
 * @param refused       recipients refused at RCPT TO, in the order sent, each with its reply (null when only the
 *                      address is known)
 * @param accepted      recipients the server accepted at RCPT TO
 * @param trouble       what went wrong besides a reply
 * @param detail        what broke, for TLS, connection, authentication and other trouble (never credentials or
 *                      message content); empty when a reply says it all
 */
public record SmtpTransaction(SmtpPhase phase, SmtpReply reply, boolean afterFinalDot, List<RecipientFailure> refused,
                              int accepted, Trouble trouble, String detail) {

    /** What went wrong besides (or instead of) a reply. */
    public enum Trouble {
        /** Nothing: the reply decides. */
        NONE,
        /** The connection could not be made, broke, or timed out. */
        CONNECTION,
        /** TLS could not be set up, the certificate was not trusted or did not name the host, or STARTTLS was missing. */
        TLS,
        /** The login failed without a reply that says why (no mechanism in common, a refused OAuth2 token source). */
        AUTHENTICATION,
        /** Something else failed (a bug, a protocol state nobody foresaw). */
        OTHER
    }

    public SmtpTransaction {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(trouble, "trouble");
        refused = refused == null ? List.of() : List.copyOf(refused);
        detail = detail == null ? "" : detail;
    }

    /** A reply that ended the transaction in this phase. */
    public static SmtpTransaction replied(SmtpPhase phase, SmtpReply reply) {
        return new SmtpTransaction(phase, reply, false, List.of(), 0, Trouble.NONE, "");
    }

    /** Trouble without a reply in this phase. */
    public static SmtpTransaction trouble(SmtpPhase phase, Trouble trouble, String detail) {
        return new SmtpTransaction(phase, null, false, List.of(), 0, trouble, detail);
    }

    /** The whole message and its final dot were sent, then no reply came: it may have been delivered. */
    public static SmtpTransaction noReplyAfterData(String detail, List<RecipientFailure> refused, int accepted) {
        return new SmtpTransaction(SmtpPhase.DATA, null, true, refused, accepted, Trouble.CONNECTION, detail);
    }
}
