package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.SelfSignedTls;
import io.mailpipe.testing.TestWorkers;

/**
 * TLS through a real worker against real SMTP servers with certificates made at test time: certificates are verified
 * (a self-signed server is refused, with STARTTLS and with implicit TLS, unless the account names its certificate in
 * {@code trustedCertificate}), host names stay verified with a trusted certificate, {@code security: starttls} never
 * falls back to clear text, and a login never goes out unencrypted unless the account allows it.
 */
class TlsIT {

    static final String USER = "shop";
    static final String PASSWORD = "tls-it-pw";

    static SelfSignedTls localhost;
    static SelfSignedTls otherHost;
    static ScriptedSmtpServer starttls;       // STARTTLS, localhost certificate, AUTH required
    static ScriptedSmtpServer smtps;          // implicit TLS, localhost certificate
    static ScriptedSmtpServer wrongName;      // STARTTLS, certificate for other.example only
    static ScriptedSmtpServer noTls;          // no STARTTLS, AUTH required
    static ScriptedSmtpServer noTlsAllowed;   // no STARTTLS, AUTH required, account allows plaintext login
    static RunningPipeline pipeline;
    static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        localhost = SelfSignedTls.create("dns:localhost,ip:127.0.0.1");
        otherHost = SelfSignedTls.create("dns:other.example");
        starttls = ScriptedSmtpServer.withTls(localhost.context(), false, USER, PASSWORD);
        smtps = ScriptedSmtpServer.withTls(localhost.context(), true, null, null);
        wrongName = ScriptedSmtpServer.withTls(otherHost.context(), false, null, null);
        noTls = ScriptedSmtpServer.withLogin(USER, PASSWORD);
        noTlsAllowed = ScriptedSmtpServer.withLogin(USER, PASSWORD);
        String trusted = localhost.certificate().toString();
        log = LogCapture.begin();
        pipeline = RunningPipeline.start("tls", List.of(
                account("starttls-untrusted", starttls.port(), Security.STARTTLS, USER, null, false),
                account("starttls-trusted", starttls.port(), Security.STARTTLS, USER, trusted, false),
                account("smtps-untrusted", smtps.port(), Security.SSL, null, null, false),
                account("smtps-trusted", smtps.port(), Security.SSL, null, trusted, false),
                account("wrong-name", wrongName.port(), Security.STARTTLS, null, otherHost.certificate().toString(), false),
                account("starttls-missing", noTls.port(), Security.STARTTLS, null, null, false),
                account("plain-login", noTls.port(), Security.NONE, USER, null, false),
                account("plain-login-allowed", noTlsAllowed.port(), Security.NONE, USER, null, true),
                TestWorkers.account("plain", wrongName.port(), "Plain <plain@plain.example>", false, null)));
    }

    static Account account(String name, int port, Security security, String user, String trustedCertificate,
                           boolean allowPlaintextAuth) {
        return new Account(name, "localhost", port, security, user, user == null ? null : PASSWORD,
                "Tls <tls@tls.example>", false, Limits.NONE, null, null, Duration.ofSeconds(10))
                .withTls(trustedCertificate, allowPlaintextAuth);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (log != null) {
            log.close();
        }
        for (ScriptedSmtpServer s : new ScriptedSmtpServer[] {starttls, smtps, wrongName, noTls, noTlsAllowed}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static OutcomeEvent firstOutcome(String id, String account) {
        pipeline.send(id, "{\"id\":\"" + id + "\",\"account\":\"" + account
                + "\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> !pipeline.outcomesFor(id).isEmpty());
        return pipeline.outcomesFor(id).get(0);
    }

    @Test
    void selfSignedStartTlsServerIsRefusedWithAdvice() {
        OutcomeEvent first = firstOutcome("tls-1", "starttls-untrusted");
        assertThat(first.status()).isEqualTo(Status.DEFERRED);
        assertThat(first.reasonCode()).isEqualTo("tls_failed");
        assertThat(first.reason()).contains("certificate is not trusted").contains("trustedCertificate");
        assertThat(starttls.acceptedFor("tls-1")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream().anyMatch(l -> l.contains("tls-1")
                && l.contains("certificate is not trusted") && l.contains("trustedCertificate")));
    }

    @Test
    void namedCertificateIsTrustedAndTheLoginGoesOverTls() {
        pipeline.send("tls-2", "{\"id\":\"tls-2\",\"account\":\"starttls-trusted\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        assertThat(pipeline.awaitTerminal("tls-2")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
        assertThat(starttls.acceptedFor("tls-2")).isEqualTo(1);
        assertThat(starttls.authAttempts()).isEqualTo(1);
    }

    @Test
    void selfSignedSmtpsServerIsRefusedUnlessTrusted() {
        OutcomeEvent refused = firstOutcome("tls-3", "smtps-untrusted");
        assertThat(refused.reasonCode()).isEqualTo("tls_failed");
        assertThat(refused.reason()).contains("certificate is not trusted");
        assertThat(smtps.acceptedFor("tls-3")).isZero();

        pipeline.send("tls-4", "{\"id\":\"tls-4\",\"account\":\"smtps-trusted\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        assertThat(pipeline.awaitTerminal("tls-4")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
        assertThat(smtps.acceptedFor("tls-4")).isEqualTo(1);
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() {
        OutcomeEvent refused = firstOutcome("tls-5", "wrong-name");
        assertThat(refused.reasonCode()).isEqualTo("tls_failed");
        assertThat(refused.reason()).contains("does not name the host");
        assertThat(wrongName.acceptedFor("tls-5")).isZero();
    }

    @Test
    void startTlsIsNeverDowngradedToClearText() {
        OutcomeEvent refused = firstOutcome("tls-6", "starttls-missing");
        assertThat(refused.reasonCode()).isEqualTo("tls_failed");
        assertThat(refused.reason()).contains("does not offer STARTTLS");
        assertThat(noTls.acceptedFor("tls-6")).isZero();
    }

    @Test
    void aLoginIsNeverSentUnencryptedUnlessTheAccountAllowsIt() {
        OutcomeEvent refused = firstOutcome("tls-7", "plain-login");
        assertThat(refused.reasonCode()).isEqualTo("tls_failed");
        assertThat(refused.reason()).contains("does not offer STARTTLS").contains("allowPlaintextAuth");
        assertThat(noTls.acceptedFor("tls-7")).isZero();
        assertThat(noTls.authAttempts()).as("no AUTH reached the server").isZero();

        pipeline.send("tls-8", "{\"id\":\"tls-8\",\"account\":\"plain-login-allowed\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        assertThat(pipeline.awaitTerminal("tls-8")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
        assertThat(noTlsAllowed.authAttempts()).isEqualTo(1);
    }

    @Test
    void theSameServerWithoutTlsAcceptsPlainSmtpWhenTheAccountSaysSo() {
        pipeline.send("plain-1", "{\"id\":\"plain-1\",\"account\":\"plain\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        assertThat(pipeline.awaitTerminal("plain-1")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
        assertThat(wrongName.acceptedFor("plain-1")).isEqualTo(1);
    }
}
