package io.mailpipe.smtp;

import static io.mailpipe.smtp.SmtpTestMessages.message;
import static io.mailpipe.smtp.SmtpTestMessages.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mailpipe.account.Account;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.SmtpSettings;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.testing.OAuth2TestServer;
import io.mailpipe.testing.ScriptedSmtpServer;

/**
 * SASL XOAUTH2 in both SMTP clients and the one-connection Angus sender, against a real OAuth 2.0 server (tokens signed,
 * verified by the SMTP server with the OAuth server's keys) and an SMTP server that offers only XOAUTH2 and answers a
 * bad token the way Gmail does (334 challenge, then 535).
 */
class XOAuth2LoginTest {

    static final String MAILBOX = "shop@o365.test";
    static final String SECRET = "client-secret-for-tests";
    static OAuth2TestServer oauth;
    ScriptedSmtpServer smtp;

    @BeforeAll
    static void startOAuth() {
        oauth = new OAuth2TestServer(3600);
    }

    @AfterAll
    static void stopOAuth() {
        oauth.close();
    }

    @AfterEach
    void stopSmtp() {
        if (smtp != null) {
            smtp.close();
        }
    }

    /** An account as mailpipe.yaml would give it: auth oauth2, client credentials from the test server. */
    static Account account(int port, String clientId) {
        return MailpipeConfig.parse("""
                accounts:
                  - name: o365
                    host: 127.0.0.1
                    port: %d
                    security: none
                    allowPlaintextAuth: true
                    username: %s
                    auth: oauth2
                    oauth2: {source: clientCredentials, tokenUrl: "%s", clientId: %s, clientSecret: %s, scope: mail}
                """.formatted(port, MAILBOX, oauth.tokenUrl(), clientId, SECRET), k -> null, "t.yaml").accounts().get(0);
    }

    private static Sender sender(String kind, Account account) {
        return switch (kind) {
            case "one-shot" -> new Sender(new AccountMailSender(account)::send, () -> { });
            default -> {
                PooledMailSender pooled = new PooledMailSender(account, settings(kind.equals("jakarta") ? SmtpSettings.JAKARTA
                        : SmtpSettings.PIPELINING, 1, Duration.ofSeconds(30)));
                yield new Sender(pooled::send, pooled::close);
            }
        };
    }

    /** A way to send and to stop. */
    private record Sender(Send send, Runnable close) {
        interface Send {
            void send(jakarta.mail.internet.MimeMessage m) throws jakarta.mail.MessagingException;
        }
    }

    /** Sends one message that fails; how the classifier reads the failure. */
    private static SendFailure failureOfOneSend(String kind, Account account) {
        Sender s = sender(kind, account);
        try {
            return SmtpFailureClassifier.classify(catchThrowable(() -> s.send().send(message(account, "one", "a@example.com"))));
        } finally {
            s.close().run();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipelining", "jakarta", "one-shot"})
    void sendsWithTheAccountsAccessTokenSharedBySessions(String kind) throws Exception {
        smtp = ScriptedSmtpServer.withXoauth2(MAILBOX, oauth::check);
        Account account = account(smtp.port(), "app-" + kind);
        int requestsBefore = oauth.tokenRequests();
        Sender s = sender(kind, account);
        try {
            s.send().send(message(account, "one", "a@example.com"));
            s.send().send(message(account, "two", "b@example.com"));
        } finally {
            s.close().run();
        }
        assertThat(smtp.accepted()).hasSize(2);
        assertThat(smtp.authAttempts()).as("each message on its own session here").isEqualTo(2);
        assertThat(smtp.tokensAccepted()).as("both sessions used the one cached token").hasSize(1);
        assertThat(oauth.tokenRequests() - requestsBefore).isEqualTo(1);
        assertThat(smtp.tokenRefusals()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipelining", "jakarta", "one-shot"})
    void aRefusedTokenIsReplacedOnceAndTheMessageGoesOut(String kind) throws Exception {
        smtp = ScriptedSmtpServer.withXoauth2(MAILBOX, oauth::check);
        Account account = account(smtp.port(), "app-renew-" + kind);
        Sender s = sender(kind, account);
        try {
            s.send().send(message(account, "one", "a@example.com"));
            String first = smtp.tokensAccepted().iterator().next();
            oauth.revokeToken(first); // the server no longer takes the cached token (revoked, or expired early)
            s.send().send(message(account, "two", "b@example.com"));
        } finally {
            s.close().run();
        }
        assertThat(smtp.accepted()).hasSize(2);
        assertThat(smtp.tokenRefusals()).containsExactly("revoked");
        assertThat(smtp.tokensAccepted()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipelining", "jakarta", "one-shot"})
    void aRevokedClientIsAnAuthenticationFailureNamingTheEndpointsAnswer(String kind) throws Exception {
        smtp = ScriptedSmtpServer.withXoauth2(MAILBOX, oauth::check);
        String client = "app-revoked-" + kind;
        oauth.revokeClient(client);
        SendFailure f = failureOfOneSend(kind, account(smtp.port(), client));
        assertThat(f.reason()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
        assertThat(f.scope()).isEqualTo(SendFailure.Scope.ACCOUNT);
        assertThat(f.detail()).contains("account o365", oauth.tokenUrl(), "invalid_client", "AADSTS7000222",
                "check the account's oauth2 settings").doesNotContain(SECRET);
        assertThat(smtp.authAttempts()).as("no login was tried without a token").isZero();
        assertThat(smtp.accepted()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipelining", "jakarta", "one-shot"})
    void aRefusedBasicLoginSaysToSwitchToOAuth2(String kind) throws Exception {
        smtp = ScriptedSmtpServer.refusingPasswordLogins(550, "5.7.30 Basic authentication is not supported for Client Submission.");
        Account account = SmtpTestMessages.account(smtp.port(), io.mailpipe.account.Security.NONE,
                io.mailpipe.account.Limits.NONE, MAILBOX, "a-password").withTls(null, true);
        SendFailure f = failureOfOneSend(kind, account);
        assertThat(f.reason()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
        assertThat(f.scope()).isEqualTo(SendFailure.Scope.ACCOUNT);
        assertThat(f.reply().enhanced()).isEqualTo("5.7.30");
        assertThat(f.detail()).contains("Basic authentication is not supported", "switch the account to auth: oauth2");
        // mailpipe's client tries one mechanism; Angus tries each one both sides know (PLAIN, then LOGIN)
        assertThat(smtp.authAttempts()).isEqualTo(kind.equals("pipelining") ? 1 : 2);
        assertThat(smtp.accepted()).isEmpty();
    }
}
