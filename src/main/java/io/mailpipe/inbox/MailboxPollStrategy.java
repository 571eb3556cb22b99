package io.mailpipe.inbox;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.smtp.TlsTrust;

/**
 * What a failed poll of a bounce mailbox logs: one warning naming the mailbox and the cause, and for TLS problems
 * what to do (an untrusted certificate: name it in {@code trustedCertificate}; no STARTTLS offered). The next poll
 * comes at the normal interval. Never logs the login (exception texts of the mail client carry server replies only).
 */
final class MailboxPollStrategy implements PollingConsumerPollStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxPollStrategy.class);
    private static final String STARTTLS_MISSING = "STARTTLS is required but host does not support STARTTLS";
    /** Angus IMAP's words for the same. */
    private static final String IMAP_STARTTLS_MISSING = "STARTTLS required but not supported by server";

    private final String mailbox;

    MailboxPollStrategy(String mailbox) {
        this.mailbox = mailbox;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // nothing to add: the processor logs what it read
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception e) {
        LOG.warn("bounce mailbox {}: poll failed: {}; trying again at the next poll", mailbox, describe(e));
        return false;
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
