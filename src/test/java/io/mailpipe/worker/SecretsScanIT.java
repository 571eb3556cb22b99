package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.cli.MailpipeCli;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.OAuth2TestServer;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.SelfSignedTls;
import io.mailpipe.testing.TestWorkers;
import picocli.CommandLine;

/**
 * No secret leaks: a worker with recognisable secrets (SMTP passwords, a DKIM private key, an IMAP password, OAuth2
 * client secrets, a refresh token, the access tokens a real OAuth2 server issued) runs realistic scenarios (a signed
 * send that succeeds, a login refused with 535, a TLS failure, XOAUTH2 sends with client credentials and a refresh
 * token, a revoked OAuth2 client, a bounce mailbox whose login is refused, an invalid request), then the CLI commands that print configuration or state run, and config
 * errors are provoked. Every log line (message, MDC, stack trace), exception text, metric line, every record on the
 * outcome, dead-letter, retry, bounce and quota topics (value and headers), CLI output and config toString() is
 * scanned for each secret, for the AUTH PLAIN form of the logins, and for the base64 body of the key.
 */
class SecretsScanIT {

    static final String USER = "shop";
    static final String SMTP_PW = "S3CRET-smtp-pw-7f3a";
    static final String WRONG_PW = "S3CRET-wrong-pw-5d1e";
    static final String IMAP_PW = "S3CRET-imap-pw-2b9c";
    static final String IMAP_WRONG_PW = "S3CRET-imap-wrong-8e4d";
    static final String CLIENT_SECRET = "S3CRET-client-secret-3c7b";
    static final String REVOKED_CLIENT_SECRET = "S3CRET-revoked-client-1a9e";
    static final String REFRESH_TOKEN = "S3CRET-refresh-token-6f20";
    static final String O365_USER = "shop@o365.test";

    @Test
    void noSecretAppearsAnywhere() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "secrets-scan-it"));
        var rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String keyBody = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
        Path keyFile = dir.resolve("dkim.pem");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + keyBody + "\n-----END PRIVATE KEY-----\n");
        List<String> secrets = new ArrayList<>(List.of(SMTP_PW, WRONG_PW, IMAP_PW, IMAP_WRONG_PW, CLIENT_SECRET,
                REVOKED_CLIENT_SECRET, REFRESH_TOKEN,
                keyBody.lines().skip(3).findFirst().orElseThrow(), keyBody.replace("\n", "").substring(100, 160)));
        for (String[] login : new String[][] {{USER, SMTP_PW}, {USER, WRONG_PW}, {"bounces", IMAP_WRONG_PW}, {"bounces", IMAP_PW}}) {
            secrets.add(Base64.getEncoder().encodeToString(("\0" + login[0] + "\0" + login[1]).getBytes(StandardCharsets.UTF_8)));
            secrets.add(Base64.getEncoder().encodeToString((login[0] + "\0" + login[1]).getBytes(StandardCharsets.UTF_8)));
            secrets.add(Base64.getEncoder().encodeToString(login[1].getBytes(StandardCharsets.UTF_8)));
        }
        StringBuilder seen = new StringBuilder();

        SelfSignedTls tls = SelfSignedTls.create("dns:localhost,ip:127.0.0.1");
        GreenMail imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        imap.start();
        imap.setUser("bounces@sandbox.test", "bounces", IMAP_PW);
        KafkaSettings.Topics topics = TestWorkers.topics("secrets-scan");
        TestWorkers.config(topics, List.of(TestWorkers.account("x", 1, "x@x.example", false, null))); // creates the topics
        try (ScriptedSmtpServer smtp = ScriptedSmtpServer.withLogin(USER, SMTP_PW);
             ScriptedSmtpServer tlsSmtp = ScriptedSmtpServer.withTls(tls.context(), false, USER, SMTP_PW);
             OAuth2TestServer oauth = new OAuth2TestServer(3600);
             ScriptedSmtpServer oauthSmtp = ScriptedSmtpServer.withXoauth2(O365_USER, oauth::check);
             KafkaIO kafka = new KafkaIO()) {
            oauth.revokeClient("revoked-app");
            String yaml = TestWorkers.kafkaYaml(topics) + """
                    management: {host: 127.0.0.1, port: 0}
                    retry: {maxAttempts: 3, initialBackoff: PT10M, maxBackoff: PT20M}
                    accounts:
                      - {name: good, host: 127.0.0.1, port: %d, security: none, allowPlaintextAuth: true, username: shop,
                         password: "%s", from: shop@shop.example, dkim: {selector: s1, privateKeyFile: %s}}
                      - {name: bad, host: 127.0.0.1, port: %d, security: none, allowPlaintextAuth: true, username: shop,
                         password: "%s", from: shop@shop.example}
                      - {name: tls, host: localhost, port: %d, security: starttls, username: shop, password: "%s",
                         from: shop@shop.example}
                      - {name: oauth, host: 127.0.0.1, port: %d, security: none, allowPlaintextAuth: true, username: %s,
                         auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "%s", clientId: app, clientSecret: "%s", scope: mail}}
                      - {name: oauth-refresh, host: 127.0.0.1, port: %d, security: none, allowPlaintextAuth: true, username: %s,
                         auth: oauth2, oauth2: {source: refreshToken, tokenUrl: "%s", clientId: app2, refreshToken: "%s"}}
                      - {name: oauth-revoked, host: 127.0.0.1, port: %d, security: none, allowPlaintextAuth: true, username: %s,
                         auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "%s", clientId: revoked-app,
                         clientSecret: "%s", scope: mail}}
                    bounces:
                      - {name: box, protocol: imap, allowPlaintextAuth: true, host: 127.0.0.1, port: %d, username: bounces,
                         password: "%s", pollInterval: PT1S}
                    """.formatted(smtp.port(), SMTP_PW, keyFile, smtp.port(), WRONG_PW, tlsSmtp.port(), SMTP_PW,
                    oauthSmtp.port(), O365_USER, oauth.tokenUrl(), CLIENT_SECRET,
                    oauthSmtp.port(), O365_USER, oauth.tokenUrl(), REFRESH_TOKEN,
                    oauthSmtp.port(), O365_USER, oauth.tokenUrl(), REVOKED_CLIENT_SECRET,
                    imap.getImap().getPort(), IMAP_WRONG_PW);
            Path configFile = Files.writeString(dir.resolve("mailpipe.yaml"), yaml);
            MailpipeConfig config = MailpipeConfig.parse(yaml, Map.<String, String>of()::get, "mailpipe.yaml");
            seen.append(config).append('\n').append(config.accounts()).append(config.bounces()).append(config.kafka());

            List<KafkaIO.Collector> collectors = new ArrayList<>();
            for (String topic : List.of(topics.outcomes(), topics.dlq(), topics.retry(), topics.quota())) {
                collectors.add(new KafkaIO.Collector(topic));
            }
            try (LogCapture log = LogCapture.begin()) {
                try (Worker worker = Worker.start(config)) {
                    for (String topic : List.of(topics.bounces(), topics.bouncesUnparsed(), topics.suppressions())) {
                        collectors.add(new KafkaIO.Collector(topic)); // created by the worker's bounce pipeline
                    }
                    kafka.send(topics.requests(), "s-good", "{\"id\":\"s-good\",\"account\":\"good\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
                    kafka.send(topics.requests(), "s-bad", "{\"id\":\"s-bad\",\"account\":\"bad\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
                    kafka.send(topics.requests(), "s-tls", "{\"id\":\"s-tls\",\"account\":\"tls\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
                    kafka.send(topics.requests(), "s-invalid", "{\"id\":\"s-invalid\",\"to\":[],\"subject\":\"s\"");
                    for (String oauthAccount : List.of("oauth", "oauth-refresh", "oauth-revoked")) {
                        kafka.send(topics.requests(), "s-" + oauthAccount, "{\"id\":\"s-" + oauthAccount + "\",\"account\":\""
                                + oauthAccount + "\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
                    }
                    KafkaIO.Collector outcomes = collectors.get(0);
                    await().atMost(Duration.ofSeconds(60)).until(() -> List.of("s-good", "s-bad", "s-tls", "s-invalid",
                                    "s-oauth", "s-oauth-refresh", "s-oauth-revoked").stream()
                            .allMatch(id -> !outcomes.outcomesFor(id).isEmpty() || outcomes.records().stream()
                                    .anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(id))));
                    assertThat(outcomes.outcomesFor("s-good")).extracting(e -> e.reasonCode()).containsExactly("accepted");
                    assertThat(outcomes.outcomesFor("s-bad").get(0).reasonCode()).isEqualTo("authentication_failed");
                    assertThat(outcomes.outcomesFor("s-tls").get(0).reasonCode()).isEqualTo("tls_failed");
                    assertThat(outcomes.outcomesFor("s-oauth")).extracting(e -> e.reasonCode()).containsExactly("accepted");
                    assertThat(outcomes.outcomesFor("s-oauth-refresh")).extracting(e -> e.reasonCode()).containsExactly("accepted");
                    assertThat(outcomes.outcomesFor("s-oauth-revoked").get(0).reasonCode()).isEqualTo("authentication_failed");
                    assertThat(outcomes.outcomesFor("s-oauth-revoked").get(0).reason()).contains("invalid_client");
                    // the access tokens issued and used are secrets too, raw and as XOAUTH2 sends them
                    assertThat(oauthSmtp.tokensAccepted()).hasSize(2);
                    for (String token : oauthSmtp.tokensAccepted()) {
                        secrets.add(token);
                        secrets.add(Base64.getEncoder().encodeToString(("user=" + O365_USER + "\u0001auth=Bearer " + token
                                + "\u0001\u0001").getBytes(StandardCharsets.UTF_8)));
                    }
                    assertThat(smtp.acceptedMessagesFor("s-good").get(0).getHeader("DKIM-Signature")).isNotNull();
                    await().atMost(Duration.ofSeconds(60)).until(() -> log.text().contains("bounce mailbox box: poll failed"));
                    seen.append(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + worker.managementPort() + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
                }
                seen.append(cli("quota", "--config", configFile.toString()));
                seen.append(cli("suppression", "--config", configFile.toString(), "list"));
                seen.append(log.text());
                assertThat(log.text()).contains("s-bad").contains("authentication_failed").contains("tls_failed");
            }
            for (KafkaIO.Collector c : collectors) {
                for (ConsumerRecord<byte[], byte[]> r : c.records()) {
                    seen.append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)).append('\n');
                    for (Header h : r.headers()) {
                        seen.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append('\n');
                    }
                }
                c.close();
            }
        } finally {
            imap.stop();
        }
        seen.append(configErrors(keyBody));

        String text = seen.toString();
        Files.writeString(dir.resolve("scanned.txt"), text); // what was scanned, for a look after the run
        assertThat(text).contains("s-good").contains("authentication_failed").contains("mailpipe_"); // the scan saw things
        for (String secret : secrets) {
            assertThat(text).as("secret %s", secret).doesNotContain(secret);
        }
    }

    /** Runs a CLI command in this JVM; its standard output and error. */
    static String cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try {
            System.setOut(capture);
            System.setErr(capture);
            CommandLine cmd = MailpipeCli.commandLine();
            cmd.setOut(new PrintWriter(capture, true));
            cmd.setErr(new PrintWriter(capture, true));
            cmd.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** The messages and stack traces of configuration mistakes made next to secrets. */
    static String configErrors(String keyBody) {
        StringBuilder out = new StringBuilder();
        String account = "{name: a, host: h, port: 25, username: u, password: \"" + SMTP_PW + "\", from: a@x.example";
        List<String> broken = List.of(
                "accounts: [" + account + ", port: 99999}]",
                "accounts: [" + account + ", security: none}]",
                "accounts: [" + account + ", passwrd: \"" + WRONG_PW + "\"}]",
                "accounts: [" + account + ", dkim: {selector: s, privateKey: \"" + WRONG_PW + "\"}}]",
                "accounts: [" + account + ", dkim: {selector: s, privateKey: \"-----BEGIN PRIVATE KEY-----\\n"
                        + keyBody.substring(0, 300).replace("\n", "\\n") + "\\n-----END PRIVATE KEY-----\"}}]",
                "accounts: [" + account + "}]\nbounces: [{name: b, host: h, username: u, password: \"" + IMAP_PW + "\", port: 0}]",
                "accounts: [" + account + "}\n  - {name: b, host: h, password: \"" + WRONG_PW + "\" oops]",
                "accounts:\n  - name: a\n    password: \"" + WRONG_PW + "\n    host: h\n",
                "kafka: {properties: {sasl.jaas.config: \"x password=" + WRONG_PW + "\", bootstrap.servers: y}}\naccounts: [" + account + "}]",
                "accounts: [{name: o, host: h, username: u@x.example, auth: oauth2, oauth2: {source: clientCredentials,"
                        + " tokenUrl: \"http://idp.example/t\", clientId: c, clientSecret: \"" + CLIENT_SECRET + "\", scope: s}}]",
                "accounts: [{name: o, host: h, username: u@x.example, auth: oauth2, password: \"" + SMTP_PW + "\", oauth2: {source:"
                        + " refreshToken, tokenUrl: \"https://idp.example/t\", clientId: c, refreshToken: \"" + REFRESH_TOKEN + "\"}}]");
        for (String yaml : broken) {
            assertThatThrownBy(() -> MailpipeConfig.parse(yaml, Map.<String, String>of()::get, "broken.yaml"))
                    .satisfies(e -> out.append(org.assertj.core.util.Throwables.getStackTrace(e)).append('\n'));
        }
        return out.toString();
    }
}
