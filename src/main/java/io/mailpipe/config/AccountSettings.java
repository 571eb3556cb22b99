package io.mailpipe.config;

import java.time.Duration;
import java.util.List;

import io.mailpipe.account.Limits;

/**
 * One account as written in mailpipe.yaml ({@code accounts:} list). Fields left out come from the
 * {@link Preset}, then from the rules in {@link AccountResolver}.
 *
 * @param name                unique account name (required)
 * @param preset              mailru, yandex, rambler or gmail: fills host, port, security and limits
 * @param host                SMTP host (required without preset)
 * @param port                SMTP port (default from preset, else 587)
 * @param security            none, starttls or ssl (default: 465 ssl, 587 starttls, preset's, else starttls)
 * @param username            login (optional: no AUTH without it)
 * @param password            password; write {@code ${SOME_ENV_VAR}}, never the value itself
 * @param passwordFile        file holding the password (a mounted Kubernetes secret), instead of password
 * @param from                the account's own address, display name allowed (default: username)
 * @param allowSenderOverride use the request's From (default false; rambler: always false)
 * @param limits              perHour, perDay, perSecond and concurrency limits, cluster-wide (default: none)
 * @param maxRecipients       recipients per message (default from preset)
 * @param maxMessageBytes     largest message in bytes (default from preset)
 * @param timeout             connect/read timeout (default 30 s)
 * @param pools               named pools the account belongs to; a request's {@code pool} picks among them (default: none)
 * @param blockedExtensions   attachment extensions refused, also inside zip files (default: the extensions Gmail
 *                            refuses, see {@code compose.AttachmentPolicy}); {@code []} blocks none
 * @param dkim                DKIM signing of this account's mail (default: none)
 * @param returnPath          VERP envelope sender with {@code {token}}, e.g. {@code bounces+{token}@shop.example}, so a
 *                            bounce names its request (default: none, the From address); only where the server allows it
 * @param trustedCertificate  PEM file with the server's own (self-signed) certificate or the CA that issued it; the server
 *                            is then trusted by that certificate only, instead of the JVM's trusted CAs (default: none,
 *                            the JVM's trusted CAs). Host names are verified either way
 * @param allowPlaintextAuth  allow the login over an unencrypted connection ({@code security: none} with a username);
 *                            only for a local sandbox or a relay on a trusted network (default false: refused at start-up)
 * @param auth                password (default: password or app password, AUTH PLAIN/LOGIN) or oauth2 (SASL XOAUTH2 with
 *                            an access token from {@code oauth2})
 * @param oauth2              where the access tokens come from, with {@code auth: oauth2} ({@link OAuth2Settings})
 */
public record AccountSettings(
        String name,
        String preset,
        String host,
        Integer port,
        String security,
        String username,
        String password,
        String passwordFile,
        String from,
        Boolean allowSenderOverride,
        Limits limits,
        Integer maxRecipients,
        Long maxMessageBytes,
        Duration timeout,
        List<String> pools,
        List<String> blockedExtensions,
        DkimSettings dkim,
        String returnPath,
        String trustedCertificate,
        Boolean allowPlaintextAuth,
        String auth,
        OAuth2Settings oauth2) {

    /** The fields before pools, blockedExtensions and dkim existed (tests and callers that do not set them). */
    public AccountSettings(String name, String preset, String host, Integer port, String security, String username,
                           String password, String passwordFile, String from, Boolean allowSenderOverride, Limits limits,
                           Integer maxRecipients, Long maxMessageBytes, Duration timeout) {
        this(name, preset, host, port, security, username, password, passwordFile, from, allowSenderOverride, limits,
                maxRecipients, maxMessageBytes, timeout, null, null, null, null, null, null, null, null);
    }

    /**
     * DKIM signing (RFC 6376, rsa-sha256, relaxed/relaxed) of one account ({@code dkim:} of an account).
     *
     * @param selector       the selector, required: the public key is published at {@code <selector>._domainkey.<domain>}
     * @param domain         the signing domain (default: the domain of the account's {@code from})
     * @param privateKeyFile a file holding the RSA private key, PEM PKCS#8 ({@code -----BEGIN PRIVATE KEY-----})
     * @param privateKey     the same key as text, written as {@code ${ENV_VAR}}, instead of privateKeyFile
     */
    public record DkimSettings(String selector, String domain, String privateKeyFile, String privateKey) {
        @Override
        public String toString() {
            return "DkimSettings[s=" + selector + ", d=" + domain + "]";
        }
    }

    @Override
    public String toString() {
        return "AccountSettings[" + name + "]";
    }
}
