package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.OAuth2TestServer;
import io.mailpipe.testing.TestWorkers;
import io.mailpipe.testing.XOAuth2GreenMail;
import io.mailpipe.worker.Worker;

/**
 * A bounce mailbox with {@code auth: oauth2}: the worker's IMAP poller logs in with SASL XOAUTH2 and a token from a real
 * OAuth 2.0 server (refresh token grant), against an IMAP server that checks every token; when the server stops taking
 * the cached token, the poller gets a new one and polls again at once, without a failed poll.
 */
class OAuth2ImapIT {

    @Test
    void pollsWithAnAccessTokenAndRenewsARefusedOne() throws Exception {
        try (OAuth2TestServer oauth = new OAuth2TestServer(3600)) {
            XOAuth2GreenMail mail = new XOAuth2GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)},
                    oauth::check);
            mail.start();
            try {
                GreenMailUser box = mail.setUser("bounces@o365.test", "bounces@o365.test", "not-used");
                KafkaSettings.Topics topics = TestWorkers.topics("oauth2-imap");
                MailpipeConfig parsed = MailpipeConfig.parse("""
                        accounts: [{name: x, host: 127.0.0.1, port: 1, security: none, from: x@x.example}]
                        bounces:
                          - name: o365
                            protocol: imap
                            allowPlaintextAuth: true
                            host: 127.0.0.1
                            port: %d
                            username: bounces@o365.test
                            auth: oauth2
                            oauth2: {source: refreshToken, tokenUrl: "%s", clientId: imap-app, refreshToken: r-1}
                            pollInterval: PT1S
                        """.formatted(mail.getImap().getPort(), oauth.tokenUrl()), k -> null, "t.yaml");
                MailpipeConfig config = TestWorkers.config(topics, parsed.accounts()).withBounces(parsed.bounces());
                try (LogCapture log = LogCapture.begin();
                     Worker worker = Worker.start(config);
                     KafkaIO.Collector bounces = new KafkaIO.Collector(topics.bounces())) {
                    box.deliver(message(Reports.hardBounce("report-1@mx.example.org", "gone@example.org", "Subject: hi")));
                    await().atMost(Duration.ofSeconds(60)).until(() -> bounces.records().size() == 1);
                    assertThat(mail.acceptedTokens()).isNotEmpty();
                    assertThat(mail.refusals()).isEmpty();

                    // the server stops taking the token the poller has (revoked, or expired early)
                    mail.acceptedTokens().forEach(oauth::revokeToken);
                    int tokensBefore = oauth.tokenRequests();
                    box.deliver(message(Reports.hardBounce("report-2@mx.example.org", "left@example.org", "Subject: hi")));
                    await().atMost(Duration.ofSeconds(60)).until(() -> bounces.records().size() == 2);
                    // the refused token's login (the mail client may try it more than once in that poll), then a new token
                    assertThat(mail.refusals()).isNotEmpty().allMatch("revoked"::equals);
                    assertThat(oauth.tokenRequests() - tokensBefore).isEqualTo(1);
                    assertThat(log.text()).contains("bounce mailbox o365: the server refused the access token; polling once"
                            + " more with a new one").doesNotContain("poll failed");
                    assertThat(List.of(new String(bounces.records().get(1).value()))).singleElement().asString()
                            .contains("left@example.org");
                }
            } finally {
                mail.stop();
            }
        }
    }

    private static MimeMessage message(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }
}
