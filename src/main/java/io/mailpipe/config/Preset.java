package io.mailpipe.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.mailpipe.account.Security;

/**
 * What mailpipe knows about a provider's submission server. An account names a preset and gives only its
 * login, password and limits; anything it sets itself wins over the preset.
 */
public enum Preset {
    /** mail.ru: smtp.mail.ru, 465 implicit TLS (25, 587 and 2525 with STARTTLS); 30 MB, 30 recipients. */
    MAILRU("smtp.mail.ru", 465, Set.of(25, 587, 2525), 30, 30L * 1024 * 1024, false),
    /** Yandex: smtp.yandex.ru, 465 implicit TLS (587 STARTTLS); 30 MB. */
    YANDEX("smtp.yandex.ru", 465, Set.of(587), null, 30L * 1024 * 1024, false),
    /** Rambler: smtp.rambler.ru, 465 implicit TLS; 20 MB; From must be the login (no sender override). */
    RAMBLER("smtp.rambler.ru", 465, Set.of(587), null, 20L * 1024 * 1024, true),
    /** Gmail: smtp.gmail.com, 465 implicit TLS or 587 STARTTLS; 25 MB, 100 recipients. */
    GMAIL("smtp.gmail.com", 465, Set.of(587), 100, 25L * 1024 * 1024, false);

    final String host;
    final int sslPort;
    final Set<Integer> starttlsPorts;
    final Integer maxRecipients;
    final Long maxMessageBytes;
    final boolean fromMustBeLogin;

    Preset(String host, int sslPort, Set<Integer> starttlsPorts, Integer maxRecipients, Long maxMessageBytes,
           boolean fromMustBeLogin) {
        this.host = host;
        this.sslPort = sslPort;
        this.starttlsPorts = starttlsPorts;
        this.maxRecipients = maxRecipients;
        this.maxMessageBytes = maxMessageBytes;
        this.fromMustBeLogin = fromMustBeLogin;
    }

    /** The security this provider uses on a port. */
    Security securityFor(int port) {
        if (port == sslPort) {
            return Security.SSL;
        }
        return starttlsPorts.contains(port) ? Security.STARTTLS : null;
    }

    static Preset parse(String value, String where) {
        try {
            return Preset.valueOf(value.trim().toUpperCase(Locale.ROOT).replace(".", "").replace("-", ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": unknown preset '" + value + "'; use one of "
                    + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }
}
