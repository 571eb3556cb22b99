package io.mailpipe.account;

import java.security.interfaces.RSAPrivateKey;
import java.util.Objects;

/**
 * How an account signs its mail with DKIM (RFC 6376: rsa-sha256, relaxed/relaxed).
 *
 * @param domain     the signing domain ({@code d=}), ASCII (punycode) form, lower case
 * @param selector   the selector ({@code s=}): the public key is published at {@code <selector>._domainkey.<domain>}
 * @param privateKey the RSA private key (never logged; {@link #toString()} leaves it out)
 */
public record Dkim(String domain, String selector, RSAPrivateKey privateKey) {

    public Dkim {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
        return "Dkim[d=" + domain + ", s=" + selector + ", key=***]";
    }
}
