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

/**
 * One IMAP mailbox that receives bounce reports ({@code bounces:} list in mailpipe.yaml), resolved and checked.
 * A Camel route polls it, publishes what the reports say, then moves each message to {@link #processedFolder} (or
 * {@link #unparsedFolder} when it could not be parsed); nothing is deleted.
 *
 * @param name            unique mailbox name (letters, digits, . _ -); in events ({@code mailbox}) and route ids
 * @param protocol        {@code imaps} (implicit TLS, certificate and host name verified; the default) or {@code imap}
 *                        (STARTTLS, required, unless {@code allowPlaintextAuth}: then plain IMAP)
 * @param host            IMAP host (required)
 * @param port            IMAP port (default 993 for imaps, 143 for imap)
 * @param username        login (required)
 * @param password        password; write {@code ${SOME_ENV_VAR}}, or use passwordFile
 * @param folder          folder to read (default {@code INBOX}); every message in it is read (handled ones are moved out)
 * @param processedFolder where handled messages go (default {@code mailpipe-processed}; created when missing)
 * @param unparsedFolder  where messages that could not be parsed go (default {@code mailpipe-unparsed})
 * @param pollInterval    time between polls (default 60 s, at least 1 s)
 * @param trustedCertificate PEM file with the server's certificate or CA, trusted instead of the JVM's CAs; null: the
 *                        JVM's CAs (see {@code smtp.TlsTrust})
 * @param allowPlaintextAuth with {@code protocol: imap}: log in over plain IMAP without STARTTLS (local sandbox only;
 *                        default false: STARTTLS is required, a server without it is refused)
 * @param oauth2          the mailbox's access tokens with {@code auth: oauth2} (SASL XOAUTH2), or null for a password login
 */
public record BounceMailbox(String name, String protocol, String host, int port, String username, String password,
                            String folder, String processedFolder, String unparsedFolder, Duration pollInterval,
                            String trustedCertificate, boolean allowPlaintextAuth, io.mailpipe.oauth.AccessTokens oauth2) {

    public static final String DEFAULT_FOLDER = "INBOX";
    public static final String DEFAULT_PROCESSED_FOLDER = "mailpipe-processed";
    public static final String DEFAULT_UNPARSED_FOLDER = "mailpipe-unparsed";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(60);

    /** A mailbox that logs in with a password. */
    public BounceMailbox(String name, String protocol, String host, int port, String username, String password,
                         String folder, String processedFolder, String unparsedFolder, Duration pollInterval,
                         String trustedCertificate, boolean allowPlaintextAuth) {
        this(name, protocol, host, port, username, password, folder, processedFolder, unparsedFolder, pollInterval,
                trustedCertificate, allowPlaintextAuth, null);
    }

    /**
     * One entry as written in the file.
     *
     * @param preset a provider (office365, gmail, yandex, mailru, rambler): its IMAP host, port and OAuth2 defaults
     * @param auth   password (default) or oauth2 (SASL XOAUTH2 with tokens from {@code oauth2})
     * @param oauth2 where the access tokens come from, with {@code auth: oauth2}
     */
    public record Settings(String name, String protocol, String host, Integer port, String username, String password,
                           String passwordFile, String folder, String processedFolder, String unparsedFolder,
                           Duration pollInterval, String trustedCertificate, Boolean allowPlaintextAuth, String preset,
                           String auth, OAuth2Settings oauth2) {

        /** An entry without trustedCertificate and allowPlaintextAuth. */
        public Settings(String name, String protocol, String host, Integer port, String username, String password,
                        String passwordFile, String folder, String processedFolder, String unparsedFolder,
                        Duration pollInterval) {
            this(name, protocol, host, port, username, password, passwordFile, folder, processedFolder, unparsedFolder,
                    pollInterval, null, null, null, null, null);
        }

        /** An entry with TLS settings and a password login. */
        public Settings(String name, String protocol, String host, Integer port, String username, String password,
                        String passwordFile, String folder, String processedFolder, String unparsedFolder,
                        Duration pollInterval, String trustedCertificate, Boolean allowPlaintextAuth) {
            this(name, protocol, host, port, username, password, passwordFile, folder, processedFolder, unparsedFolder,
                    pollInterval, trustedCertificate, allowPlaintextAuth, null, null, null);
        }

        @Override
        public String toString() {
            return "BounceMailbox.Settings[" + name + "]";
        }
    }

    /** True for implicit TLS. */
    public boolean tls() {
        return protocol.equals("imaps");
    }

    /** Resolves and checks the whole list; null or empty means no bounce polling. */
    public static List<BounceMailbox> resolve(List<Settings> list) {
        if (list == null) {
            return List.of();
        }
        List<BounceMailbox> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            BounceMailbox m = resolve(list.get(i), i);
            if (!names.add(m.name())) {
                throw new ConfigException("bounces[" + i + "] (" + m.name() + "): field 'name': another mailbox already has this name");
            }
            out.add(m);
        }
        return List.copyOf(out);
    }

    static BounceMailbox resolve(Settings s, int index) {
        if (s == null) {
            throw new ConfigException("bounces[" + index + "]: empty entry");
        }
        String where = "bounces[" + index + "]" + (blank(s.name()) ? "" : " (" + s.name() + ")");
        if (blank(s.name())) {
            throw new ConfigException(where + ": field 'name' is required");
        }
        if (!s.name().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(where + ": field 'name' may hold only letters, digits, '.', '_' and '-' (at most 64)");
        }
        String protocol = blank(s.protocol()) ? "imaps" : s.protocol().trim().toLowerCase(Locale.ROOT);
        if (!protocol.equals("imap") && !protocol.equals("imaps")) {
            throw new ConfigException(where + ": field 'protocol' must be imap or imaps (imaps: implicit TLS)");
        }
        Preset preset = blank(s.preset()) ? null : Preset.parse(s.preset(), where + " field 'preset'");
        String host = !blank(s.host()) ? s.host().trim() : preset != null ? preset.imap().host() : null;
        if (host == null) {
            throw new ConfigException(where + ": field 'host' is required (or name a preset: " + Preset.names() + ")");
        }
        int port = s.port() != null ? s.port() : protocol.equals("imaps") ? 993 : 143;
        if (port < 1 || port > 65535) {
            throw new ConfigException(where + ": field 'port' must be between 1 and 65535");
        }
        if (blank(s.username())) {
            throw new ConfigException(where + ": field 'username' is required");
        }
        String password = password(s, where);
        io.mailpipe.oauth.AccessTokens tokens = OAuth2Logins.resolve(s.auth(), s.oauth2(), password != null,
                s.username().trim(), preset, OAuth2Logins.Protocol.IMAP, Duration.ofSeconds(30), where);
        if (tokens == null && password == null) {
            throw new ConfigException(where + ": field 'password' is required (write ${SOME_ENV_VAR}, or use 'passwordFile',"
                    + " or auth: oauth2)");
        }
        String folder = blank(s.folder()) ? DEFAULT_FOLDER : s.folder().trim();
        String processed = blank(s.processedFolder()) ? DEFAULT_PROCESSED_FOLDER : s.processedFolder().trim();
        String unparsed = blank(s.unparsedFolder()) ? DEFAULT_UNPARSED_FOLDER : s.unparsedFolder().trim();
        if (processed.equals(folder) || unparsed.equals(folder)) {
            throw new ConfigException(where + ": 'processedFolder' and 'unparsedFolder' must differ from 'folder' ("
                    + folder + "), or handled messages would be read again");
        }
        Duration poll = s.pollInterval() == null ? DEFAULT_POLL_INTERVAL : s.pollInterval();
        if (poll.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(where + ": field 'pollInterval' must be at least PT1S");
        }
        String trusted = AccountResolver.trustedCertificate(s.trustedCertificate(), where);
        return new BounceMailbox(s.name(), protocol, host, port, s.username().trim(), password, folder, processed,
                unparsed, poll, trusted, Boolean.TRUE.equals(s.allowPlaintextAuth()), tokens);
    }

    private static String password(Settings s, String where) {
        if (!blank(s.password()) && !blank(s.passwordFile())) {
            throw new ConfigException(where + ": give either 'password' or 'passwordFile', not both");
        }
        if (!blank(s.passwordFile())) {
            try {
                return Files.readString(Path.of(s.passwordFile()), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException(where + ": field 'passwordFile': cannot read " + s.passwordFile() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        return blank(s.password()) ? null : s.password();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "BounceMailbox[" + name + " " + protocol + "://" + host + ":" + port + "/" + folder + ", user=" + username
                + (oauth2 == null ? ", password=****" : ", oauth2 from " + oauth2.describe()) + (trustedCertificate == null ? "" : ", trusting " + trustedCertificate)
                + (allowPlaintextAuth ? ", plaintext-auth-allowed" : "") + "]";
    }
}
