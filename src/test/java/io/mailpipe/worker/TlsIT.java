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
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.SelfSignedTls;
import io.mailpipe.testing.TestWorkers;

/** TLS certificates are verified: a server with a self-signed certificate is refused, nothing is sent to it. */
class TlsIT {

    static ScriptedSmtpServer smtp;
    static RunningPipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        smtp = ScriptedSmtpServer.withStartTls(SelfSignedTls.serverContext());
        Account starttls = new Account("starttls", "localhost", smtp.port(), Security.STARTTLS, null, null,
                "Tls <tls@tls.example>", false, Limits.NONE, null, null, Duration.ofSeconds(10));
        pipeline = RunningPipeline.start("tls", List.of(starttls,
                TestWorkers.account("plain", smtp.port(), "Plain <plain@plain.example>", false, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        smtp.close();
    }

    @Test
    void selfSignedCertificateIsRefused() {
        pipeline.send("tls-1", "{\"id\":\"tls-1\",\"account\":\"starttls\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> !pipeline.outcomesFor("tls-1").isEmpty());
        OutcomeEvent first = pipeline.outcomesFor("tls-1").get(0);
        assertThat(first.status()).isEqualTo(Status.DEFERRED);
        assertThat(first.reasonCode()).isEqualTo("tls_failed");
        assertThat(first.reason()).containsIgnoringCase("certificat");
        assertThat(smtp.acceptedFor("tls-1")).isZero();
    }

    @Test
    void theSameServerWithoutTlsAcceptsPlainSmtpWhenTheAccountSaysSo() {
        pipeline.send("plain-1", "{\"id\":\"plain-1\",\"account\":\"plain\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}");
        assertThat(pipeline.awaitTerminal("plain-1")).extracting(OutcomeEvent::status).containsExactly(Status.SENT);
        assertThat(smtp.acceptedFor("plain-1")).isEqualTo(1);
    }
}
