package io.mailpipe.smtp;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure.Scope;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Replies of real providers, as they publish them or as they are widely quoted in their help pages and forums, each
 * answered in the phase named and wrapped the way Angus 2.0.5 reports it: is the account, a recipient or the
 * message to blame? (issue 3: a busy account is not a dead recipient).
 *
 * <p>Where the exact wording is not confirmed by a public source the line says so ({@code unverified}); its
 * classification rests on the words it shares with confirmed replies.
 */
class SmtpProviderRepliesTest {

    /** provider | phase | reply | reason | scope; the reply is one line, as the server sent it. */
    private static final String TABLE = """
            # --- mail.ru (smtp.mail.ru)
            mail.ru | DATA | 550 spam message rejected. Please visit http://help.mail.ru/notspam-support/id?c=AbCdEf or report details to abuse@corp.mail.ru. Error code: 1A2B3C. ID: 0000000. | ACCOUNT_BLOCKED | ACCOUNT
            mail.ru | DATA | 451 Ratelimit exceeded for mailbox shop@mail.ru. Try again later. | RATE_LIMITED | ACCOUNT
            mail.ru | MAIL | 550 message sending for this account is disabled | ACCOUNT_BLOCKED | ACCOUNT
            mail.ru | DATA | 554 5.7.1 Message rejected under suspicion of SPAM | ACCOUNT_BLOCKED | ACCOUNT
            mail.ru | DATA | 451 4.7.1 Try again later | RATE_LIMITED | ACCOUNT
            mail.ru (553 after a burst, wording unverified) | MAIL | 553 5.7.1 Too many messages sent, try again later | RATE_LIMITED | ACCOUNT
            mail.ru | MAIL | 550 not local sender over smtp | MESSAGE_REJECTED | MESSAGE
            mail.ru | DATA | 550 5.7.1 This message was not accepted due to domain owner DMARC policy (RFC 7489) https://help.mail.ru/mail-help/postmaster/dmarc | MESSAGE_REJECTED | MESSAGE
            mail.ru | RCPT | 550 Message was not accepted -- invalid mailbox.  Local mailbox nobody@mail.ru is unavailable: user not found | RECIPIENT_REJECTED | RECIPIENT
            mail.ru | RCPT | 550 Message was not accepted -- invalid mailbox.  Local mailbox gone@mail.ru is unavailable: account is disabled | RECIPIENT_REJECTED | RECIPIENT
            mail.ru | AUTH | 535 5.7.0 NEOBHODIM PAROL PRILOZHENIYA https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED | AUTHENTICATION_FAILED | ACCOUNT
            # --- Yandex (smtp.yandex.ru)
            Yandex | DATA | 554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc 1700000000-AbCdEfGh1 | ACCOUNT_BLOCKED | ACCOUNT
            Yandex | AUTH | 535 5.7.8 Error: authentication failed: Invalid user or password! | AUTHENTICATION_FAILED | ACCOUNT
            Yandex | AUTH | 535 5.7.8 Error: authentication failed: This user does not have access rights to this service | AUTHENTICATION_FAILED | ACCOUNT
            Yandex | MAIL | 553 5.7.1 Sender address rejected: not owned by auth user. | MESSAGE_REJECTED | MESSAGE
            Yandex | MAIL | 451 4.7.1 Sorry, the service is currently unavailable. Please come back later. | RATE_LIMITED | ACCOUNT
            Yandex | RCPT | 550 5.7.1 No such user! | RECIPIENT_REJECTED | RECIPIENT
            Yandex | RCPT | 550 5.7.1 Policy rejection on the target address | RECIPIENT_REJECTED | RECIPIENT
            Yandex | RCPT | 552 5.2.2 Mailbox size limit exceeded | RECIPIENT_REJECTED | RECIPIENT
            # --- Rambler (Postfix-style replies; wording unverified except the HELO one)
            Rambler | RCPT | 554 5.7.1 Helo command rejected | ACCOUNT_BLOCKED | ACCOUNT
            Rambler (unverified) | AUTH | 535 5.7.8 Error: authentication failed: authentication failure | AUTHENTICATION_FAILED | ACCOUNT
            Rambler (unverified) | RCPT | 550 5.1.1 <nobody@rambler.ru>: Recipient address rejected: User unknown in virtual mailbox table | RECIPIENT_REJECTED | RECIPIENT
            Rambler (unverified) | DATA | 550 5.7.1 Message rejected as spam | ACCOUNT_BLOCKED | ACCOUNT
            # --- Gmail (smtp.gmail.com, Gmail MX)
            Gmail | MAIL | 550 5.4.5 Daily user sending quota exceeded. https://support.google.com/a/answer/166852 - gsmtp | RATE_LIMITED | ACCOUNT
            Gmail | DATA | 550 5.4.5 Daily sending quota exceeded. - gsmtp | RATE_LIMITED | ACCOUNT
            Gmail | CONNECT | 421 4.7.0 Try again later, closing connection. (EHLO) - gsmtp | RATE_LIMITED | ACCOUNT
            Gmail | CONNECT | 421 4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. | RATE_LIMITED | ACCOUNT
            Gmail | AUTH | 535 5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials - gsmtp | AUTHENTICATION_FAILED | ACCOUNT
            Gmail | AUTH | 534 5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor - gsmtp | AUTHENTICATION_FAILED | ACCOUNT
            Gmail | AUTH | 454 4.7.0 Too many login attempts, please try again later. - gsmtp | RATE_LIMITED | ACCOUNT
            Gmail | MAIL | 530 5.7.0 Authentication Required. Learn more at https://support.google.com/mail/?p=WantAuthError - gsmtp | AUTHENTICATION_FAILED | ACCOUNT
            Gmail | RCPT | 550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp | RECIPIENT_REJECTED | RECIPIENT
            Gmail | RCPT | 552 5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp | RECIPIENT_REJECTED | RECIPIENT
            Gmail | DATA | 552 5.2.2 The email account that you tried to reach is over quota. - gsmtp | MESSAGE_REJECTED | RECIPIENT
            Gmail | RCPT | 452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp | TEMPORARY_FAILURE | RECIPIENT
            Gmail | RCPT | 550 5.2.1 The email account that you tried to reach is disabled. - gsmtp | RECIPIENT_REJECTED | RECIPIENT
            Gmail | RCPT | 450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time. - gsmtp | TEMPORARY_FAILURE | RECIPIENT
            Gmail | RCPT | 452 4.5.3 Your message has too many recipients. For more information regarding Google's sending limits, visit https://support.google.com/mail/?p=TooManyRecipientsError - gsmtp | TEMPORARY_FAILURE | RECIPIENT
            Gmail | DATA | 550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. - gsmtp | MESSAGE_REJECTED | MESSAGE
            Gmail | DATA | 550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. - gsmtp | MESSAGE_REJECTED | MESSAGE
            Gmail | DATA | 550 5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. - gsmtp | ACCOUNT_BLOCKED | ACCOUNT
            Gmail | DATA | 552 5.7.0 This message was blocked because its content presents a potential security issue. - gsmtp | MESSAGE_REJECTED | MESSAGE
            # --- Postfix (and Postfix with rspamd/mailcow)
            Postfix | RCPT | 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table | RECIPIENT_REJECTED | RECIPIENT
            Postfix | RCPT | 450 4.1.1 <nobody@example.com>: Recipient address rejected: unverified address: host mx.example.net said: 550 5.1.1 User unknown | TEMPORARY_FAILURE | RECIPIENT
            Postfix | RCPT | 450 4.2.0 <later@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html | TEMPORARY_FAILURE | RECIPIENT
            Postfix | RCPT | 452 4.5.3 Error: too many recipients | TEMPORARY_FAILURE | RECIPIENT
            Postfix | RCPT | 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1 | ACCOUNT_BLOCKED | ACCOUNT
            Postfix | RCPT | 554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied | ACCOUNT_BLOCKED | ACCOUNT
            Postfix | RCPT | 553 5.7.1 <shop@example.com>: Sender address rejected: not owned by user shop@example.org | MESSAGE_REJECTED | MESSAGE
            Postfix | MAIL | 553 5.7.1 <shop@example.com>: Sender address rejected: not owned by user shop@example.org | MESSAGE_REJECTED | MESSAGE
            Postfix | MAIL | 450 4.1.8 <shop@nowhere.example>: Sender address rejected: Domain not found | TEMPORARY_FAILURE | MESSAGE
            Postfix | DATA | 552 5.3.4 Message size exceeds fixed limit | MESSAGE_REJECTED | MESSAGE
            Postfix | DATA | 451 4.3.0 Error: queue file write error | TEMPORARY_FAILURE | UNEXPLAINED
            Postfix | CONNECT | 421 4.7.0 mx.example.com Error: too many connections from 192.0.2.1 | RATE_LIMITED | ACCOUNT
            Postfix | DATA | 421 4.3.0 mx.example.com Service not available, closing transmission channel | TEMPORARY_FAILURE | ACCOUNT
            Postfix (mailcow) | DATA | 451 4.7.1 Ratelimit "user" exceeded | RATE_LIMITED | ACCOUNT
            Postfix (mailcow) | RCPT | 550 5.7.1 <x@example.org>: rate limit exceeded | RATE_LIMITED | ACCOUNT
            # --- Exchange Server / Exchange Online (Office 365) / Outlook.com
            Exchange Online | AUTH | 550 5.7.30 Basic authentication is not supported for Client Submission. | AUTHENTICATION_FAILED | ACCOUNT
            Exchange Online | AUTH | 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [SN4PR0601CA0002.namprd06.prod.outlook.com] | AUTHENTICATION_FAILED | ACCOUNT
            Exchange Online | AUTH | 535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0551.namprd03.prod.outlook.com] | AUTHENTICATION_FAILED | ACCOUNT
            Exchange Online | MAIL | 530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful [DM6PR02CA0123.namprd02.prod.outlook.com] | AUTHENTICATION_FAILED | ACCOUNT
            Exchange Online | AUTH | 535 5.7.3 Authentication unsuccessful [AM0PR04CA0084.eurprd04.prod.outlook.com] | AUTHENTICATION_FAILED | ACCOUNT
            Gmail (XOAUTH2 error challenge) | AUTH | 334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ== | AUTHENTICATION_FAILED | ACCOUNT
            Exchange | RCPT | 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient nobody@contoso.com not found by SMTP address lookup | RECIPIENT_REJECTED | RECIPIENT
            Exchange | RCPT | 554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded | RECIPIENT_REJECTED | RECIPIENT
            Exchange | MAIL | 550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. | ACCOUNT_BLOCKED | ACCOUNT
            Exchange | MAIL | 550 5.7.705 Access denied, tenant has exceeded threshold. | ACCOUNT_BLOCKED | ACCOUNT
            Exchange | DATA | 550 5.7.501 Access denied, spam abuse detected. The sending account has been banned due to detected spam activity. | ACCOUNT_BLOCKED | ACCOUNT
            Exchange | MAIL | 550 5.1.8 Access denied, bad outbound sender. | ACCOUNT_BLOCKED | ACCOUNT
            Exchange | CONNECT | 451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77719) | RATE_LIMITED | ACCOUNT
            Exchange | DATA | 554 5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; Failed to process message due to a permanent exception with message WASCL UserAction verdict is not None. | ACCOUNT_BLOCKED | ACCOUNT
            Exchange | DATA | 554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message. | RATE_LIMITED | ACCOUNT
            Exchange | DATA | 550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555) | MESSAGE_REJECTED | MESSAGE
            Exchange | DATA | 554 5.2.252 SendAsDenied; shop@contoso.com not allowed to send as other@contoso.com | MESSAGE_REJECTED | MESSAGE
            Exchange | MAIL | 550 5.7.60 SMTP; Client does not have permissions to send as this sender | MESSAGE_REJECTED | MESSAGE
            Exchange | AUTH | 535 5.7.3 Authentication unsuccessful | AUTHENTICATION_FAILED | ACCOUNT
            Exchange | AUTH | 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. | AUTHENTICATION_FAILED | ACCOUNT
            Exchange | MAIL | 530 5.7.57 Client not authenticated to send mail. | AUTHENTICATION_FAILED | ACCOUNT
            Outlook.com | RCPT | 550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). | ACCOUNT_BLOCKED | ACCOUNT
            """;

    static Stream<Arguments> replies() {
        List<Arguments> rows = new ArrayList<>();
        for (String line : TABLE.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(" \\| ");
            if (cells.length != 5) {
                throw new IllegalArgumentException("not provider | phase | reply | reason | scope: " + line);
            }
            rows.add(arguments(cells[0].strip(), SmtpPhase.valueOf(cells[1].strip()), cells[2].strip(),
                    ReasonCode.valueOf(cells[3].strip()), Scope.valueOf(cells[4].strip())));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("replies")
    void classifies(String provider, SmtpPhase phase, String reply, ReasonCode reason, Scope scope) throws Exception {
        SendFailure result = SmtpFailureClassifier.classify(thrownAt(phase, reply));

        assertThat(result.reason()).as("reason").isEqualTo(reason);
        assertThat(result.scope()).as("scope").isEqualTo(scope);
        assertThat(result.reply()).as("the reply that decided").isEqualTo(SmtpReply.parse(reply));
    }

    @Test
    void tableIsLargeAndCoversEveryProviderAndPhase() {
        List<Arguments> rows = replies().toList();

        assertThat(rows).hasSizeGreaterThanOrEqualTo(40);
        assertThat(rows).extracting(a -> ((String) a.get()[0]).split(" ")[0]).contains(
                "mail.ru", "Yandex", "Rambler", "Gmail", "Postfix", "Exchange");
        assertThat(rows).extracting(a -> (SmtpPhase) a.get()[1]).contains(SmtpPhase.values());
        assertThat(rows).extracting(a -> (ReasonCode) a.get()[3]).contains(ReasonCode.RATE_LIMITED,
                ReasonCode.ACCOUNT_BLOCKED, ReasonCode.AUTHENTICATION_FAILED, ReasonCode.RECIPIENT_REJECTED,
                ReasonCode.MESSAGE_REJECTED, ReasonCode.TEMPORARY_FAILURE);
    }

    // --- a refusal at RCPT TO that is the account's decides for the whole send

    @Test
    void accountLevelRefusalAtRcptMakesTheWholeFailureTheAccounts() throws Exception {
        InternetAddress unknown = address("nobody@example.com");
        InternetAddress limited = address("next@example.com");
        SendFailure result = SmtpFailureClassifier.classify(new SendFailedException("Invalid Addresses",
                chain(rcpt(unknown, "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown\n"),
                        rcpt(limited, "550 5.7.1 <next@example.com>: rate limit exceeded\n")),
                null, arr(), arr(unknown, limited)));

        assertThat(result.reason()).isEqualTo(ReasonCode.RATE_LIMITED);
        assertThat(result.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(result.reply().enhanced()).isEqualTo("5.7.1");
        assertThat(result.rejectedRecipients()).extracting(RecipientFailure::address)
                .containsExactly("nobody@example.com", "next@example.com");
    }

    @Test
    void partialAcceptanceCutShortByARateLimitIsTheAccounts() throws Exception {
        InternetAddress first = address("first@example.com");
        InternetAddress rest = address("rest@example.com");
        // sendpartial: RCPT first 250, RCPT rest 451 ratelimit, DATA accepted
        SendFailure result = SmtpFailureClassifier.classify(new SMTPSendFailedException(".", 250, "250 2.0.0 Ok\n",
                rcpt(rest, "451 4.7.1 Ratelimit \"user\" exceeded\n"), arr(first), arr(rest), arr()));

        assertThat(result.reason()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(result.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(result.rejectedRecipients()).extracting(RecipientFailure::address).containsExactly("rest@example.com");
    }

    @Test
    void partialAcceptanceOverTheRecipientLimitIsNotTheAccounts() throws Exception {
        InternetAddress first = address("first@example.com");
        InternetAddress rest = address("rest@example.com");
        SendFailure result = SmtpFailureClassifier.classify(new SMTPSendFailedException(".", 250, "250 2.0.0 Ok\n",
                rcpt(rest, "452 4.5.3 Error: too many recipients\n"), arr(first), arr(rest), arr()));

        assertThat(result.reason()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(result.scope()).isEqualTo(Scope.RECIPIENT);
    }

    // --- helpers

    /** The exception Angus' SMTPTransport throws when {@code reply} answers the command of {@code phase}. */
    private static Throwable thrownAt(SmtpPhase phase, String reply) throws AddressException {
        String raw = reply + "\n";
        int code = Integer.parseInt(reply.substring(0, 3));
        InternetAddress sender = address("shop@example.com");
        InternetAddress recipient = address("someone@example.com");
        return switch (phase) {
            // Authenticator.authenticate(): the last server response
            case AUTH -> new AuthenticationFailedException(raw);
            // issueCommand() for EHLO/HELO/STARTTLS: a MessagingException with the response
            case CONNECT -> new MessagingException(raw);
            // mailFrom(): issueSendCommand("MAIL FROM:...", 250); a 5xx chains an SMTPSenderFailedException
            case MAIL -> new SMTPSendFailedException("MAIL FROM:<shop@example.com>", code, raw,
                    code >= 500 ? new SMTPSenderFailedException(sender, "MAIL FROM:<shop@example.com>", code, raw) : null,
                    null, null, null);
            // rcptTo() with the only recipient refused: 5xx invalid, 4xx valid but unsent
            case RCPT -> new SendFailedException("Invalid Addresses", rcpt(recipient, raw), null,
                    code >= 500 ? arr() : arr(recipient), code >= 500 ? arr(recipient) : arr());
            // finishData(): issueSendCommand(".", 250)
            case DATA -> new SMTPSendFailedException(".", code, raw, null, arr(recipient), null, null);
        };
    }

    private static InternetAddress address(String value) throws AddressException {
        return new InternetAddress(value);
    }

    private static Address[] arr(Address... addresses) {
        return addresses;
    }

    private static SMTPAddressFailedException rcpt(InternetAddress address, String reply) {
        int code = Integer.parseInt(reply.substring(0, 3));
        return new SMTPAddressFailedException(address, "RCPT TO:<" + address.getAddress() + ">", code, reply);
    }

    private static MessagingException chain(MessagingException first, MessagingException... more) {
        for (MessagingException m : more) {
            first.setNextException(m);
        }
        return first;
    }
}
