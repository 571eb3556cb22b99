package io.mailpipe.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailpipe.oauth.AccessTokens;
import io.mailpipe.oauth.CommandTokenSource;
import io.mailpipe.oauth.EndpointTokenSource;
import io.mailpipe.oauth.TokenSource;

/**
 * Reads {@code auth:} and {@code oauth2:} of an account or bounce mailbox into its {@link AccessTokens}. Every mistake
 * fails at start-up naming the place and the field, never a value; nothing is fetched here (the first login, or the
 * readiness probe, asks the token endpoint).
 */
final class OAuth2Logins {

    static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----");
    private static final String SOURCES = "clientCredentials, refreshToken or command";

    /** Which server the token is for (the preset's delegated scopes differ). */
    enum Protocol { SMTP, IMAP }

    private OAuth2Logins() {
    }

    /** Whether {@code auth} says oauth2; null or blank means password. */
    static boolean usesOAuth2(String auth, String where) {
        if (auth == null || auth.isBlank()) {
            return false;
        }
        return switch (auth.strip().toLowerCase(Locale.ROOT)) {
            case "password" -> false;
            case "oauth2" -> true;
            default -> throw new ConfigException(where + ": field 'auth' must be password or oauth2");
        };
    }

    /**
     * Checks the login fields that go with {@code auth}, and returns the account's tokens (null for a password login).
     *
     * @param passwordGiven whether password or passwordFile is set
     */
    static AccessTokens resolve(String auth, OAuth2Settings s, boolean passwordGiven, String username, Preset preset,
                                Protocol protocol, Duration timeout, String where) {
        boolean oauth2 = usesOAuth2(auth, where);
        if (!oauth2) {
            if (s != null) {
                throw new ConfigException(where + ": field 'oauth2' is used only with auth: oauth2; add auth: oauth2 or remove it");
            }
            if (preset != null && !preset.login().methods().contains(Preset.LoginMethod.PASSWORD)
                    && !preset.login().methods().contains(Preset.LoginMethod.APP_PASSWORD) && username != null) {
                throw new ConfigException(where + ": " + preset.configName() + " accepts only OAuth2 logins (Basic"
                        + " authentication is retired); set auth: oauth2 with an oauth2: source (see mailpipe.example.yaml)");
            }
            return null;
        }
        if (passwordGiven) {
            throw new ConfigException(where + ": 'password'/'passwordFile' are not used with auth: oauth2; remove them");
        }
        if (username == null || username.isBlank()) {
            throw new ConfigException(where + ": field 'username' is required with auth: oauth2 (XOAUTH2 names the mailbox)");
        }
        if (s == null) {
            throw new ConfigException(where + ": auth: oauth2 needs an 'oauth2:' section with a source (" + SOURCES + ")");
        }
        if (preset != null && preset.login().oauth2() == null) {
            throw new ConfigException(where + ": " + preset.configName() + " does not accept OAuth2 logins; use auth: password"
                    + " with an app password");
        }
        String at = where + ": field 'oauth2.";
        Duration lifetime = s.tokenLifetime() == null ? DEFAULT_TOKEN_LIFETIME : s.tokenLifetime();
        if (lifetime.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new ConfigException(at + "tokenLifetime' must be at least PT10S");
        }
        String source = blank(s.source()) ? null : s.source().strip();
        if (source == null) {
            throw new ConfigException(at + "source' is required: " + SOURCES);
        }
        return switch (source) {
            case "command" -> new AccessTokens(command(s, lifetime, timeout, at), Clock.systemUTC());
            case "clientCredentials", "refreshToken" -> new AccessTokens(endpoint(s, source, preset, protocol, lifetime,
                    timeout, at), Clock.systemUTC());
            default -> throw new ConfigException(at + "source' must be " + SOURCES);
        };
    }

    private static TokenSource command(OAuth2Settings s, Duration lifetime, Duration timeout, String at) {
        notUsed(at, "command", java.util.Arrays.asList("tokenUrl", s.tokenUrl(), "tenant", s.tenant(), "clientId", s.clientId(),
                "clientSecret", s.clientSecret(), "clientSecretFile", s.clientSecretFile(), "certificateFile",
                s.certificateFile(), "refreshToken", s.refreshToken(), "refreshTokenFile", s.refreshTokenFile(), "scope", s.scope()));
        if (s.command() == null || s.command().isEmpty() || blank(s.command().get(0))) {
            throw new ConfigException(at + "command' is required with source command: the program and its arguments,"
                    + " like [/usr/local/bin/mail-token, shop]");
        }
        return new CommandTokenSource(s.command(), lifetime, timeout, Clock.systemUTC());
    }

    private static TokenSource endpoint(OAuth2Settings s, String source, Preset preset, Protocol protocol, Duration lifetime,
                                        Duration timeout, String at) {
        boolean credentials = source.equals("clientCredentials");
        if (s.command() != null) {
            throw new ConfigException(at + "command' is used only with source command; remove it");
        }
        if (credentials) {
            notUsed(at, source, java.util.Arrays.asList("refreshToken", s.refreshToken(), "refreshTokenFile", s.refreshTokenFile()));
        } else if (!blank(s.certificateFile())) {
            throw new ConfigException(at + "certificateFile' is used only with source clientCredentials; a refresh token"
                    + " goes with clientSecret or none");
        }
        if (blank(s.clientId())) {
            throw new ConfigException(at + "clientId' is required with source " + source + " (the application id of your"
                    + " app registration)");
        }
        Preset.OAuth2Defaults defaults = preset == null ? null : preset.login().oauth2();
        URI url = tokenUrl(s, defaults, at);
        String secret = secret(at, "clientSecret", s.clientSecret(), s.clientSecretFile());
        EndpointTokenSource.Client client;
        if (!blank(s.certificateFile())) {
            if (secret != null) {
                throw new ConfigException(at + "certificateFile': give a client secret or a certificate, not both");
            }
            client = certificateClient(s.clientId().strip(), s.certificateFile().strip(), at + "certificateFile'");
        } else if (secret != null) {
            client = new EndpointTokenSource.SecretClient(s.clientId().strip(), secret);
        } else if (credentials) {
            throw new ConfigException(at + "clientSecret' is required with source clientCredentials (write"
                    + " ${SOME_ENV_VAR}), or give 'clientSecretFile' or 'certificateFile'");
        } else {
            client = new EndpointTokenSource.PublicClient(s.clientId().strip());
        }
        String scope = !blank(s.scope()) ? s.scope().strip() : defaultScope(defaults, credentials, protocol);
        if (credentials && scope == null) {
            throw new ConfigException(at + "scope' is required with source clientCredentials (for Microsoft 365:"
                    + " https://outlook.office365.com/.default)");
        }
        if (credentials) {
            return EndpointTokenSource.clientCredentials(url, client, scope, timeout, lifetime, Clock.systemUTC());
        }
        String refresh = secret(at, "refreshToken", s.refreshToken(), s.refreshTokenFile());
        if (refresh == null) {
            throw new ConfigException(at + "refreshToken' is required with source refreshToken (write ${SOME_ENV_VAR}),"
                    + " or give 'refreshTokenFile'");
        }
        return EndpointTokenSource.refreshToken(url, client, refresh, scope, timeout, lifetime, Clock.systemUTC());
    }

    private static String defaultScope(Preset.OAuth2Defaults defaults, boolean credentials, Protocol protocol) {
        if (defaults == null) {
            return null;
        }
        if (credentials) {
            return defaults.clientCredentialsScope();
        }
        return protocol == Protocol.IMAP && defaults.imapScope() != null ? defaults.imapScope() : defaults.smtpScope();
    }

    private static URI tokenUrl(OAuth2Settings s, Preset.OAuth2Defaults defaults, String at) {
        String url;
        if (!blank(s.tokenUrl())) {
            if (!blank(s.tenant())) {
                throw new ConfigException(at + "tenant': give 'tenant' or 'tokenUrl', not both");
            }
            url = s.tokenUrl().strip();
        } else if (!blank(s.tenant())) {
            String tenant = s.tenant().strip();
            if (!tenant.matches("[A-Za-z0-9.-]{1,253}")) {
                throw new ConfigException(at + "tenant' must be a directory id or domain, like contoso.onmicrosoft.com");
            }
            url = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token";
        } else if (defaults != null && defaults.needsTenant()) {
            throw new ConfigException(at + "tenant' is required (your Microsoft Entra directory id or domain, like"
                    + " contoso.onmicrosoft.com), or give 'tokenUrl'");
        } else if (defaults != null) {
            url = defaults.tokenUrl();
        } else {
            throw new ConfigException(at + "tokenUrl' is required without a preset (or give 'tenant' for Microsoft 365)");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(at + "tokenUrl' is not a valid URL");
        }
        String host = uri.getHost() == null ? "" : uri.getHost();
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
            throw new ConfigException(at + "tokenUrl' must be an https URL (http only for localhost), since the client"
                    + " secret travels in the request");
        }
        return uri;
    }

    /** A secret given inline or in a file (exactly one place), or null when neither is given. */
    private static String secret(String at, String field, String inline, String file) {
        if (!blank(inline) && !blank(file)) {
            throw new ConfigException(at + field + "': give either '" + field + "' or '" + field + "File', not both");
        }
        if (!blank(file)) {
            try {
                String value = Files.readString(Path.of(file.strip()), StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    throw new ConfigException(at + field + "File': " + file.strip() + " is empty");
                }
                return value;
            } catch (IOException e) {
                throw new ConfigException(at + field + "File': cannot read " + file.strip() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return blank(inline) ? null : inline.strip();
    }

    private static EndpointTokenSource.CertificateClient certificateClient(String clientId, String file, String where) {
        List<X509Certificate> certificates;
        try {
            certificates = io.mailpipe.smtp.TlsTrust.certificates(Path.of(file));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        Matcher key = PRIVATE_KEY.matcher(text);
        if (!key.find()) {
            throw new ConfigException(where + ": " + file + " holds no unencrypted PKCS#8 private key (-----BEGIN PRIVATE"
                    + " KEY-----) next to the certificate; convert it with 'openssl pkcs8 -topk8 -nocrypt'");
        }
        return new EndpointTokenSource.CertificateClient(clientId, certificates.get(0), DkimKeys.parse(key.group(), where));
    }

    /** Fails when a field another source uses is set. */
    private static void notUsed(String at, String source, List<String> namesAndValues) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            if (!blank(namesAndValues.get(i + 1))) {
                set.add(namesAndValues.get(i));
            }
        }
        if (!set.isEmpty()) {
            throw new ConfigException(at + set.get(0) + "' is not used with source " + source + "; remove it");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
