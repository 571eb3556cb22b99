package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Accounts of mailpipe.yaml: presets, ports and security, and one error per mistake naming account and field. */
class AccountResolverTest {

    private static final long MIB = 1024L * 1024;

    /** One account written as a YAML flow mapping, e.g. {@code {name: a, preset: gmail}}. */
    static Account account(String flowMapping) {
        return MailpipeConfig.parse("accounts:\n  - " + flowMapping + "\n", name -> null, "mailpipe.yaml").accounts().get(0);
    }

    static ConfigException failure(String accountsYaml) {
        try {
            MailpipeConfig.parse(accountsYaml, name -> null, "mailpipe.yaml");
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for:\n" + accountsYaml);
    }

    // ---------------------------------------------------------------- presets, ports, security

    record Server(String host, int port, Security security, Integer maxRecipients, Long maxMessageBytes) {
    }

    static Stream<Arguments> servers() {
        return Stream.of(
                arguments("{name: a, preset: mailru, username: u@mail.ru}",
                        new Server("smtp.mail.ru", 465, Security.SSL, 30, 30 * MIB)),
                arguments("{name: a, preset: mailru, username: u@mail.ru, port: 587}",
                        new Server("smtp.mail.ru", 587, Security.STARTTLS, 30, 30 * MIB)),
                arguments("{name: a, preset: mailru, username: u@mail.ru, port: 25}",
                        new Server("smtp.mail.ru", 25, Security.STARTTLS, 30, 30 * MIB)),
                arguments("{name: a, preset: mailru, username: u@mail.ru, port: 2525}",
                        new Server("smtp.mail.ru", 2525, Security.STARTTLS, 30, 30 * MIB)),
                arguments("{name: a, preset: Mail.ru, username: u@mail.ru}",
                        new Server("smtp.mail.ru", 465, Security.SSL, 30, 30 * MIB)),
                arguments("{name: a, preset: yandex, username: u@yandex.ru}",
                        new Server("smtp.yandex.ru", 465, Security.SSL, null, 30 * MIB)),
                arguments("{name: a, preset: yandex, username: u@yandex.ru, port: 587}",
                        new Server("smtp.yandex.ru", 587, Security.STARTTLS, null, 30 * MIB)),
                arguments("{name: a, preset: rambler, username: u@rambler.ru}",
                        new Server("smtp.rambler.ru", 465, Security.SSL, null, 20 * MIB)),
                arguments("{name: a, preset: gmail, username: u@gmail.com}",
                        new Server("smtp.gmail.com", 465, Security.SSL, 100, 25 * MIB)),
                arguments("{name: a, preset: GMAIL, username: u@gmail.com, port: 587}",
                        new Server("smtp.gmail.com", 587, Security.STARTTLS, 100, 25 * MIB)),
                // what the account sets itself wins over the preset
                arguments("{name: a, preset: gmail, username: u@gmail.com, host: smtp-relay.gmail.com}",
                        new Server("smtp-relay.gmail.com", 465, Security.SSL, 100, 25 * MIB)),
                arguments("{name: a, preset: gmail, username: u@gmail.com, maxRecipients: 10, maxMessageBytes: 2048}",
                        new Server("smtp.gmail.com", 465, Security.SSL, 10, 2048L)),
                arguments("{name: a, preset: mailru, username: u@mail.ru, port: 2525, security: none, allowPlaintextAuth: true}",
                        new Server("smtp.mail.ru", 2525, Security.NONE, 30, 30 * MIB)),
                // a port the preset does not know: STARTTLS, as without preset
                arguments("{name: a, preset: yandex, username: u@yandex.ru, port: 25}",
                        new Server("smtp.yandex.ru", 25, Security.STARTTLS, null, 30 * MIB)),
                // no preset: 587 STARTTLS by default, 465 implies SSL
                arguments("{name: a, host: mx.example, from: a@x.example}",
                        new Server("mx.example", 587, Security.STARTTLS, null, null)),
                arguments("{name: a, host: mx.example, from: a@x.example, port: 465}",
                        new Server("mx.example", 465, Security.SSL, null, null)),
                arguments("{name: a, host: mx.example, from: a@x.example, port: 587}",
                        new Server("mx.example", 587, Security.STARTTLS, null, null)),
                arguments("{name: a, host: mx.example, from: a@x.example, port: 25}",
                        new Server("mx.example", 25, Security.STARTTLS, null, null)),
                arguments("{name: a, host: mx.example, from: a@x.example, port: 2525, security: none}",
                        new Server("mx.example", 2525, Security.NONE, null, null)),
                arguments("{name: a, host: mx.example, from: a@x.example, port: 465, security: SSL}",
                        new Server("mx.example", 465, Security.SSL, null, null)),
                arguments("{name: a, host: mx.example, from: a@x.example, port: 587, security: StartTLS}",
                        new Server("mx.example", 587, Security.STARTTLS, null, null)),
                arguments("{name: a, host: ' mx.example ', from: a@x.example, port: 2525, security: ssl}",
                        new Server("mx.example", 2525, Security.SSL, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void presetsAndPortsGiveHostPortSecurityAndSizeLimits(String yaml, Server expected) {
        Account a = account(yaml);

        assertThat(new Server(a.host(), a.port(), a.security(), a.maxRecipients(), a.maxMessageBytes())).isEqualTo(expected);
    }

    @Test
    void leftOutFieldsGetTheirDefaults() {
        Account a = account("{name: shop, preset: gmail, username: shop@gmail.com}");

        assertThat(a.name()).isEqualTo("shop");
        assertThat(a.username()).isEqualTo("shop@gmail.com");
        assertThat(a.from()).as("from defaults to the username").isEqualTo("shop@gmail.com");
        assertThat(a.password()).isNull();
        assertThat(a.allowSenderOverride()).isFalse();
        assertThat(a.limits()).isEqualTo(Limits.NONE);
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void explicitFieldsAreKept() {
        Account a = account("{name: shop, host: mx.example, username: login, from: 'Shop <shop@x.example>',"
                + " allowSenderOverride: true, limits: {perHour: 5, perDay: 100}, timeout: PT5S}");

        assertThat(a.from()).isEqualTo("Shop <shop@x.example>");
        assertThat(a.username()).isEqualTo("login");
        assertThat(a.allowSenderOverride()).isTrue();
        assertThat(a.limits()).isEqualTo(new Limits(5, 100));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void keepsAccountsInTheirOrder() {
        List<Account> accounts = MailpipeConfig.parse("""
                accounts:
                  - {name: first, preset: mailru, username: a@mail.ru}
                  - {name: second, preset: yandex, username: b@yandex.ru}
                  - {name: third, host: relay.example, from: c@x.example}
                """, name -> null, "mailpipe.yaml").accounts();

        assertThat(accounts).extracting(Account::name).containsExactly("first", "second", "third");
    }

    // ---------------------------------------------------------------- rambler

    static Stream<Arguments> ramblerAccepts() {
        return Stream.of(
                arguments("{name: r, preset: rambler, username: u@rambler.ru}"),
                arguments("{name: r, preset: rambler, username: u@rambler.ru, from: u@rambler.ru}"),
                arguments("{name: r, preset: rambler, username: u@rambler.ru, from: 'Shop <U@Rambler.ru>'}"),
                arguments("{name: r, preset: rambler, username: u@rambler.ru, allowSenderOverride: false}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ramblerAccepts")
    void ramblerAcceptsFromEqualToTheLogin(String yaml) {
        assertThat(account(yaml).allowSenderOverride()).isFalse();
    }

    static Stream<Arguments> ramblerRejects() {
        return Stream.of(
                arguments("{name: r, preset: rambler, username: u@rambler.ru, allowSenderOverride: true}", "'allowSenderOverride'"),
                arguments("{name: r, preset: rambler, username: u@rambler.ru, from: other@rambler.ru}", "'from'"),
                arguments("{name: r, preset: rambler, username: u@rambler.ru, from: 'U <u@rambler.com>'}", "'from'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ramblerRejects")
    void ramblerRejectsSenderOverrideAndAForeignFrom(String yaml, String field) {
        assertThat(failure("accounts:\n  - " + yaml + "\n").getMessage())
                .contains("accounts[0] (r)", field, "rambler");
    }

    // ---------------------------------------------------------------- mistakes

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("missing name", """
                        accounts:
                          - {host: mx.example, from: a@x.example}
                        """, List.of("accounts[0]", "'name'", "required")),
                arguments("blank name", """
                        accounts:
                          - {name: ' ', host: mx.example, from: a@x.example}
                        """, List.of("accounts[0]", "'name'", "required")),
                arguments("duplicate name", """
                        accounts:
                          - {name: shop, host: mx.example, from: a@x.example}
                          - {name: shop, host: mx.example, from: b@x.example}
                        """, List.of("accounts[1] (shop)", "'name'", "another account")),
                arguments("space in name", """
                        accounts:
                          - {name: 'my shop', host: mx.example, from: a@x.example}
                        """, List.of("accounts[0] (my shop)", "'name'")),
                arguments("slash in name", """
                        accounts:
                          - {name: ok, host: mx.example, from: a@x.example}
                          - {name: a/b, host: mx.example, from: a@x.example}
                        """, List.of("accounts[1] (a/b)", "'name'")),
                arguments("name longer than 64", "accounts:\n  - {name: " + "n".repeat(65)
                        + ", host: mx.example, from: a@x.example}\n", List.of("accounts[0] (nnnn", "'name'", "64")),
                arguments("no host and no preset", """
                        accounts:
                          - {name: shop, from: a@x.example}
                        """, List.of("accounts[0] (shop)", "'host'")),
                arguments("unknown preset", """
                        accounts:
                          - {name: shop, preset: hotmail, username: a@x.example}
                        """, List.of("accounts[0] (shop)", "'preset'", "hotmail", "mailru, yandex, rambler, gmail")),
                arguments("port 0", """
                        accounts:
                          - {name: shop, host: mx.example, port: 0, from: a@x.example}
                        """, List.of("accounts[0] (shop)", "'port'")),
                arguments("port 65536", """
                        accounts:
                          - {name: shop, host: mx.example, port: 65536, from: a@x.example}
                        """, List.of("accounts[0] (shop)", "'port'")),
                arguments("port not a number", """
                        accounts:
                          - {name: shop, host: mx.example, port: smtp, from: a@x.example}
                        """, List.of("accounts[0].port")),
                arguments("unknown security", """
                        accounts:
                          - {name: shop, host: mx.example, security: tls, from: a@x.example}
                        """, List.of("accounts[0] (shop)", "'security'", "none, starttls or ssl")),
                arguments("starttls on 465", """
                        accounts:
                          - {name: shop, host: mx.example, port: 465, security: starttls, from: a@x.example}
                        """, List.of("accounts[0] (shop)", "'security'", "465", "ssl")),
                arguments("none on 465", """
                        accounts:
                          - {name: shop, host: mx.example, port: 465, security: none, from: a@x.example}
                        """, List.of("accounts[0] (shop)", "'security'", "465")),
                arguments("starttls on the preset's 465", """
                        accounts:
                          - {name: shop, preset: mailru, security: starttls, username: a@mail.ru}
                        """, List.of("accounts[0] (shop)", "'security'", "465")),
                arguments("ssl on 587", """
                        accounts:
                          - {name: shop, host: mx.example, port: 587, security: ssl, from: a@x.example}
                        """, List.of("accounts[0] (shop)", "'security'", "587", "starttls")),
                arguments("from not an address", """
                        accounts:
                          - {name: shop, host: mx.example, from: not an address}
                        """, List.of("accounts[0] (shop)", "'from'")),
                arguments("username not an address and no from", """
                        accounts:
                          - {name: shop, host: mx.example, username: login}
                        """, List.of("accounts[0] (shop)", "'from'")),
                arguments("neither from nor username", """
                        accounts:
                          - {name: shop, host: mx.example}
                        """, List.of("accounts[0] (shop)", "'from'", "required")),
                arguments("negative perHour", """
                        accounts:
                          - {name: shop, host: mx.example, from: a@x.example, limits: {perHour: -1}}
                        """, List.of("accounts[0] (shop)", "'limits'")),
                arguments("negative perDay", """
                        accounts:
                          - {name: shop, host: mx.example, from: a@x.example, limits: {perHour: 5, perDay: -5}}
                        """, List.of("accounts[0] (shop)", "'limits'")),
                arguments("maxRecipients 0", """
                        accounts:
                          - {name: shop, host: mx.example, from: a@x.example, maxRecipients: 0}
                        """, List.of("accounts[0] (shop)", "'maxRecipients'")),
                arguments("maxMessageBytes below 1024", """
                        accounts:
                          - {name: shop, host: mx.example, from: a@x.example, maxMessageBytes: 1023}
                        """, List.of("accounts[0] (shop)", "'maxMessageBytes'")),
                arguments("password without username", """
                        accounts:
                          - {name: shop, host: mx.example, from: a@x.example, password: pw}
                        """, List.of("accounts[0] (shop)", "'username'", "password")),
                arguments("password and passwordFile", """
                        accounts:
                          - {name: shop, host: mx.example, username: a@x.example, password: pw, passwordFile: /run/secrets/pw}
                        """, List.of("accounts[0] (shop)", "'password'", "'passwordFile'")),
                arguments("passwordFile missing", """
                        accounts:
                          - {name: shop, host: mx.example, username: a@x.example, passwordFile: /nonexistent/mailpipe/pw}
                        """, List.of("accounts[0] (shop)", "'passwordFile'", "/nonexistent/mailpipe/pw")),
                arguments("the second account is named", """
                        accounts:
                          - {name: good, host: mx.example, from: a@x.example}
                          - {name: bad, host: mx.example, port: 99999, from: a@x.example}
                        """, List.of("accounts[1] (bad)", "'port'")),
                arguments("no accounts section", """
                        retry: {maxAttempts: 3}
                        """, List.of("accounts", "at least one")),
                arguments("empty accounts list", """
                        accounts: []
                        """, List.of("accounts", "at least one")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void everyMistakeNamesTheAccountAndTheField(String label, String yaml, List<String> fragments) {
        assertThat(failure(yaml).getMessage()).contains(fragments);
    }

    @Test
    void mistakesNeverEchoThePassword() {
        String message = failure("""
                accounts:
                  - {name: shop, host: mx.example, from: a@x.example, password: Sup3rSecret}
                """).getMessage();

        assertThat(message).doesNotContain("Sup3rSecret");
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void readsThePasswordFromPasswordFileWithoutTheTrailingNewline(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("smtp-password");
        Files.writeString(file, "s3cr3t pass\n", StandardCharsets.UTF_8);

        Account a = account("{name: shop, preset: yandex, username: shop@yandex.ru, passwordFile: '" + file + "'}");

        assertThat(a.password()).isEqualTo("s3cr3t pass");
    }

    @Test
    void readsThePasswordFromTheEnvironment() {
        Account a = MailpipeConfig.parse("""
                accounts:
                  - name: shop
                    preset: gmail
                    username: shop@gmail.com
                    password: ${SHOP_PASSWORD}
                """, Map.of("SHOP_PASSWORD", "app-password-1")::get, "mailpipe.yaml").accounts().get(0);

        assertThat(a.password()).isEqualTo("app-password-1");
    }

    @Test
    void toStringNeverShowsThePassword() {
        Account a = account("{name: shop, preset: gmail, username: shop@gmail.com, password: 'Pa55-w0rd!'}");

        assertThat(a.password()).isEqualTo("Pa55-w0rd!");
        assertThat(a.toString()).doesNotContain("Pa55-w0rd!").contains("shop", "***");
        assertThat(List.of(a).toString()).doesNotContain("Pa55-w0rd!");
    }

    @Test
    void toStringWithoutPasswordSaysNothingAboutOne() {
        assertThat(account("{name: relay, host: mx.example, from: a@x.example}").toString()).doesNotContain("password");
    }

    // ---------------------------------------------------------------- the Java entry point

    @Test
    void resolveWorksOnSettingsRecordsToo() {
        AccountSettings settings = new AccountSettings("shop", "mailru", null, 587, null, "shop@mail.ru", "pw", null,
                null, null, new Limits(10, null), null, null, null, List.of("bulk"), null, null, null, null, null, null, null);

        Account a = AccountResolver.resolve(List.of(settings)).get(0);

        assertThat(a.host()).isEqualTo("smtp.mail.ru");
        assertThat(a.security()).isEqualTo(Security.STARTTLS);
        assertThat(a.limits()).isEqualTo(new Limits(10, null));
        assertThat(a.pools()).containsExactly("bulk");
        assertThat(settings.toString()).doesNotContain("pw");
    }

    @Test
    void resolveRejectsANullEntryByIndex() {
        AccountSettings good = new AccountSettings("a", null, "mx.example", null, null, null, null, null, "a@x.example",
                null, null, null, null, null);
        java.util.List<AccountSettings> list = new java.util.ArrayList<>();
        list.add(good);
        list.add(null);

        assertThatThrownBy(() -> AccountResolver.resolve(list)).isInstanceOf(ConfigException.class).hasMessageContaining("accounts[1]");
    }
}
