package io.mailpipe.oauth;

import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;

/**
 * Access tokens from an OAuth 2.0 token endpoint (RFC 6749 section 4.4 client credentials, or section 6 refresh token),
 * requested with the Nimbus OAuth 2.0 SDK. The client authenticates with a secret ({@code client_secret} in the body)
 * or a certificate (RFC 7523 private-key JWT, RS256, with the certificate's SHA-256 thumbprint in {@code x5t#S256}, as
 * Microsoft Entra expects), or not at all (a public client with a refresh token). A refresh token the endpoint rotates
 * is used for the next request (kept in memory only). Error messages name the endpoint and its OAuth error, never a
 * secret: any secret the endpoint's text might echo is masked.
 */
public final class EndpointTokenSource implements TokenSource {

    /** How the client proves who it is at the token endpoint. */
    public sealed interface Client permits SecretClient, CertificateClient, PublicClient {
        String clientId();
    }

    /** A client id and secret. */
    public record SecretClient(String clientId, String secret) implements Client {
        @Override
        public String toString() {
            return "SecretClient[" + clientId + ", ****]";
        }
    }

    /** A client id, its certificate and the certificate's private key (a private-key JWT is signed per request). */
    public record CertificateClient(String clientId, X509Certificate certificate, PrivateKey key) implements Client {
        @Override
        public String toString() {
            return "CertificateClient[" + clientId + ", " + certificate.getSubjectX500Principal() + "]";
        }
    }

    /** A client without a secret (a public client using a refresh token). */
    public record PublicClient(String clientId) implements Client {
    }

    private final URI endpoint;
    private final Client client;
    private final Scope scope;
    private final Duration timeout;
    private final Duration defaultLifetime;
    private final Clock clock;
    /** Null for the client credentials grant. */
    private volatile String refreshToken;

    private EndpointTokenSource(URI endpoint, Client client, String scope, String refreshToken, Duration timeout,
                                Duration defaultLifetime, Clock clock) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.client = Objects.requireNonNull(client, "client");
        this.scope = scope == null || scope.isBlank() ? null : Scope.parse(scope);
        this.refreshToken = refreshToken;
        this.timeout = timeout;
        this.defaultLifetime = defaultLifetime;
        this.clock = clock;
    }

    /** The client credentials grant: the application's own token (Microsoft 365 app-only access). */
    public static EndpointTokenSource clientCredentials(URI endpoint, Client client, String scope, Duration timeout,
                                                        Duration defaultLifetime, Clock clock) {
        if (client instanceof PublicClient) {
            throw new IllegalArgumentException("the client credentials grant needs a client secret or certificate");
        }
        return new EndpointTokenSource(endpoint, client, scope, null, timeout, defaultLifetime, clock);
    }

    /** The refresh token grant: a user's delegated token (Gmail, Microsoft delegated access, Yandex). */
    public static EndpointTokenSource refreshToken(URI endpoint, Client client, String refreshToken, String scope,
                                                   Duration timeout, Duration defaultLifetime, Clock clock) {
        Objects.requireNonNull(refreshToken, "refreshToken");
        return new EndpointTokenSource(endpoint, client, scope, refreshToken, timeout, defaultLifetime, clock);
    }

    @Override
    public AccessToken fetch() throws TokenException {
        // expires_in counts from when the endpoint answered, which is after the request was sent
        Instant requested = clock.instant();
        HTTPResponse http;
        try {
            HTTPRequest request = request().toHTTPRequest();
            int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            request.setConnectTimeout(ms);
            request.setReadTimeout(ms);
            http = request.send();
        } catch (IOException e) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "the token endpoint " + endpoint + " could not be"
                    + " reached: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + mask(e.getMessage())), e);
        }
        TokenResponse response;
        try {
            response = TokenResponse.parse(http);
        } catch (ParseException e) {
            throw new TokenException(kind(http.getStatusCode(), null), "the token endpoint " + endpoint + " answered HTTP "
                    + http.getStatusCode() + " without an OAuth 2.0 token response; check the token URL", null);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            if (error == null || error.getCode() == null) {
                throw new TokenException(kind(http.getStatusCode(), null), "the token endpoint " + endpoint + " answered HTTP "
                        + http.getStatusCode() + " without an OAuth 2.0 error; check the token URL", null);
            }
            String description = error.getDescription() == null ? "" : " (" + mask(error.getDescription()) + ")";
            throw new TokenException(kind(http.getStatusCode(), error.getCode()), "the token endpoint " + endpoint
                    + " refused to issue a token: HTTP " + http.getStatusCode() + " " + error.getCode() + description, null);
        }
        AccessTokenResponse ok = response.toSuccessResponse();
        RefreshToken rotated = ok.getTokens().getRefreshToken();
        if (refreshToken != null && rotated != null) {
            refreshToken = rotated.getValue();
        }
        com.nimbusds.oauth2.sdk.token.AccessToken token = ok.getTokens().getAccessToken();
        Duration lifetime = token.getLifetime() > 0 ? Duration.ofSeconds(token.getLifetime()) : defaultLifetime;
        return new AccessToken(token.getValue(), requested.plus(lifetime));
    }

    private TokenRequest request() throws TokenException {
        AuthorizationGrant grant = refreshToken == null ? new ClientCredentialsGrant()
                : new RefreshTokenGrant(new RefreshToken(refreshToken));
        ClientID id = new ClientID(client.clientId());
        if (client instanceof SecretClient s) {
            return new TokenRequest(endpoint, new ClientSecretPost(id, new Secret(s.secret())), grant, scope);
        }
        if (client instanceof CertificateClient c) {
            return new TokenRequest(endpoint, privateKeyJwt(id, c), grant, scope);
        }
        return new TokenRequest(endpoint, id, grant, scope);
    }

    private PrivateKeyJWT privateKeyJwt(ClientID id, CertificateClient c) throws TokenException {
        try {
            Base64URL thumbprint = Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(c.certificate().getEncoded()));
            return new PrivateKeyJWT(id, endpoint, JWSAlgorithm.RS256, c.key(), null, List.of(), thumbprint, null);
        } catch (JOSEException | NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new TokenException(TokenException.Kind.REFUSED, "cannot sign the client assertion for " + endpoint
                    + " with the configured certificate's key: " + e.getClass().getSimpleName(), e);
        }
    }

    /** 5xx, 429 and the errors RFC 6749 calls temporary are worth another try later; everything else needs a fix. */
    private static TokenException.Kind kind(int status, String code) {
        if (status >= 500 || status == 429 || "temporarily_unavailable".equals(code) || "server_error".equals(code)) {
            return TokenException.Kind.UNAVAILABLE;
        }
        return TokenException.Kind.REFUSED;
    }

    /** The text with every secret this source knows replaced by ****. */
    private String mask(String text) {
        String out = text;
        if (client instanceof SecretClient s && !s.secret().isEmpty()) {
            out = out.replace(s.secret(), "****");
        }
        String rt = refreshToken;
        if (rt != null && !rt.isEmpty()) {
            out = out.replace(rt, "****");
        }
        return out;
    }

    @Override
    public String describe() {
        return endpoint.toString();
    }

    @Override
    public String toString() {
        return "EndpointTokenSource[" + endpoint + ", " + client + (refreshToken == null ? "" : ", refresh token ****") + "]";
    }
}
