package io.mailpipe.config;

import java.time.Duration;
import java.util.Locale;

/**
 * How workers talk SMTP ({@code smtp:} in mailpipe.yaml); see docs/smtp-sessions.md.
 *
 * @param client                   {@code pipelining} (default): mailpipe's own client, RFC 2920 pipelining, message
 *                                 written in bulk; {@code jakarta}: kept-open Angus (Jakarta Mail) transports, lock-step
 * @param sessionsPerAccount       SMTP sessions a worker keeps open per account when the account sets no
 *                                 {@code limits.concurrency} (default 8); with it, the account's concurrency is the bound
 * @param maxMessagesPerConnection messages one session carries before it is closed and a new one opened (default 1000)
 * @param idleTimeout              a session unused for this long is closed (default 30 s; servers close idle
 *                                 sessions after a few minutes anyway)
 */
public record SmtpSettings(String client, Integer sessionsPerAccount, Integer maxMessagesPerConnection,
                           Duration idleTimeout) {

    public static final String PIPELINING = "pipelining";
    public static final String JAKARTA = "jakarta";

    public SmtpSettings {
        client = client == null || client.isBlank() ? PIPELINING : client.strip().toLowerCase(Locale.ROOT);
        sessionsPerAccount = sessionsPerAccount == null ? 8 : sessionsPerAccount;
        maxMessagesPerConnection = maxMessagesPerConnection == null ? 1000 : maxMessagesPerConnection;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(30) : idleTimeout;
        if (!client.equals(PIPELINING) && !client.equals(JAKARTA)) {
            throw new ConfigException("smtp.client must be " + PIPELINING + " or " + JAKARTA + ", not '" + client + "'");
        }
        if (sessionsPerAccount < 1) {
            throw new ConfigException("smtp.sessionsPerAccount must be at least 1");
        }
        if (maxMessagesPerConnection < 1) {
            throw new ConfigException("smtp.maxMessagesPerConnection must be at least 1");
        }
        if (idleTimeout.toMillis() < 100) {
            throw new ConfigException("smtp.idleTimeout must be at least 100 ms (PT0.1S)");
        }
    }

    public static SmtpSettings defaults() {
        return new SmtpSettings(null, null, null, null);
    }

    /** Whether mailpipe's pipelining client is used (otherwise pooled Jakarta Mail transports). */
    public boolean pipelining() {
        return client.equals(PIPELINING);
    }
}
