package io.mailpipe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.mailpipe.account.Account;
import io.mailpipe.account.Dkim;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** Turns the accounts of mailpipe.yaml into resolved {@link Account}s, failing with the account and field named. */
public final class AccountResolver {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_PORT = 587;

    private AccountResolver() {
    }

    public static List<Account> resolve(List<AccountSettings> settings) {
        if (settings == null || settings.isEmpty()) {
            throw new ConfigException("accounts: at least one account is required (see mailpipe.example.yaml)");
        }
        List<Account> accounts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < settings.size(); i++) {
            AccountSettings s = settings.get(i);
            Account account = resolve(s, i);
            if (!names.add(account.name())) {
                throw new ConfigException(where(s, i) + ": field 'name': another account already has this name");
            }
            accounts.add(account);
        }
        return List.copyOf(accounts);
    }

    static Account resolve(AccountSettings s, int index) {
        if (s == null) {
            throw new ConfigException("accounts[" + index + "]: empty entry");
        }
        String where = where(s, index);
        if (isBlank(s.name())) {
            throw new ConfigException(where + ": field 'name' is required");
        }
        if (!s.name().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(where + ": field 'name' may hold only letters, digits, '.', '_' and '-' (at most 64)");
        }
        Preset preset = isBlank(s.preset()) ? null : Preset.parse(s.preset(), where + " field 'preset'");
        String host = !isBlank(s.host()) ? s.host().trim() : preset != null ? preset.smtp().host() : null;
        if (host == null) {
            throw new ConfigException(where + ": field 'host' is required (or name a preset: " + Preset.names() + ")");
        }
        int port = s.port() != null ? s.port() : preset != null ? preset.smtp().defaultPort() : DEFAULT_PORT;
        if (port < 1 || port > 65535) {
            throw new ConfigException(where + ": field 'port' must be between 1 and 65535");
        }
        Security security = security(s, where, preset, port);
        String password = password(s, where);
        Duration timeout = s.timeout() != null ? s.timeout() : DEFAULT_TIMEOUT;
        io.mailpipe.oauth.AccessTokens tokens = OAuth2Logins.resolve(s.auth(), s.oauth2(), password != null,
                blankToNull(s.username()), preset, OAuth2Logins.Protocol.SMTP, timeout, where);
        if (password != null && isBlank(s.username())) {
            throw new ConfigException(where + ": field 'username' is required when a password is given");
        }
        String from = !isBlank(s.from()) ? s.from().trim() : s.username();
        if (isBlank(from)) {
            throw new ConfigException(where + ": field 'from' is required (the account's own address) when the username is not an address");
        }
        InternetAddress fromAddress;
        try {
            fromAddress = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new ConfigException(where + ": field 'from' is not a valid address (" + e.getMessage() + ")");
        }
        boolean override = Boolean.TRUE.equals(s.allowSenderOverride());
        if (preset != null && preset.login().fromMustBeLogin()) {
            if (override) {
                throw new ConfigException(where + ": field 'allowSenderOverride': " + preset.name().toLowerCase(Locale.ROOT)
                        + " only sends with From equal to the login; remove allowSenderOverride");
            }
            if (!isBlank(s.username()) && !fromAddress.getAddress().equalsIgnoreCase(s.username().trim())) {
                throw new ConfigException(where + ": field 'from': " + preset.name().toLowerCase(Locale.ROOT)
                        + " requires From to equal the login '" + s.username().trim() + "'");
            }
        }
        Limits limits = s.limits() == null ? Limits.NONE : s.limits();
        if ((limits.perHour() != null && limits.perHour() < 0) || (limits.perDay() != null && limits.perDay() < 0)) {
            throw new ConfigException(where + ": field 'limits' must not be negative");
        }
        if (limits.perSecond() != null && !(limits.perSecond() > 0)) {
            throw new ConfigException(where + ": field 'limits.perSecond' must be greater than 0 (leave it out for no rate limit)");
        }
        if (limits.concurrency() != null && limits.concurrency() < 1) {
            throw new ConfigException(where + ": field 'limits.concurrency' must be at least 1 (leave it out for no limit)");
        }
        List<String> pools = s.pools() == null ? List.of() : s.pools();
        for (String pool : pools) {
            if (isBlank(pool) || !pool.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new ConfigException(where + ": field 'pools': '" + pool + "' is not a valid pool name"
                        + " (letters, digits, '.', '_', '-'; at most 64)");
            }
        }
        Integer maxRecipients = s.maxRecipients() != null ? s.maxRecipients() : preset != null ? preset.maxRecipients.value() : null;
        if (maxRecipients != null && maxRecipients < 1) {
            throw new ConfigException(where + ": field 'maxRecipients' must be at least 1");
        }
        Long maxBytes = s.maxMessageBytes() != null ? s.maxMessageBytes() : preset != null ? preset.maxMessageBytes.value() : null;
        if (maxBytes != null && maxBytes < 1024) {
            throw new ConfigException(where + ": field 'maxMessageBytes' must be at least 1024");
        }
        List<String> blocked = blockedExtensions(s, where);
        Dkim dkim = DkimKeys.resolve(s.dkim(), fromAddress.getAddress(), where);
        boolean plaintextAuth = Boolean.TRUE.equals(s.allowPlaintextAuth());
        if (security == Security.NONE && !isBlank(s.username()) && !plaintextAuth) {
            throw new ConfigException(where + ": security 'none' with a username would send the login and "
                    + (tokens == null ? "password" : "access token")
                    + " unencrypted; use security: starttls or ssl, or set allowPlaintextAuth: true (only for a local"
                    + " sandbox or a relay on a trusted network)");
        }
        String trusted = trustedCertificate(s.trustedCertificate(), where);
        return new Account(s.name(), host, port, security, blankToNull(s.username()), password, fromAddress.toUnicodeString(),
                override, limits, maxRecipients, maxBytes, timeout, pools, blocked, dkim, returnPath(s, where), trusted,
                plaintextAuth, tokens);
    }

    /** The trusted-certificate file, checked at start-up: readable and holding at least one PEM certificate. */
    static String trustedCertificate(String file, String where) {
        if (isBlank(file)) {
            return null;
        }
        try {
            io.mailpipe.smtp.TlsTrust.certificates(Path.of(file.strip()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": field 'trustedCertificate': " + e.getMessage());
        }
        return file.strip();
    }

    /** The VERP envelope sender template: one {@code {token}}, and a valid address once it is filled in. */
    private static String returnPath(AccountSettings s, String where) {
        String rp = s.returnPath();
        if (rp == null || rp.isBlank()) {
            return null;
        }
        rp = rp.strip();
        if (rp.indexOf("{token}") < 0 || rp.indexOf("{token}") != rp.lastIndexOf("{token}") || rp.indexOf('@') < 0
                || rp.indexOf("{token}") > rp.indexOf('@')) {
            throw new ConfigException(where + ": field 'returnPath' must hold {token} once in its local part,"
                    + " like bounces+{token}@shop.example");
        }
        try {
            InternetAddress a = new InternetAddress(rp.replace("{token}", "abcdefghijklmnopqrstuvwx"), true);
            if (a.getPersonal() != null) {
                throw new AddressException("no display name");
            }
        } catch (AddressException e) {
            throw new ConfigException(where + ": field 'returnPath' is not a bare address once {token} is filled in");
        }
        return rp;
    }

    /** The account's blocked attachment extensions, lower case without dot; null for the default list. */
    private static List<String> blockedExtensions(AccountSettings s, String where) {
        if (s.blockedExtensions() == null) {
            return null;
        }
        List<String> list = new ArrayList<>();
        for (String ext : s.blockedExtensions()) {
            String e = ext == null ? "" : ext.strip().toLowerCase(Locale.ROOT);
            e = e.startsWith(".") ? e.substring(1) : e;
            if (!e.matches("[a-z0-9_+-]{1,20}")) {
                throw new ConfigException(where + ": field 'blockedExtensions': '" + ext
                        + "' is not a file extension (letters and digits, like exe or .exe)");
            }
            list.add(e);
        }
        return List.copyOf(list);
    }

    private static Security security(AccountSettings s, String where, Preset preset, int port) {
        if (!isBlank(s.security())) {
            Security security;
            try {
                security = Security.valueOf(s.security().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": field 'security' must be none, starttls or ssl");
            }
            Security implied = Security.impliedByPort(port);
            if (implied == Security.SSL && security != Security.SSL || implied == Security.STARTTLS && security == Security.SSL) {
                throw new ConfigException(where + ": field 'security' is " + security.name().toLowerCase(Locale.ROOT)
                        + " but port " + port + " means " + implied.name().toLowerCase(Locale.ROOT));
            }
            return security;
        }
        Security byPreset = preset == null ? null : preset.securityFor(port);
        if (byPreset != null) {
            return byPreset;
        }
        Security implied = Security.impliedByPort(port);
        return implied != null ? implied : Security.STARTTLS;
    }

    private static String password(AccountSettings s, String where) {
        if (!isBlank(s.password()) && !isBlank(s.passwordFile())) {
            throw new ConfigException(where + ": give either 'password' or 'passwordFile', not both");
        }
        if (!isBlank(s.passwordFile())) {
            try {
                return Files.readString(Path.of(s.passwordFile()), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException(where + ": field 'passwordFile': cannot read " + s.passwordFile() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return blankToNull(s.password());
    }

    private static String where(AccountSettings s, int index) {
        return "accounts[" + index + "]" + (s == null || isBlank(s.name()) ? "" : " (" + s.name() + ")");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String blankToNull(String value) {
        return isBlank(value) ? null : value;
    }
}
