package io.mailpipe.config;

import java.time.Duration;
import java.util.List;

/**
 * Where an account or bounce mailbox with {@code auth: oauth2} gets its access tokens ({@code oauth2:} in mailpipe.yaml).
 * One {@code source}, and the fields it uses; a field another source uses is an error. Read by {@link OAuth2Logins}.
 *
 * @param source           clientCredentials (an application's own token: Microsoft 365 app-only access), refreshToken (a
 *                         user's delegated token: Gmail, Microsoft delegated, Yandex) or command (a program printing a token)
 * @param tokenUrl         the token endpoint (default: the preset's; with {@code tenant}, Microsoft Entra's)
 * @param tenant           Microsoft Entra tenant (directory id or domain, like contoso.onmicrosoft.com): the token URL
 *                         becomes https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token
 * @param clientId         the application (client) id (clientCredentials, refreshToken)
 * @param clientSecret     the client secret, written as {@code ${ENV_VAR}} (clientCredentials; refreshToken unless a public
 *                         client)
 * @param clientSecretFile a file holding the client secret, instead of clientSecret
 * @param certificateFile  clientCredentials only, instead of a secret: a PEM file with the application's certificate and
 *                         its unencrypted PKCS#8 private key; requests are signed (private-key JWT)
 * @param refreshToken     the refresh token (refreshToken), written as {@code ${ENV_VAR}}
 * @param refreshTokenFile a file holding the refresh token, instead of refreshToken
 * @param scope            the scope asked for (default: the preset's for the source and protocol; required for
 *                         clientCredentials without preset)
 * @param command          command: the program and its arguments; the first line it prints is the token
 * @param tokenLifetime    how long a token is used when its source does not say (a command's, or an endpoint answer
 *                         without expires_in); default PT5M
 */
public record OAuth2Settings(
        String source,
        String tokenUrl,
        String tenant,
        String clientId,
        String clientSecret,
        String clientSecretFile,
        String certificateFile,
        String refreshToken,
        String refreshTokenFile,
        String scope,
        List<String> command,
        Duration tokenLifetime) {

    /** Never shows a secret, a refresh token or the command's arguments. */
    @Override
    public String toString() {
        return "OAuth2Settings[" + source + (tokenUrl == null ? "" : " " + tokenUrl) + (tenant == null ? "" : " tenant=" + tenant)
                + (clientId == null ? "" : " clientId=" + clientId) + "]";
    }
}
