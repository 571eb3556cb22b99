package io.mailpipe.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.oauth.AccessToken;
import io.mailpipe.oauth.AccessTokens;
import io.mailpipe.oauth.TokenException;

/**
 * How a session of an account logs in: with the account's password, or (with {@code auth: oauth2}) with SASL XOAUTH2
 * and the account's current access token, shared by all its sessions. When the server refuses the token (535, or a
 * 334 error challenge) the token is dropped and the login tried once more with a new one before the failure counts.
 * A token that cannot be had fails like a refused login when the token endpoint said no (AUTHENTICATION_FAILED: fix
 * the settings) and like a connection failure when it could not be asked (CONNECTION_FAILED: try again later).
 */
final class SmtpLogin {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpLogin.class);

    /** One connection and login, with this password or token. */
    interface Attempt<T> {
        T connect(String secret) throws MessagingException;
    }

    private SmtpLogin() {
    }

    /** Connects and logs in with the account's password or token, once more with a new token after a refusal. */
    static <T> T open(Account account, Attempt<T> attempt) throws MessagingException {
        AccessTokens tokens = account.oauth2();
        if (tokens == null) {
            return attempt.connect(account.password());
        }
        AccessToken token = token(account);
        try {
            return attempt.connect(token.value());
        } catch (AuthenticationFailedException refused) {
            if (!tokenRefused(refused)) {
                throw refused;
            }
            tokens.rejected(token);
            LOG.info("Account '{}': the server refused its access token ({}); logging in once more with a new token",
                    account.name(), oneLine(refused.getMessage()));
            return attempt.connect(token(account).value());
        }
    }

    /** The account's current access token, or the failure to get one in the shape the classifier reads. */
    static AccessToken token(Account account) throws MessagingException {
        try {
            return account.oauth2().current();
        } catch (TokenException e) {
            String message = "account " + account.name() + ": no OAuth2 access token: " + e.getMessage();
            if (e.kind() == TokenException.Kind.REFUSED) {
                throw new AuthenticationFailedException(message + "; check the account's oauth2 settings (client id,"
                        + " secret or certificate, refresh token, scope) and that the app may send as this mailbox");
            }
            throw new MessagingException(message, new IOException(e.getMessage(), e));
        }
    }

    /** The SASL XOAUTH2 initial response (Google's and Microsoft's format), base64. */
    static String xoauth2(String user, String token) {
        String response = "user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001";
        return Base64.getEncoder().encodeToString(response.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the server refused the credentials themselves (535, or a 334 XOAUTH2 error challenge). */
    static boolean tokenRefused(AuthenticationFailedException e) {
        SmtpReply reply = SmtpReply.parse(e.getMessage());
        return reply != null && (reply.code() == 535 || reply.code() == 334);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
