package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.account.Account;

/** The composition keys of mailpipe.yaml: per account blockedExtensions and dkim, worker-wide compose:. */
class CompositionConfigTest {

    static String pem;
    static String secret;

    @TempDir
    Path dir;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
        secret = Base64.getEncoder().encodeToString(der);
        pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static MailpipeConfig parse(String accountExtra, Map<String, String> env) {
        return MailpipeConfig.parse("""
                accounts:
                  - name: shop
                    host: smtp.shop.example
                    port: 587
                    from: "Shop <news@Shop.Example>"
                %s
                """.formatted(accountExtra.indent(4).stripTrailing()), env::get, "mailpipe.yaml");
    }

    @Test
    void dkimKeyFromAFileOrTheEnvironment() throws Exception {
        Path file = dir.resolve("dkim.pem");
        Files.writeString(file, pem);
        Account fromFile = parse("dkim: {selector: mp2026, privateKeyFile: " + file + "}", Map.of()).accounts().get(0);
        assertThat(fromFile.dkim().domain()).isEqualTo("shop.example");
        assertThat(fromFile.dkim().selector()).isEqualTo("mp2026");
        assertThat(fromFile.dkim().toString()).doesNotContain(secret.substring(0, 20));

        Account fromEnv = parse("dkim: {selector: s1, domain: mail.shop.example, privateKey: \"${DKIM_KEY}\"}",
                Map.of("DKIM_KEY", pem)).accounts().get(0);
        assertThat(fromEnv.dkim().domain()).isEqualTo("mail.shop.example");
        assertThat(fromEnv.dkim().privateKey().getEncoded()).isEqualTo(Base64.getDecoder().decode(secret));
    }

    @Test
    void dkimMistakesFailAtStartWithoutShowingTheKey() {
        assertThatThrownBy(() -> parse("dkim: {privateKey: \"${K}\"}", Map.of("K", pem)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dkim.selector' is required");
        assertThatThrownBy(() -> parse("dkim: {selector: s1}", Map.of()))
                .hasMessageContaining("exactly one of 'privateKeyFile'");
        String broken = pem.replace("MII", "XXX");
        assertThatThrownBy(() -> parse("dkim: {selector: s1, privateKey: \"${K}\"}", Map.of("K", broken)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("accounts[0] (shop)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret.substring(10, 40)));
        assertThatThrownBy(() -> parse("dkim: {selector: s1, privateKey: \"-----BEGIN RSA PRIVATE KEY-----\\nAAAA\"}", Map.of()))
                .hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> parse("dkim: {selector: s1, privateKeyFile: /nonexistent/key.pem}", Map.of()))
                .hasMessageContaining("cannot read");
    }

    @Test
    void blockedExtensionsDefaultToGmailsListAndCanBeChanged() {
        assertThat(parse("", Map.of()).accounts().get(0).blockedExtensions()).isNull();
        assertThat(parse("blockedExtensions: [.EXE, js]", Map.of()).accounts().get(0).blockedExtensions())
                .containsExactly("exe", "js");
        assertThat(parse("blockedExtensions: []", Map.of()).accounts().get(0).blockedExtensions()).isEmpty();
        assertThatThrownBy(() -> parse("blockedExtensions: [\"a b\"]", Map.of()))
                .hasMessageContaining("'blockedExtensions'");
    }

    @Test
    void composeSectionGivesTemplatesAndCampaignLinks() throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        MailpipeConfig config = MailpipeConfig.parse("""
                compose:
                  templatesDir: %s
                  campaigns:
                    spring: {listUnsubscribe: {url: "https://shop.example/u", mailto: leave@shop.example}}
                accounts: [{name: a, host: h, port: 25, security: none, from: a@shop.example}]
                """.formatted(dir.resolve("templates")), k -> null, "mailpipe.yaml");
        assertThat(config.compose().campaigns()).containsKey("spring");
        assertThat(config.compose().composer(Clock.systemUTC())).isNotNull();

        MailpipeConfig badUrl = MailpipeConfig.parse("""
                compose: {campaigns: {spring: {listUnsubscribe: {url: "http://plain.example/u"}}}}
                accounts: [{name: a, host: h, port: 25, security: none, from: a@shop.example}]
                """, k -> null, "mailpipe.yaml");
        assertThatThrownBy(() -> badUrl.compose().composer(Clock.systemUTC())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("compose.campaigns.spring.listUnsubscribe.url");

        MailpipeConfig noDir = MailpipeConfig.parse("""
                compose: {templatesDir: %s}
                accounts: [{name: a, host: h, port: 25, security: none, from: a@shop.example}]
                """.formatted(dir.resolve("missing")), k -> null, "mailpipe.yaml");
        assertThatThrownBy(() -> noDir.compose().composer(Clock.systemUTC())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("compose.templatesDir");
    }
}
