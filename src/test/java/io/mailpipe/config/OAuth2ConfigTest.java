package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.account.Account;
import io.mailpipe.account.Security;

/** {@code auth:} and {@code oauth2:} of accounts and bounce mailboxes: defaults from presets, one error per mistake. */
class OAuth2ConfigTest {

    static Account account(String flow, Map<String, String> env) {
        return MailpipeConfig.parse("accounts:\n  - " + flow + "\n", env::get, "mailpipe.yaml").accounts().get(0);
    }

    static String error(String accountsYaml) {
        try {
            MailpipeConfig.parse(accountsYaml, k -> null, "mailpipe.yaml");
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException for:\n" + accountsYaml);
    }

    @Test
    void office365WithClientCredentialsGetsMicrosoftsEndpointScopeAndServer() {
        Account a = account("{name: o365, preset: office365, username: shop@contoso.example, auth: oauth2,"
                + " oauth2: {source: clientCredentials, tenant: contoso.onmicrosoft.com, clientId: 11111111-2222,"
                + " clientSecret: \"${O365_SECRET}\"}}", Map.of("O365_SECRET", "s3cr3t-value"));
        assertThat(a.host()).isEqualTo("smtp.office365.com");
        assertThat(a.port()).isEqualTo(587);
        assertThat(a.security()).isEqualTo(Security.STARTTLS);
        assertThat(a.maxRecipients()).isEqualTo(500);
        assertThat(a.usesOAuth2()).isTrue();
        assertThat(a.password()).isNull();
        assertThat(a.oauth2().describe()).isEqualTo("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assertThat(a.toString()).contains("oauth2 from https://login.microsoftonline.com/").doesNotContain("s3cr3t-value");
    }

    @Test
    void gmailWithARefreshTokenGetsGooglesEndpoint() {
        Account a = account("{name: g, preset: gmail, username: shop@gmail.com, auth: oauth2, oauth2: {source: refreshToken,"
                + " clientId: 123.apps.googleusercontent.com, clientSecret: cs, refreshToken: \"${RT}\"}}", Map.of("RT", "1//rt"));
        assertThat(a.oauth2().describe()).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(a.host()).isEqualTo("smtp.gmail.com");
    }

    @Test
    void secretsCanComeFromTheEnvironmentOverridesAndFiles(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "from-file\n");
        String yaml = "accounts:\n  - {name: a, host: smtp.example, username: u@x.example, auth: oauth2, oauth2: {source:"
                + " clientCredentials, tokenUrl: \"https://login.example/token\", clientId: c, scope: s}}\n";
        MailpipeConfig fromEnv = MailpipeConfig.parse(yaml, Map.of("MAILPIPE_ACCOUNTS_0_OAUTH2_CLIENT_SECRET", "env-secret")::get, "m.yaml");
        assertThat(fromEnv.accounts().get(0).usesOAuth2()).isTrue();
        MailpipeConfig fromFile = MailpipeConfig.parse(yaml, Map.of("MAILPIPE_ACCOUNTS_0_OAUTH2_CLIENT_SECRET_FILE",
                secret.toString())::get, "m.yaml");
        assertThat(fromFile.accounts().get(0).usesOAuth2()).isTrue();
    }

    @Test
    void aCommandSourceNeedsOnlyTheProgram() {
        Account a = account("{name: c, host: smtp.example, username: u@x.example, auth: oauth2,"
                + " oauth2: {source: command, command: [/usr/local/bin/mail-token, --account, shop], tokenLifetime: PT2M}}", Map.of());
        assertThat(a.oauth2().describe()).isEqualTo("'/usr/local/bin/mail-token'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {name: a, preset: office365, username: u@c.example, password: pw}                                   | office365 accepts only OAuth2 logins (Basic authentication is retired); set auth: oauth2
            {name: a, preset: office365, username: u@c.example, auth: oauth2, oauth2: {source: clientCredentials, clientId: c, clientSecret: s}} | field 'oauth2.tenant' is required
            {name: a, preset: mailru, username: u@mail.ru, auth: oauth2, oauth2: {source: command, command: [x]}}  | mailru does not accept OAuth2 logins
            {name: a, host: h, username: u@x.example, auth: oauth2}                                             | auth: oauth2 needs an 'oauth2:' section
            {name: a, host: h, username: u@x.example, auth: oauth2, password: pw, oauth2: {source: command, command: [x]}} | 'password'/'passwordFile' are not used with auth: oauth2
            {name: a, host: h, username: u@x.example, auth: token}                                              | field 'auth' must be password or oauth2
            {name: a, host: h, username: u@x.example, oauth2: {source: command, command: [x]}}                   | field 'oauth2' is used only with auth: oauth2
            {name: a, host: h, from: a@x.example, auth: oauth2, oauth2: {source: command, command: [x]}}         | field 'username' is required with auth: oauth2
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {clientId: c}}                      | field 'oauth2.source' is required
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: magic}}                    | field 'oauth2.source' must be clientCredentials, refreshToken or command
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: command}}                  | field 'oauth2.command' is required
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: command, command: [x], clientId: c}} | field 'oauth2.clientId' is not used with source command
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials, clientId: c, clientSecret: s, scope: x}} | field 'oauth2.tokenUrl' is required without a preset
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "http://idp.example/token", clientId: c, clientSecret: s, scope: x}} | field 'oauth2.tokenUrl' must be an https URL
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "https://idp.example/token", clientSecret: s, scope: x}} | field 'oauth2.clientId' is required with source clientCredentials
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "https://idp.example/token", clientId: c, scope: x}} | field 'oauth2.clientSecret' is required with source clientCredentials
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "https://idp.example/token", clientId: c, clientSecret: s}} | field 'oauth2.scope' is required with source clientCredentials
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: refreshToken, tokenUrl: "https://idp.example/token", clientId: c}} | field 'oauth2.refreshToken' is required with source refreshToken
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: refreshToken, tokenUrl: "https://idp.example/token", clientId: c, refreshToken: r, certificateFile: /x.pem}} | field 'oauth2.certificateFile' is used only with source clientCredentials
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "https://idp.example/token", clientId: c, clientSecret: s, clientSecretFile: /f, scope: x}} | give either 'clientSecret' or 'clientSecretFile', not both
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "https://idp.example/token", clientId: c, certificateFile: /nonexistent.pem, scope: x}} | field 'oauth2.certificateFile'
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: command, command: [x], tokenLifetime: PT1S}} | field 'oauth2.tokenLifetime' must be at least PT10S
            {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: command, command: [x], secret: y}} | unknown key 'secret'
            """)
    void mistakesNameTheAccountAndTheField(String account, String message) {
        assertThat(error("accounts:\n  - " + account + "\n")).contains(message);
    }

    @Test
    void errorsAndToStringNeverShowSecrets() {
        String yaml = "accounts:\n  - {name: a, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials,"
                + " tokenUrl: \"https://idp.example/token\", clientId: c, clientSecret: TOPSECRET-1, clientSecretFile: /f, scope: x}}\n";
        assertThatThrownBy(() -> MailpipeConfig.parse(yaml, k -> null, "m.yaml")).hasMessageNotContaining("TOPSECRET-1");
        OAuth2Settings s = new OAuth2Settings("refreshToken", "https://t", null, "c", "TOPSECRET-2", null, null, "TOPSECRET-3",
                null, null, java.util.List.of("tool", "TOPSECRET-4"), null);
        assertThat(s.toString()).doesNotContain("TOPSECRET");
    }

    @Test
    void aBounceMailboxWithAPresetAndOAuth2() {
        MailpipeConfig c = MailpipeConfig.parse("""
                accounts: [{name: x, host: h, port: 25, security: none, from: x@x.example}]
                bounces:
                  - {name: o365, preset: office365, username: bounces@contoso.example, auth: oauth2,
                     oauth2: {source: refreshToken, tenant: contoso.onmicrosoft.com, clientId: c, refreshToken: r}}
                """, k -> null, "m.yaml");
        BounceMailbox m = c.bounces().get(0);
        assertThat(m.host()).isEqualTo("outlook.office365.com");
        assertThat(m.port()).isEqualTo(993);
        assertThat(m.tls()).isTrue();
        assertThat(m.oauth2()).isNotNull();
        assertThat(m.password()).isNull();
        assertThat(m.toString()).contains("oauth2 from https://login.microsoftonline.com/contoso.onmicrosoft.com/");
        assertThat(error("""
                accounts: [{name: x, host: h, port: 25, security: none, from: x@x.example}]
                bounces: [{name: b, host: imap.example, username: u}]
                """)).contains("bounces[0] (b): field 'password' is required");
    }
}
