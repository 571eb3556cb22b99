package io.mailpipe.config;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.mailpipe.account.Security;
import io.mailpipe.compose.AttachmentPolicy;

/**
 * What mailpipe knows about a provider: its submission (SMTP) and IMAP servers, limits, the attachment types it refuses
 * and the logins it accepts. An account (or bounce mailbox) names a preset and gives only its login and limits; anything
 * it sets itself wins over the preset.
 *
 * <p>Each fact is kept with the page it was read on and the day it was checked ({@link Checked}), so that a stale fact
 * can be found and checked again. Where the provider's own page could not be read, the source says through which page
 * the fact was read. The README's preset table shows the same facts.
 */
public enum Preset {
    /** mail.ru: an app password ("password for external applications"); 465 implicit TLS, STARTTLS on 25/587/2525. */
    MAILRU(
            checked(new Server("smtp.mail.ru", 465, Map.of(465, Security.SSL, 25, Security.STARTTLS, 587, Security.STARTTLS,
                    2525, Security.STARTTLS)), Sources.MAILRU_SETTINGS),
            checked(new Server("imap.mail.ru", 993, Map.of(993, Security.SSL)), Sources.MAILRU_SETTINGS),
            checked(30L * 1024 * 1024, Sources.EARLIER_PRESET),
            checked(30, Sources.EARLIER_PRESET),
            checked(null, Sources.NONE_PUBLISHED_MAILRU),
            checked(new Login(Set.of(LoginMethod.APP_PASSWORD), "https://help.mail.ru/mail/security/protection/external", null,
                    null, false), Sources.MAILRU_APP_PASSWORDS)),
    /** Yandex: an app password, or OAuth2 (XOAUTH2, scope mail:smtp); 465 implicit TLS, 587 STARTTLS. */
    YANDEX(
            checked(new Server("smtp.yandex.ru", 465, Map.of(465, Security.SSL, 587, Security.STARTTLS)), Sources.YANDEX_CLIENTS),
            checked(new Server("imap.yandex.ru", 993, Map.of(993, Security.SSL)), Sources.YANDEX_CLIENTS),
            checked(30L * 1024 * 1024, Sources.EARLIER_PRESET),
            checked(null, Sources.EARLIER_PRESET),
            checked(null, Sources.NONE_PUBLISHED_YANDEX),
            checked(new Login(Set.of(LoginMethod.APP_PASSWORD, LoginMethod.OAUTH2), "https://id.yandex.ru/security (App passwords)",
                    "https://oauth.yandex.ru/client/new", new OAuth2Defaults("https://oauth.yandex.ru/token", null, null,
                    "mail:smtp"), false), Sources.YANDEX_OAUTH)),
    /** Rambler: 465 implicit TLS; 20 MB; From must be the login (no sender override). Not re-checked (see sources). */
    RAMBLER(
            checked(new Server("smtp.rambler.ru", 465, Map.of(465, Security.SSL, 587, Security.STARTTLS)), Sources.EARLIER_PRESET),
            checked(new Server("imap.rambler.ru", 993, Map.of(993, Security.SSL)), Sources.EARLIER_PRESET),
            checked(20L * 1024 * 1024, Sources.EARLIER_PRESET),
            checked(null, Sources.EARLIER_PRESET),
            checked(null, Sources.EARLIER_PRESET),
            checked(new Login(Set.of(LoginMethod.PASSWORD), null, null, null, true), Sources.EARLIER_PRESET)),
    /** Gmail: OAuth2 (XOAUTH2, scope https://mail.google.com/) or an app password (2-Step Verification on). */
    GMAIL(
            checked(new Server("smtp.gmail.com", 465, Map.of(465, Security.SSL, 587, Security.STARTTLS)), Sources.GMAIL_SERVERS),
            checked(new Server("imap.gmail.com", 993, Map.of(993, Security.SSL)), Sources.GMAIL_SERVERS),
            checked(25L * 1024 * 1024, Sources.GMAIL_LIMITS),
            checked(100, Sources.GMAIL_LIMITS),
            checked(AttachmentPolicy.GMAIL_BLOCKED, Sources.GMAIL_BLOCKED),
            checked(new Login(Set.of(LoginMethod.OAUTH2, LoginMethod.APP_PASSWORD), "https://myaccount.google.com/apppasswords",
                    "https://console.cloud.google.com/apis/credentials", new OAuth2Defaults("https://oauth2.googleapis.com/token",
                    null, null, "https://mail.google.com/"), false), Sources.GMAIL_APP_PASSWORDS)),
    /**
     * Microsoft 365 / Exchange Online: OAuth2 only (XOAUTH2; Basic authentication for SMTP AUTH is being retired);
     * smtp.office365.com 587 STARTTLS, outlook.office365.com 993; 500 recipients; 35 MB by default.
     */
    OFFICE365(
            checked(new Server("smtp.office365.com", 587, Map.of(587, Security.STARTTLS)), Sources.MICROSOFT_SMTP),
            checked(new Server("outlook.office365.com", 993, Map.of(993, Security.SSL)), Sources.MICROSOFT_SMTP),
            checked(35L * 1024 * 1024, Sources.MICROSOFT_LIMITS),
            checked(500, Sources.MICROSOFT_LIMITS),
            checked(null, Sources.NONE_PUBLISHED_MICROSOFT),
            checked(new Login(Set.of(LoginMethod.OAUTH2), null,
                    "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
                    new OAuth2Defaults("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
                            "https://outlook.office365.com/.default",
                            "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
                            "https://outlook.office.com/SMTP.Send offline_access"), false), Sources.MICROSOFT_OAUTH));

    /** How an account logs in. */
    public enum LoginMethod {
        /** The mailbox's own password. */
        PASSWORD,
        /** A separate password for mail programs, made in the provider's account settings ("app password"). */
        APP_PASSWORD,
        /** SASL XOAUTH2 with an OAuth 2.0 access token ({@code auth: oauth2}). */
        OAUTH2
    }

    /**
     * A fact and where it comes from.
     *
     * @param value  the fact (null: the provider publishes none)
     * @param source the page it was read on (and, when that is not the provider's own, the provider page it cites)
     * @param on     the day it was checked
     */
    public record Checked<T>(T value, String source, LocalDate on) {
    }

    /**
     * A server: host, the port used when the account gives none, and the protection each known port has.
     */
    public record Server(String host, int defaultPort, Map<Integer, Security> ports) {
    }

    /**
     * The logins a provider accepts and where to set them up.
     *
     * @param methods          the logins the provider accepts from mail programs
     * @param appPasswords     where the mailbox owner makes an app password (null: no app passwords)
     * @param appRegistrations where an OAuth2 client (app registration) is made (null: no OAuth2)
     * @param oauth2           token endpoint and scopes (null: no OAuth2)
     * @param fromMustBeLogin  whether From must equal the login (no sender override)
     */
    public record Login(Set<LoginMethod> methods, String appPasswords, String appRegistrations, OAuth2Defaults oauth2,
                        boolean fromMustBeLogin) {
    }

    /**
     * OAuth2 defaults of a provider.
     *
     * @param tokenUrl               the token endpoint; {@code {tenant}} is replaced by the account's {@code oauth2.tenant}
     * @param clientCredentialsScope the scope of an application's own token ({@code clientCredentials}), or null
     * @param imapScope              the delegated scope for IMAP with a refresh token, or null for {@link #smtpScope}
     * @param smtpScope              the delegated scope for SMTP (and IMAP when imapScope is null) with a refresh token
     */
    public record OAuth2Defaults(String tokenUrl, String clientCredentialsScope, String imapScope, String smtpScope) {
        /** Whether the token URL needs a tenant. */
        public boolean needsTenant() {
            return tokenUrl.contains("{tenant}");
        }
    }

    /** Where the facts were read, and when. */
    static final class Sources {
        static final LocalDate CHECKED = LocalDate.of(2026, 12, 6);
        static final String GMAIL_SERVERS = "Google's IMAP/SMTP settings (smtp.gmail.com 465 SSL or 587 STARTTLS,"
                + " imap.gmail.com 993), read through setup guides of 2026 that quote them"
                + " (https://prospeo.io/s/gmail-smtp-server-address, https://codeopx.com/email/guides/gmail)";
        static final String GMAIL_LIMITS = "Google's \"Gmail sending limits\" (100 recipients per message from a mail"
                + " program) and 25 MB per message, read through university help pages quoting them"
                + " (https://it.cornell.edu/gsuite-gsuite-student/google-workspace-sending-and-receiving-limits-and-restrictions)";
        static final String GMAIL_BLOCKED = "https://support.google.com/mail/answer/6590 (File types blocked in Gmail: 54"
                + " types, also compressed (.gz, .bz2) or inside archives (.zip, .tgz); password-protected archives whose"
                + " content is an archive)";
        static final String GMAIL_APP_PASSWORDS = "app passwords need 2-Step Verification"
                + " (https://myaccount.google.com/apppasswords; guides above); XOAUTH2 with scope https://mail.google.com/"
                + " (https://developers.google.com/gmail/imap/xoauth2-protocol)";
        static final String MICROSOFT_SMTP = "smtp.office365.com 587 STARTTLS, IMAP outlook.office365.com 993, OAuth 2.0"
                + " required: https://developer.nylas.com/docs/cookbook/email/outlook-smtp-settings/ and"
                + " https://smtptester.org/guides/outlook-365-smtp-test/, both citing Microsoft's SMTP AUTH documentation";
        static final String MICROSOFT_LIMITS = "Exchange Online limits"
                + " (https://learn.microsoft.com/en-us/office365/servicedescriptions/exchange-online-service-description/"
                + "exchange-online-limits): 500 recipients per message, 30 messages per minute, 10,000 recipients per day,"
                + " read through university pages quoting it; 35 MB is the default send size of a mailbox (tenants can raise"
                + " it to 150 MB), not read on a current page";
        static final String MICROSOFT_OAUTH = "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/"
                + "how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth (XOAUTH2; scopes"
                + " https://outlook.office.com/SMTP.Send, IMAP.AccessAsUser.All, offline_access; client credentials with"
                + " https://outlook.office365.com/.default); Basic auth removal for SMTP AUTH client submission: Exchange team"
                + " message (https://message.cengizyilmaz.net/message/exchange-online-to-retire-basic-auth-for-client-submission-smtp-auth)";
        static final String NONE_PUBLISHED_MICROSOFT = "no list for client submission; Exchange Online's common attachment"
                + " filter is set per tenant";
        static final String YANDEX_CLIENTS = "Yandex Mail help for mail programs (IMAP 993 SSL, SMTP 465 SSL), read through"
                + " copies of https://yandex.com/support/mail/mail-clients/others.html; 587 STARTTLS kept from the earlier preset";
        static final String YANDEX_OAUTH = "https://yandex.ru/support/mail-business/web/security/oauth.html (XOAUTH2 on IMAP"
                + " and SMTP; scopes mail:smtp, mail:imap_full); app passwords for IMAP/POP3/SMTP: Yandex ID security"
                + " settings, read through https://docs.sherparpa.ru/sherpa-designer/spravochnik-blokov/elektronnaya-pochta-mail/"
                + "otpravit-pismo-sendmailmessage";
        static final String NONE_PUBLISHED_YANDEX = "no list found in Yandex Mail help";
        static final String MAILRU_SETTINGS = "imap.mail.ru 993 SSL, smtp.mail.ru 465 SSL: https://github.com/chatmail/provider-db"
                + " (_providers/mail.ru.md, last checked 2026-04); ports 25/587/2525 kept from the earlier preset";
        static final String MAILRU_APP_PASSWORDS = "a password for external applications is required"
                + " (https://help.mail.ru/mail/security/protection/external, cited by the same provider-db entry; steps in"
                + " https://docs.sherparpa.ru/sherpa-designer/spravochnik-blokov/elektronnaya-pochta-mail/otpravit-pismo-sendmailmessage)";
        static final String NONE_PUBLISHED_MAILRU = "no list found in Mail.ru help";
        static final String EARLIER_PRESET = "not re-checked: kept from mailpipe's earlier preset (no current page of the"
                + " provider could be read)";

        private Sources() {
        }
    }

    final Checked<Server> smtp;
    final Checked<Server> imap;
    final Checked<Long> maxMessageBytes;
    final Checked<Integer> maxRecipients;
    final Checked<List<String>> blockedExtensions;
    final Checked<Login> login;

    Preset(Checked<Server> smtp, Checked<Server> imap, Checked<Long> maxMessageBytes, Checked<Integer> maxRecipients,
           Checked<List<String>> blockedExtensions, Checked<Login> login) {
        this.smtp = smtp;
        this.imap = imap;
        this.maxMessageBytes = maxMessageBytes;
        this.maxRecipients = maxRecipients;
        this.blockedExtensions = blockedExtensions;
        this.login = login;
    }

    private static <T> Checked<T> checked(T value, String source) {
        return new Checked<>(value, source, Sources.CHECKED);
    }

    /** Every fact of this preset with its name, in a fixed order (for the README table and the tests). */
    public Map<String, Checked<?>> facts() {
        java.util.LinkedHashMap<String, Checked<?>> facts = new java.util.LinkedHashMap<>();
        facts.put("smtp", smtp);
        facts.put("imap", imap);
        facts.put("maxMessageBytes", maxMessageBytes);
        facts.put("maxRecipients", maxRecipients);
        facts.put("blockedExtensions", blockedExtensions);
        facts.put("login", login);
        return facts;
    }

    /** The SMTP server. */
    public Server smtp() {
        return smtp.value();
    }

    /** The IMAP server (bounce mailboxes). */
    public Server imap() {
        return imap.value();
    }

    /** The logins this provider accepts. */
    public Login login() {
        return login.value();
    }

    /** The name used in the configuration ({@code preset: office365}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The security this provider uses on an SMTP port, or null when the preset does not know the port. */
    Security securityFor(int port) {
        return smtp().ports().get(port);
    }

    static Preset parse(String value, String where) {
        try {
            return Preset.valueOf(value.trim().toUpperCase(Locale.ROOT).replace(".", "").replace("-", ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": unknown preset '" + value + "'; use one of " + names());
        }
    }

    /** The preset names, for messages. */
    static String names() {
        return Arrays.stream(values()).map(Preset::configName).collect(Collectors.joining(", "));
    }
}
