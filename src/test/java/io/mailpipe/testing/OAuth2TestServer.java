package io.mailpipe.testing;

import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;

/**
 * A real OAuth 2.0 authorization server for tests (NAV's mock-oauth2-server): it issues signed JWT access tokens that
 * expire after {@code lifetime} seconds, for the client credentials and the refresh token grant, at
 * {@link #tokenUrl()}. A client can be revoked (its token requests are then refused with {@code invalid_client}), and
 * {@link #check(String)} verifies a token as a mail server would: signature (the server's JWKS), expiry to the second,
 * and revocation.
 */
public final class OAuth2TestServer implements AutoCloseable {

    public static final String ISSUER = "mail";

    private final MockOAuth2Server server;
    private final Set<String> revokedClients = ConcurrentHashMap.newKeySet();
    private final Set<String> revokedTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private volatile DefaultJWTProcessor<SecurityContext> verifier;

    /** @param lifetimeSeconds how long each issued access token lives */
    public OAuth2TestServer(long lifetimeSeconds) {
        OAuth2Config config = new OAuth2Config(false, null, null, false,
                new no.nav.security.mock.oauth2.token.OAuth2TokenProvider(),
                Set.of(new DefaultOAuth2TokenCallback(ISSUER, "mailbox-owner", "JWT", List.of("mail"), Map.of(), lifetimeSeconds)));
        server = new MockOAuth2Server(config, new TokenRequests());
        server.start();
    }

    /** The token endpoint. */
    public String tokenUrl() {
        return server.tokenEndpointUrl(ISSUER).toString();
    }

    /** Token requests so far (granted or refused). */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** From now on, token requests of this client are refused (401 invalid_client), and its tokens no longer pass. */
    public void revokeClient(String clientId) {
        revokedClients.add(clientId);
    }

    /** This token no longer passes {@link #check} (an administrator revoked the session). */
    public void revokeToken(String token) {
        revokedTokens.add(token);
    }

    /**
     * What a mail server makes of a token: null when it is valid (signed by this server, not expired, not revoked),
     * else why not.
     */
    public String check(String token) {
        if (revokedTokens.contains(token)) {
            return "revoked";
        }
        try {
            JWTClaimsSet claims = verifier().process(token, null);
            String azp = claims.getStringClaim("azp");
            if (revokedClients.contains(claims.getSubject()) || azp != null && revokedClients.contains(azp)) {
                return "client revoked";
            }
            return claims.getExpirationTime().toInstant().isAfter(Instant.now()) ? null : "expired";
        } catch (Exception e) {
            return "invalid: " + e.getClass().getSimpleName();
        }
    }

    private DefaultJWTProcessor<SecurityContext> verifier() throws Exception {
        if (verifier == null) {
            DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
            JWKSet keys = JWKSet.load(new URL(server.jwksUrl(ISSUER).toString()));
            p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
            // expiry is checked here to the second; the library's check allows a minute of clock skew
            p.setJWTClaimsSetVerifier((claims, context) -> {
            });
            verifier = p;
        }
        return verifier;
    }

    @Override
    public void close() {
        server.shutdown();
    }

    /** Counts token requests and answers those of revoked clients; the server's own routes answer the rest. */
    private final class TokenRequests implements Route {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            if (!"POST".equals(request.getMethod()) || !request.getUrl().encodedPath().endsWith("/token")) {
                return false;
            }
            tokenRequests.incrementAndGet();
            return revokedClients.contains(request.getFormParameters().get("client_id"));
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 401,
                    "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided client secret keys"
                            + " for app '" + request.getFormParameters().get("client_id") + "' are expired or revoked.\"}", null);
        }
    }
}
