package io.mailpipe.account;

import java.time.Duration;
import java.util.List;

import io.mailpipe.oauth.AccessTokens;

/**
 * One SMTP mailbox account mailpipe sends through, fully resolved (preset applied, secrets read).
 *
 * @param name                unique name, used in outcomes, metrics and {@code account} pinning
 * @param host                SMTP host
 * @param port                SMTP port
 * @param security            connection protection
 * @param username            login, or null for no authentication
 * @param password            password (never logged; {@link #toString()} masks it)
 * @param from                the account's own address, RFC 5322 form, display name allowed
 * @param allowSenderOverride whether a request's {@code from} may be used as From
 * @param limits              hourly and daily limits
 * @param maxRecipients       most recipients (to+cc+bcc) per message, or null for no limit
 * @param maxMessageBytes     largest message accepted, in bytes, or null for no limit
 * @param timeout             connect and read timeout
 * @param pools               named pools the account belongs to (a request may name a pool instead of an account)
 * @param blockedExtensions   attachment extensions this account refuses (also inside zip files), lower case without
 *                            dot; null means the default list ({@code compose.AttachmentPolicy.GMAIL_BLOCKED}), empty none
 * @param dkim                how to DKIM-sign this account's mail, or null to send unsigned
 * @param returnPath          envelope sender (VERP) with {@code {token}} for the request's token, e.g.
 *                            {@code bounces+{token}@shop.example}; null: the From address. Only for servers that let
 *                            the envelope sender differ from the login (own relays)
 * @param trustedCertificate  a PEM file with the certificate(s) this account's server is trusted by: its own (self-signed)
 *                            certificate or the CA that issued it; instead of the JVM's trusted CAs. null: the JVM's
 *                            trusted CAs ({@code cacerts}). Host names are verified either way ({@code smtp.TlsTrust})
 * @param allowPlaintextAuth  whether the login may be sent over an unencrypted connection ({@code security: none});
 *                            false (the default): an account that logs in without TLS requires STARTTLS
 * @param oauth2              the account's access tokens when it logs in with SASL XOAUTH2 ({@code auth: oauth2}); null
 *                            for a password login. One cache per account, shared by all its sessions
 */
public record Account(
        String name,
        String host,
        int port,
        Security security,
        String username,
        String password,
        String from,
        boolean allowSenderOverride,
        Limits limits,
        Integer maxRecipients,
        Long maxMessageBytes,
        Duration timeout,
        List<String> pools,
        List<String> blockedExtensions,
        Dkim dkim,
        String returnPath,
        String trustedCertificate,
        boolean allowPlaintextAuth,
        AccessTokens oauth2) {

    public Account {
        pools = pools == null ? List.of() : List.copyOf(pools);
        blockedExtensions = blockedExtensions == null ? null : List.copyOf(blockedExtensions);
    }

    /** An account in no pool, with the default attachment policy and no DKIM signing. */
    public Account(String name, String host, int port, Security security, String username, String password, String from,
                   boolean allowSenderOverride, Limits limits, Integer maxRecipients, Long maxMessageBytes, Duration timeout) {
        this(name, host, port, security, username, password, from, allowSenderOverride, limits, maxRecipients,
                maxMessageBytes, timeout, List.of(), null, null, null, null, false, null);
    }

    /** The same account with other limits (tests and the demo scale them). */
    public Account withLimits(Limits newLimits) {
        return new Account(name, host, port, security, username, password, from, allowSenderOverride, newLimits,
                maxRecipients, maxMessageBytes, timeout, pools, blockedExtensions, dkim, returnPath, trustedCertificate, allowPlaintextAuth, oauth2);
    }

    /** The same account in these pools. */
    public Account withPools(List<String> newPools) {
        return new Account(name, host, port, security, username, password, from, allowSenderOverride, limits,
                maxRecipients, maxMessageBytes, timeout, newPools, blockedExtensions, dkim, returnPath, trustedCertificate, allowPlaintextAuth, oauth2);
    }

    /** The same account with a VERP envelope sender ({@code {token}} is replaced per request). */
    public Account withReturnPath(String newReturnPath) {
        return new Account(name, host, port, security, username, password, from, allowSenderOverride, limits,
                maxRecipients, maxMessageBytes, timeout, pools, blockedExtensions, dkim, newReturnPath, trustedCertificate, allowPlaintextAuth, oauth2);
    }

    /**
     * The same account with TLS trust and plaintext-login settings.
     *
     * @param newTrustedCertificate PEM file of the server's certificate or CA, or null for the JVM's trusted CAs
     * @param newAllowPlaintextAuth whether the login may go over an unencrypted connection (local sandbox, trusted relay)
     */
    public Account withTls(String newTrustedCertificate, boolean newAllowPlaintextAuth) {
        return new Account(name, host, port, security, username, password, from, allowSenderOverride, limits,
                maxRecipients, maxMessageBytes, timeout, pools, blockedExtensions, dkim, returnPath, newTrustedCertificate,
                newAllowPlaintextAuth, oauth2);
    }

    /** The same account logging in with SASL XOAUTH2 and these tokens (null: with its password). */
    public Account withOAuth2(AccessTokens tokens) {
        return new Account(name, host, port, security, username, tokens == null ? password : null, from, allowSenderOverride,
                limits, maxRecipients, maxMessageBytes, timeout, pools, blockedExtensions, dkim, returnPath, trustedCertificate,
                allowPlaintextAuth, tokens);
    }

    /** True when the account logs in with SASL XOAUTH2 (an access token) instead of a password. */
    public boolean usesOAuth2() {
        return oauth2 != null;
    }

    /** True when the account logs in over a connection that is not encrypted ({@code security: none} with a username). */
    public boolean logsInWithoutTls() {
        return security == Security.NONE && username != null;
    }

    /** The envelope sender for a request, or null to use the From address. */
    public String returnPathFor(String token) {
        return returnPath == null ? null : returnPath.replace("{token}", token);
    }

    /** The same account with another attachment policy and DKIM setting. */
    public Account withComposition(List<String> newBlockedExtensions, Dkim newDkim) {
        return new Account(name, host, port, security, username, password, from, allowSenderOverride, limits,
                maxRecipients, maxMessageBytes, timeout, pools, newBlockedExtensions, newDkim, returnPath, trustedCertificate, allowPlaintextAuth, oauth2);
    }

    @Override
    public String toString() {
        return "Account[" + name + " " + username + "@" + host + ":" + port + " " + security
                + (password == null ? "" : " password=***")
                + (oauth2 == null ? "" : " oauth2 from " + oauth2.describe())
                + (trustedCertificate == null ? "" : " trusting " + trustedCertificate)
                + (allowPlaintextAuth ? " plaintext-auth-allowed" : "") + "]";
    }
}
