package io.mailpipe.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

import io.mailpipe.smtp.SmtpTransaction.Trouble;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

/**
 * Reads what Angus Mail's SMTP transport threw into an {@link SmtpTransaction}: the one place that knows Angus'
 * exception shapes (2.0.5). mailpipe's own pipelining client reports transactions directly; the Jakarta path (pooled
 * Angus transports, the one-connection sender) goes through here. It walks the exception chain
 * ({@code getNextException()}, {@code getCause()}) in this order:
 * <ol>
 *   <li>{@link DeliveryUncertainException}: the message and its final dot were written, no reply came.</li>
 *   <li>TLS: an {@link SSLException} (handshake, untrusted or expired certificate), a certificate path error, a host
 *       name that does not match, "STARTTLS is required but host does not support STARTTLS" or "Could not convert
 *       socket to TLS". An SSLException that only wraps a broken socket is a connection failure.</li>
 *   <li>{@link AuthenticationFailedException}: its message is the server's last reply when there was one.</li>
 *   <li>The mail transaction: {@link SMTPSendFailedException} (the reply to MAIL FROM, DATA or the final dot; with
 *       {@code mail.smtp.sendpartial} a 250 to the final dot that reports refused recipients),
 *       {@link SMTPAddressFailedException}s (refused recipients), {@link SMTPSenderFailedException}.</li>
 *   <li>Connection: {@link MailConnectException} or any {@link IOException} in the chain.</li>
 *   <li>Session replies: a MessagingException whose message is a reply (EHLO or STARTTLS refused) or names the
 *       greeting's code ({@code "Could not connect to SMTP host: h, port: 25, response: 421"}).</li>
 *   <li>Anything else: trouble OTHER, with the exception's class.</li>
 * </ol>
 */
public final class AngusTransactions {

    /** Angus' MessagingException when the server does not offer STARTTLS but the session requires it. */
    private static final String STARTTLS_MISSING = "STARTTLS is required but host does not support STARTTLS";
    /** Angus' MessagingException when the STARTTLS handshake fails (the SSLException is its next exception). */
    private static final String STARTTLS_FAILED = "Could not convert socket to TLS";
    /** Angus' messages for a greeting other than 220: only the code survives. */
    private static final Pattern GREETING = Pattern.compile(
            "^(?:Could not connect to SMTP host|Got bad greeting from SMTP host): .*, response: ([2-5][0-9][0-9])$");
    private static final int MAX_CHAIN = 64;

    private AngusTransactions() {
    }

    /** What the failure says about the transaction. */
    public static SmtpTransaction from(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof SmtpTransactionException carried) {
                return carried.transaction();
            }
            if (t instanceof DeliveryUncertainException uncertain) {
                return SmtpTransaction.noReplyAfterData(uncertain.getMessage() + (uncertain.getNextException() == null
                        ? "" : " (" + describe(uncertain.getNextException()) + ")"), List.of(), 0);
            }
        }
        return tls(chain)
                .or(() -> authentication(chain))
                .or(() -> transaction(chain))
                .or(() -> connection(chain))
                .or(() -> sessionReply(chain))
                .orElseGet(() -> SmtpTransaction.trouble(SmtpPhase.DATA, Trouble.OTHER,
                        "unexpected failure while sending: " + failure.getClass().getName()));
    }

    /** The failure and its next/cause exceptions, each once. */
    static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.size() < MAX_CHAIN && seen.add(t); ) {
            chain.add(t);
            t = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
        }
        return chain;
    }

    // --- TLS

    private static Optional<SmtpTransaction> tls(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof SSLException ssl && !(ssl instanceof SSLHandshakeException) && wrapsBrokenSocket(ssl)) {
                // "javax.net.ssl.SSLException: Connection reset" on an established TLS session: a connection failure
                return Optional.empty();
            }
            if (isTlsError(t) || isHostNameMismatch(t)) {
                String advice = TlsTrust.advice(t);
                return Optional.of(tlsTrouble(advice == null ? describe(t) : advice + " (" + describe(t) + ")"));
            }
            if (t instanceof MessagingException m && m.getMessage() != null) {
                if (m.getMessage().startsWith(STARTTLS_MISSING)) {
                    return Optional.of(tlsTrouble("the server does not offer STARTTLS, which the account requires"
                            + " (security: starttls, or a login with security: none and no allowPlaintextAuth: true);"
                            + " nothing was sent, no password either"));
                }
                if (m.getMessage().startsWith(STARTTLS_FAILED) && !isTlsError(m.getNextException())) {
                    // a socket error during the handshake; a TLS error would be found by the next round
                    return Optional.of(tlsTrouble(m.getNextException() == null ? STARTTLS_FAILED
                            : "handshake broke off: " + describe(m.getNextException())));
                }
            }
        }
        return Optional.empty();
    }

    private static SmtpTransaction tlsTrouble(String what) {
        return SmtpTransaction.trouble(SmtpPhase.CONNECT, Trouble.TLS, "TLS failed: " + what);
    }

    /** Angus' IOException when the certificate does not name the host ({@code ssl.checkserveridentity}). */
    private static boolean isHostNameMismatch(Throwable t) {
        return t instanceof IOException && t.getMessage() != null
                && (t.getMessage().startsWith("Can't verify identity of server") || t.getMessage().startsWith("Server is not trusted"));
    }

    private static boolean isTlsError(Throwable t) {
        return t instanceof SSLException || t instanceof CertificateException
                || t instanceof CertPathValidatorException || t instanceof CertPathBuilderException;
    }

    private static boolean wrapsBrokenSocket(SSLException ssl) {
        int depth = 0;
        for (Throwable c = ssl.getCause(); c != null && depth++ < MAX_CHAIN; c = c.getCause()) {
            if (c instanceof SocketException || c instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    // --- authentication

    private static Optional<SmtpTransaction> authentication(List<Throwable> chain) {
        for (int i = 0; i < chain.size(); i++) {
            if (!(chain.get(i) instanceof AuthenticationFailedException auth)) {
                continue;
            }
            SmtpReply reply = SmtpReply.parse(auth.getMessage());
            if (reply != null) {
                return Optional.of(SmtpTransaction.replied(SmtpPhase.AUTH, reply));
            }
            IOException io = first(chain.subList(i + 1, chain.size()), IOException.class);
            if (io != null) {
                return Optional.of(SmtpTransaction.trouble(SmtpPhase.AUTH, Trouble.CONNECTION,
                        "connection broke during authentication: " + describe(io)));
            }
            String message = auth.getMessage() == null || auth.getMessage().isBlank() ? "no reason given" : auth.getMessage();
            return Optional.of(SmtpTransaction.trouble(SmtpPhase.AUTH, Trouble.AUTHENTICATION,
                    "authentication failed: " + message.strip()));
        }
        return Optional.empty();
    }

    // --- the mail transaction

    private static Optional<SmtpTransaction> transaction(List<Throwable> chain) {
        SMTPSendFailedException command = first(chain, SMTPSendFailedException.class);
        SMTPSenderFailedException sender = first(chain, SMTPSenderFailedException.class);
        SendFailedException summary = summary(chain);
        List<RecipientFailure> refused = refusedRecipients(chain, summary);
        int accepted = summary == null ? 0 : length(summary.getValidSentAddresses());

        if (command != null) {
            SmtpReply reply = reply(command.getMessage(), command.getReturnCode());
            boolean afterDot = afterFinalDot(command.getCommand());
            SmtpPhase phase = phaseOf(command.getCommand());
            if (reply == null) {
                // no reply could be read (a lost connection, or a line that is not a reply)
                return Optional.of(new SmtpTransaction(phase, null, afterDot, refused, accepted,
                        Trouble.CONNECTION, afterDot ? "the message and its final \".\" were sent, but no valid reply"
                        + " came (code " + command.getReturnCode() + ")" : "connection lost waiting for the reply to "
                        + label(phase)));
            }
            return Optional.of(new SmtpTransaction(phase, reply, afterDot, refused, accepted, Trouble.NONE, ""));
        }
        if (sender != null) {
            SmtpReply reply = reply(sender.getMessage(), sender.getReturnCode());
            if (reply != null) {
                return Optional.of(new SmtpTransaction(SmtpPhase.MAIL, reply, false, refused, accepted, Trouble.NONE, ""));
            }
        }
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SmtpTransaction(SmtpPhase.RCPT, null, false, refused, accepted, Trouble.NONE, ""));
    }

    /** The SendFailedException that carries the address lists (not a per-address one). */
    private static SendFailedException summary(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof SendFailedException s && !(t instanceof SMTPAddressFailedException)
                    && !(t instanceof SMTPSenderFailedException)
                    && (s.getValidSentAddresses() != null || s.getValidUnsentAddresses() != null
                    || s.getInvalidAddresses() != null)) {
                return s;
            }
        }
        return null;
    }

    private static List<RecipientFailure> refusedRecipients(List<Throwable> chain, SendFailedException summary) {
        Map<String, RecipientFailure> byAddress = new LinkedHashMap<>();
        for (Throwable t : chain) {
            if (t instanceof SMTPAddressFailedException failed && failed.getAddress() != null) {
                String address = failed.getAddress().getAddress();
                byAddress.putIfAbsent(address.toLowerCase(Locale.ROOT),
                        new RecipientFailure(address, reply(failed.getMessage(), failed.getReturnCode())));
            }
        }
        if (summary != null && summary.getInvalidAddresses() != null) {
            for (Address a : summary.getInvalidAddresses()) {
                String address = a instanceof InternetAddress ia ? ia.getAddress() : a.toString();
                byAddress.putIfAbsent(address.toLowerCase(Locale.ROOT), new RecipientFailure(address, null));
            }
        }
        return List.copyOf(byAddress.values());
    }

    /** Whether the command is the end of the message data: Angus' "." (or BDAT ... LAST). */
    private static boolean afterFinalDot(String command) {
        if (command == null) {
            return false;
        }
        String upper = command.strip().toUpperCase(Locale.ROOT);
        return upper.equals(".") || upper.startsWith("BDAT") && upper.endsWith("LAST");
    }

    private static SmtpPhase phaseOf(String command) {
        if (command == null) {
            return SmtpPhase.DATA;
        }
        String upper = command.strip().toUpperCase(Locale.ROOT);
        if (upper.startsWith("MAIL")) {
            return SmtpPhase.MAIL;
        }
        if (upper.startsWith("RCPT")) {
            return SmtpPhase.RCPT;
        }
        if (upper.startsWith("AUTH")) {
            return SmtpPhase.AUTH;
        }
        if (upper.startsWith("EHLO") || upper.startsWith("HELO") || upper.startsWith("STARTTLS")) {
            return SmtpPhase.CONNECT;
        }
        return SmtpPhase.DATA; // DATA, ".", BDAT
    }

    static String label(SmtpPhase phase) {
        return switch (phase) {
            case CONNECT -> "server";
            case AUTH -> "AUTH";
            case MAIL -> "MAIL FROM";
            case RCPT -> "RCPT TO";
            case DATA -> "DATA";
        };
    }

    // --- connection

    private static Optional<SmtpTransaction> connection(List<Throwable> chain) {
        IOException io = first(chain, IOException.class);
        MailConnectException connect = first(chain, MailConnectException.class);
        if (io == null && connect == null) {
            return Optional.empty();
        }
        Throwable cause = io != null ? deepestIoException(io) : connect;
        String what = connect != null ? "could not connect: " : "connection failed: ";
        return Optional.of(SmtpTransaction.trouble(SmtpPhase.CONNECT, Trouble.CONNECTION, what + describe(cause)));
    }

    /** The deepest IOException among {@code io} and its causes: the most specific message. */
    private static Throwable deepestIoException(IOException io) {
        Throwable result = io;
        int depth = 0;
        for (Throwable c = io.getCause(); c != null && depth++ < MAX_CHAIN; c = c.getCause()) {
            if (c instanceof IOException) {
                result = c;
            }
        }
        return result;
    }

    // --- replies to session commands

    private static Optional<SmtpTransaction> sessionReply(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (!(t instanceof MessagingException) || t.getMessage() == null) {
                continue;
            }
            SmtpReply reply = SmtpReply.parse(t.getMessage());
            if (reply == null) {
                Matcher greeting = GREETING.matcher(t.getMessage().strip());
                if (greeting.matches()) {
                    reply = new SmtpReply(Integer.parseInt(greeting.group(1)), null, "");
                }
            }
            if (reply != null) {
                return Optional.of(SmtpTransaction.replied(SmtpPhase.CONNECT, reply));
            }
        }
        return Optional.empty();
    }

    // --- helpers

    /** The reply in an Angus exception's message, or a code-only reply when the message is not one. */
    private static SmtpReply reply(String message, int returnCode) {
        SmtpReply parsed = SmtpReply.parse(message);
        if (parsed != null && (returnCode <= 0 || parsed.code() == returnCode)) {
            return parsed;
        }
        return returnCode >= 200 && returnCode <= 599 ? new SmtpReply(returnCode, null, "") : null;
    }

    private static <T> T first(List<Throwable> chain, Class<T> type) {
        for (Throwable t : chain) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.strip());
    }

    private static int length(Address[] addresses) {
        return addresses == null ? 0 : addresses.length;
    }
}
