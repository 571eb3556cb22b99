package io.mailpipe.config;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;

import io.mailpipe.account.Dkim;

/**
 * Reads an account's {@code dkim:} settings into a {@link Dkim}: the key from a file or from the environment
 * (through {@code ${ENV_VAR}} in {@code privateKey}). Error messages name the account and field, never key material.
 */
final class DkimKeys {

    private DkimKeys() {
    }

    /** The account's DKIM signing, or null when it has no {@code dkim:}. */
    static Dkim resolve(AccountSettings.DkimSettings settings, String fromAddress, String where) {
        if (settings == null) {
            return null;
        }
        String at = where + ": field 'dkim";
        if (isBlank(settings.selector())) {
            throw new ConfigException(at + ".selector' is required (the key is published at <selector>._domainkey.<domain>)");
        }
        String selector = settings.selector().strip();
        if (!selector.matches("[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*")) {
            throw new ConfigException(at + ".selector' must be a DNS label (letters, digits, '-', '_', dots between labels)");
        }
        String domain = !isBlank(settings.domain()) ? settings.domain().strip()
                : fromAddress.substring(fromAddress.lastIndexOf('@') + 1);
        try {
            domain = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ".domain' is not a valid domain name");
        }
        if (!domain.contains(".")) {
            throw new ConfigException(at + ".domain' must be a domain with at least two labels, like shop.example");
        }
        boolean file = !isBlank(settings.privateKeyFile());
        boolean inline = !isBlank(settings.privateKey());
        if (file == inline) {
            throw new ConfigException(at + "': give exactly one of 'privateKeyFile' (a PEM file) or 'privateKey'"
                    + " (write ${SOME_ENV_VAR}, never the key itself)");
        }
        String text;
        if (file) {
            try {
                text = Files.readString(Path.of(settings.privateKeyFile().strip()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new ConfigException(at + ".privateKeyFile': cannot read " + settings.privateKeyFile()
                        + " (" + e.getClass().getSimpleName() + ")");
            }
        } else {
            text = settings.privateKey();
        }
        return new Dkim(domain, selector, parse(text, at + (file ? ".privateKeyFile'" : ".privateKey'")));
    }

    /** A PKCS#8 RSA private key: PEM ({@code -----BEGIN PRIVATE KEY-----}) or the bare base64 of its DER form. */
    static RSAPrivateKey parse(String text, String where) {
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new ConfigException(where + ": the key is PKCS#1 or encrypted; convert it to unencrypted PKCS#8 with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem'");
        }
        String base64 = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": not a PEM or base64 PKCS#8 private key");
        }
        try {
            if (KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateKey rsa) {
                if (rsa.getModulus().bitLength() < 1024) {
                    throw new ConfigException(where + ": the RSA key has fewer than 1024 bits (RFC 8301); use 2048");
                }
                return rsa;
            }
        } catch (GeneralSecurityException e) {
            // the exception text describes the encoding, not the key; still, only its kind is reported
            throw new ConfigException(where + ": not an RSA PKCS#8 private key (" + e.getClass().getSimpleName() + ")");
        }
        throw new ConfigException(where + ": not an RSA private key");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
