package io.mailpipe.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import jakarta.mail.AuthenticationFailedException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.mailpipe.outcome.ReasonCode;

/**
 * A login refused because the provider wants another kind of login is an account-level AUTHENTICATION_FAILED whose
 * reason says what to change; a plain wrong password keeps the server's words only.
 */
class LoginRefusalAdviceTest {

    static Stream<Arguments> replies() {
        return Stream.of(
                arguments("550 5.7.30 Basic authentication is not supported for Client Submission.", "switch the account to auth: oauth2"),
                arguments("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
                        "enable authenticated SMTP for the mailbox"),
                arguments("530 5.7.57 Client not authenticated to send mail.", "auth: oauth2 (Microsoft 365) or a password"),
                arguments("534-5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor",
                        "create an app password"),
                arguments("334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIn0=", "refused the OAuth2 access token"),
                arguments("535 5.7.8 Username and Password not accepted.", null));
    }

    @ParameterizedTest
    @MethodSource("replies")
    void refusedLoginsSayWhatToChange(String reply, String advice) {
        SendFailure f = SmtpFailureClassifier.classify(new AuthenticationFailedException(reply));
        assertThat(f.reason()).isEqualTo(ReasonCode.AUTHENTICATION_FAILED);
        assertThat(f.scope()).isEqualTo(SendFailure.Scope.ACCOUNT);
        if (advice == null) {
            assertThat(f.detail()).isEqualTo("AUTH replied " + SmtpReply.parse(reply));
        } else {
            assertThat(f.detail()).startsWith("AUTH replied " + SmtpReply.parse(reply)).contains(advice);
        }
    }
}
