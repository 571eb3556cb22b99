package io.mailpipe.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.mailpipe.testing.OAuth2TestServer;

/**
 * Token requests with the Nimbus SDK against a real OAuth 2.0 server (both grants), and against an endpoint that
 * misbehaves: errors name the endpoint and its answer, never a secret, and say whether to try again later.
 */
class EndpointTokenSourceTest {

    static OAuth2TestServer oauth;
    static HttpServer broken;
    static volatile int brokenStatus;
    static volatile String brokenBody;

    @BeforeAll
    static void start() throws IOException {
        oauth = new OAuth2TestServer(600);
        broken = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        broken.createContext("/token", ex -> {
            byte[] body = brokenBody.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(brokenStatus, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        broken.start();
    }

    @AfterAll
    static void stop() {
        oauth.close();
        broken.stop(0);
    }

    static URI brokenUrl() {
        return URI.create("http://127.0.0.1:" + broken.getAddress().getPort() + "/token");
    }

    @Test
    void clientCredentialsAndRefreshTokenGrantsGetTokensThatTheServerAccepts() throws Exception {
        Instant before = Instant.now();
        AccessToken app = EndpointTokenSource.clientCredentials(URI.create(oauth.tokenUrl()),
                new EndpointTokenSource.SecretClient("app", "secret"), "mail", Duration.ofSeconds(30), Duration.ofMinutes(5),
                Clock.systemUTC()).fetch();
        assertThat(oauth.check(app.value())).isNull();
        // expires_in counts whole seconds from the server's clock: within a few seconds of 600 s from the request
        assertThat(app.expiresAt()).isBetween(before.plusSeconds(595), Instant.now().plusSeconds(600));
        AccessToken user = EndpointTokenSource.refreshToken(URI.create(oauth.tokenUrl()),
                new EndpointTokenSource.PublicClient("desktop-app"), "refresh-1", null, Duration.ofSeconds(30),
                Duration.ofMinutes(5), Clock.systemUTC()).fetch();
        assertThat(oauth.check(user.value())).isNull();
    }

    @Test
    void aRefusalNamesTheEndpointAndItsErrorButNeverTheSecret() {
        brokenStatus = 401;
        brokenBody = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided:"
                + " TOPSECRET-42 is not the secret\"}";
        EndpointTokenSource source = EndpointTokenSource.clientCredentials(brokenUrl(),
                new EndpointTokenSource.SecretClient("app", "TOPSECRET-42"), "mail", Duration.ofSeconds(5), Duration.ofMinutes(5),
                Clock.systemUTC());
        assertThatThrownBy(source::fetch).isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.REFUSED))
                .hasMessage("the token endpoint " + brokenUrl() + " refused to issue a token: HTTP 401 invalid_client"
                        + " (AADSTS7000215: Invalid client secret provided: **** is not the secret)");
        assertThat(source.toString()).doesNotContain("TOPSECRET-42");
    }

    @Test
    void anEndpointThatFailsOnItsSideOrAnswersNonsenseIsTemporaryOrAConfigurationMistake() {
        EndpointTokenSource source = EndpointTokenSource.refreshToken(brokenUrl(), new EndpointTokenSource.SecretClient("app", "s"),
                "rt", null, Duration.ofSeconds(5), Duration.ofMinutes(5), Clock.systemUTC());
        brokenStatus = 503;
        brokenBody = "{\"error\":\"temporarily_unavailable\"}";
        assertThatThrownBy(source::fetch).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.UNAVAILABLE));
        brokenStatus = 404;
        brokenBody = "<html>not here</html>";
        assertThatThrownBy(source::fetch).isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.REFUSED))
                .hasMessageContaining("HTTP 404").hasMessageContaining("check the token URL");
        EndpointTokenSource nowhere = EndpointTokenSource.clientCredentials(URI.create("http://127.0.0.1:1/token"),
                new EndpointTokenSource.SecretClient("app", "s"), "mail", Duration.ofSeconds(2), Duration.ofMinutes(5),
                Clock.systemUTC());
        assertThatThrownBy(nowhere::fetch).isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.UNAVAILABLE))
                .hasMessageContaining("could not be reached");
    }
}
