package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SmtpSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.OAuth2TestServer;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Issue 19 end to end: a worker whose accounts log in with OAuth 2.0 (SASL XOAUTH2) through the real Kafka broker, a
 * real OAuth 2.0 server issuing signed tokens that expire after {@value #TOKEN_SECONDS} s, and an SMTP server that
 * offers only XOAUTH2 and checks every token (signature, expiry, revocation). Every SMTP session is new
 * ({@code smtp.maxMessagesPerConnection: 1}), so every message logs in. Plus an account whose password login the server
 * refuses as Exchange Online does ({@code 550 5.7.30}), and {@code mailpipe quota} reading what the worker announced.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuth2IT {

    static final long TOKEN_SECONDS = 4;
    static final String MAILBOX = "shop@o365.test";
    static OAuth2TestServer oauth;
    static ScriptedSmtpServer smtp;
    static ScriptedSmtpServer legacy;
    static RunningPipeline pipeline;
    static Path configFile;

    @BeforeAll
    static void start() throws Exception {
        oauth = new OAuth2TestServer(TOKEN_SECONDS);
        smtp = ScriptedSmtpServer.withXoauth2(MAILBOX, oauth::check);
        legacy = ScriptedSmtpServer.refusingPasswordLogins(550, "5.7.30 Basic authentication is not supported for Client Submission.");
        KafkaSettings.Topics topics = TestWorkers.topics("oauth2");
        String accounts = """
                accounts:
                  - {name: app-a, host: 127.0.0.1, port: %1$d, security: none, allowPlaintextAuth: true, username: %2$s,
                     auth: oauth2, oauth2: {source: clientCredentials, tokenUrl: "%3$s", clientId: app-a, clientSecret: s-a, scope: mail}}
                  - {name: app-b, host: 127.0.0.1, port: %1$d, security: none, allowPlaintextAuth: true, username: %2$s,
                     auth: oauth2, oauth2: {source: refreshToken, tokenUrl: "%3$s", clientId: app-b, clientSecret: s-b,
                     refreshToken: r-b}}
                  - {name: legacy, host: 127.0.0.1, port: %4$d, security: none, allowPlaintextAuth: true, username: %2$s,
                     password: a-password}
                """.formatted(smtp.port(), MAILBOX, oauth.tokenUrl(), legacy.port());
        String yaml = TestWorkers.kafkaYaml(topics) + accounts;
        configFile = Files.writeString(Files.createDirectories(Path.of("target", "oauth2-it")).resolve("mailpipe.yaml"), yaml);
        MailpipeConfig parsed = MailpipeConfig.parse(yaml, k -> null, configFile.toString());
        pipeline = RunningPipeline.restart(topics, parsed.accounts(),
                c -> c.withSmtp(new SmtpSettings(null, null, 1, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        smtp.close();
        legacy.close();
        oauth.close();
    }

    private static String request(String id, String account) {
        return "{\"id\":\"" + id + "\"," + (account == null ? "" : "\"account\":\"" + account + "\",")
                + "\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}";
    }

    @Test
    @Order(1)
    void sendsWithTokensAndRenewsThemAsTheyExpireWithoutAFailedMessage() {
        int tokensBefore = oauth.tokenRequests();
        List<String> ids = new ArrayList<>();
        // one message after the other, through both token sources, until each account's token has expired at least
        // twice; bounded in count and time
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        for (int i = 0; i < 200 && oauth.tokenRequests() - tokensBefore < 6 && System.nanoTime() < deadline; i++) {
            String id = "o-" + i;
            pipeline.send(id, request(id, i % 2 == 0 ? "app-a" : "app-b"));
            pipeline.awaitTerminal(id);
            ids.add(id);
        }
        assertThat(oauth.tokenRequests() - tokensBefore).as("tokens were renewed as they expired").isGreaterThanOrEqualTo(6);
        for (String id : ids) {
            assertThat(pipeline.outcomesFor(id)).as(id).singleElement().satisfies(e -> {
                assertThat(e.status()).isEqualTo(Status.SENT);
                assertThat(e.attempt()).isEqualTo(1);
            });
            assertThat(smtp.acceptedFor(id)).isEqualTo(1);
        }
        assertThat(smtp.tokensAccepted()).hasSizeGreaterThanOrEqualTo(6);
        // the server refuses an expired token; a refusal may happen when the server's second ticks over first, and is
        // then followed by a new token and a login that works (no message failed above)
        assertThat(smtp.tokenRefusals()).allMatch("expired"::equals);
    }

    @Test
    @Order(2)
    void aRevokedClientMovesMailToTheNextAccount() {
        pipeline.send("warm-a", request("warm-a", "app-a"));
        assertThat(pipeline.awaitTerminal("warm-a")).singleElement().extracting(OutcomeEvent::status).isEqualTo(Status.SENT);
        oauth.revokeClient("app-a"); // its cached token no longer passes, and the token endpoint refuses the client

        pipeline.send("moved", request("moved", null));
        List<OutcomeEvent> events = pipeline.awaitTerminal("moved");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.SENT);
            assertThat(e.account()).as("app-a was tried first, refused, and the message moved on").isEqualTo("app-b");
        });
        assertThat(smtp.tokenRefusals()).contains("client revoked");
        assertThat(smtp.acceptedFor("moved")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aRefusedBasicLoginGivesTheReasonAndTheFix() {
        pipeline.send("basic", request("basic", "legacy"));
        await().atMost(Duration.ofSeconds(40)).until(() -> !pipeline.outcomesFor("basic").isEmpty());
        OutcomeEvent first = pipeline.outcomesFor("basic").get(0);
        assertThat(first.status()).isEqualTo(Status.DEFERRED);
        assertThat(first.reasonCode()).isEqualTo("authentication_failed");
        assertThat(first.smtp().code()).isEqualTo(550);
        assertThat(first.smtp().enhanced()).isEqualTo("5.7.30");
        assertThat(first.reason()).contains("Basic authentication is not supported",
                "switch the account to auth: oauth2");
        assertThat(legacy.accepted()).isEmpty();
    }

    @Test
    @Order(4)
    void quotaShowsTheAccountsDisabledByARefusedLoginWithTheReason() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String out = SecretsScanIT.cli("quota", "--config", configFile.toString());
            String legacyLine = out.lines().filter(l -> l.startsWith("legacy")).findFirst().orElse("");
            assertThat(legacyLine).contains("DISABLED: login refused (authentication_failed",
                    "5.7.30 Basic authentication is not supported", "switch the account to auth: oauth2");
            String appA = out.lines().filter(l -> l.startsWith("app-a")).findFirst().orElse("");
            assertThat(appA).contains("DISABLED: login refused", "invalid_client");
            assertThat(out.lines().filter(l -> l.startsWith("app-b")).findFirst().orElse("")).doesNotContain("DISABLED");
        });
    }
}
