package io.mailpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.account.Account;

/** The TLS options of accounts and bounce mailboxes: trustedCertificate, allowPlaintextAuth. */
class TlsConfigTest {

    @TempDir
    Path dir;

    private static MailpipeConfig parse(String yaml) {
        return MailpipeConfig.parse(yaml, Map.of("PW", "S3CRET-pw")::get, "test.yaml");
    }

    @Test
    void aLoginWithoutTlsIsRefusedAtStartUpUnlessAllowed() {
        assertThatThrownBy(() -> parse("accounts: [{name: a, host: h, port: 25, security: none, username: u, password: '${PW}', from: a@x.example}]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("accounts[0] (a)").hasMessageContaining("allowPlaintextAuth: true")
                .hasMessageNotContaining("S3CRET");
        Account a = parse("accounts: [{name: a, host: h, port: 25, security: none, allowPlaintextAuth: true, username: u,"
                + " password: '${PW}', from: a@x.example}]").accounts().get(0);
        assertThat(a.allowPlaintextAuth()).isTrue();
        assertThat(a.toString()).doesNotContain("S3CRET").contains("plaintext-auth-allowed");
        // without a login there is nothing to protect
        assertThat(parse("accounts: [{name: a, host: h, port: 25, security: none, from: a@x.example}]").accounts().get(0)
                .allowPlaintextAuth()).isFalse();
    }

    @Test
    void trustedCertificateMustBeAReadablePemFile() throws Exception {
        assertThatThrownBy(() -> parse("accounts: [{name: a, host: h, from: a@x.example, trustedCertificate: "
                + dir.resolve("missing.pem") + "}]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("accounts[0] (a): field 'trustedCertificate': cannot read");
        Path notPem = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> parse("accounts: [{name: a, host: h, from: a@x.example, trustedCertificate: " + notPem + "}]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds no");
        assertThatThrownBy(() -> parse("accounts: [{name: a, host: h, from: a@x.example}]\n"
                + "bounces: [{name: b, host: h, username: u, password: p, trustedCertificate: " + notPem + "}]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bounces[0] (b): field 'trustedCertificate'");
    }
}
