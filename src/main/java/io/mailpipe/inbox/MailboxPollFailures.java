package io.mailpipe.inbox;


import io.mailpipe.smtp.TlsTrust;

/**
 * What a failed poll of a bounce mailbox was, in one line for the log ({@link MailboxPollBackoff} logs it): the
 * cause, and for TLS problems what to do (an untrusted certificate: name it in {@code trustedCertificate}; no
 * STARTTLS offered). Never names the login (exception texts of the mail client carry server replies only).
 */
final class MailboxPollFailures {
    private static final String STARTTLS_MISSING = "STARTTLS is required but host does not support STARTTLS";
    /** Angus IMAP's words for the same. */
    private static final String IMAP_STARTTLS_MISSING = "STARTTLS required but not supported by server";

    private MailboxPollFailures() {
    }

    /** The failure in one line: TLS advice first, else the exception chain's messages. */
    static String describe(Throwable e) {
        String advice = TlsTrust.advice(e);
        if (advice != null) {
            return "TLS failed: " + advice;
        }
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < 6; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                out.append("TLS failed: ");
                break;
            }
        }
        depth = 0;
        for (Throwable t = e; t != null && depth++ < 6; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().strip();
            if (m.startsWith(STARTTLS_MISSING) || m.startsWith(IMAP_STARTTLS_MISSING)) {
                return "TLS failed: the server does not offer STARTTLS, which the mailbox requires (protocol: imap without"
                        + " allowPlaintextAuth: true); nothing was sent, no password either; use imaps or a server with STARTTLS";
            }
            if (out.length() > 0 && !out.toString().endsWith(": ")) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName()).append(m.isEmpty() ? "" : ": " + m.replaceAll("\\s+", " "));
        }
        return out.toString();
    }
}
