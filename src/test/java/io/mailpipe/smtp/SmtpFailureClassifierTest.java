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
import org.eclipse.angus.mail.smtp.SMTPAddressSucceededException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateExpiredException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Exceptions built the way Angus' SMTPTransport 2.0.5 builds them (see the comment on each row). */
class SmtpFailureClassifierTest {

    private static final String BAD_REPLY = "550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown\n";
    private static final String BAD2_REPLY = "550 5.1.1 <bad2@example.com>: Recipient address rejected: User unknown\n";
    private static final String LATER_REPLY = "450 4.2.0 <later@example.com>: Recipient address rejected: Greylisted\n";

    /** name, exception, reason, scope, reply code (or null), enhanced code (or null), refused recipients. */
    static Stream<Arguments> table() throws Exception {
        InternetAddress good = address("good@example.com");
        InternetAddress bad = address("bad@example.com");
        InternetAddress bad2 = address("bad2@example.com");
        InternetAddress later = address("later@example.com");
        return Stream.of(
                // sendpartial: RCPT bad 550, RCPT good 250, DATA ok -> SMTPSendFailedException(".", 250) after the send
                row("partial: one refused, one accepted",
                        new SMTPSendFailedException(".", 250, "250 2.0.0 Ok: queued as 4XyZ1\n", rcpt(bad, BAD_REPLY),
                                arr(good), arr(), arr(bad)),
                        ReasonCode.PARTIALLY_ACCEPTED, Scope.RECIPIENT, 250, "2.0.0", List.of("bad@example.com")),
                // sendpartial: 550 + 450, one accepted -> still sent to the accepted one
                row("partial: refused and deferred, one accepted",
                        new SMTPSendFailedException(".", 250, "250 2.0.0 Ok\n", chain(rcpt(bad, BAD_REPLY), rcpt(later, LATER_REPLY)),
                                arr(good), arr(later), arr(bad)),
                        ReasonCode.PARTIALLY_ACCEPTED, Scope.RECIPIENT, 250, "2.0.0", List.of("bad@example.com", "later@example.com")),
                // every RCPT refused: rcptTo() throws SendFailedException("Invalid Addresses"), validSent null
                row("all recipients refused",
                        new SendFailedException("Invalid Addresses", chain(rcpt(bad, BAD_REPLY), rcpt(bad2, BAD2_REPLY)),
                                null, arr(), arr(bad, bad2)),
                        ReasonCode.RECIPIENT_REJECTED, Scope.RECIPIENT, 550, "5.1.1", List.of("bad@example.com", "bad2@example.com")),
                // without sendpartial, one refused recipient fails the whole send; the accepted one is validUnsent
                row("one refused without sendpartial",
                        new SendFailedException("Invalid Addresses", rcpt(bad, BAD_REPLY), null, arr(good), arr(bad)),
                        ReasonCode.RECIPIENT_REJECTED, Scope.RECIPIENT, 550, "5.1.1", List.of("bad@example.com")),
                row("refused and deferred, none accepted: temporary wins",
                        new SendFailedException("Invalid Addresses", chain(rcpt(bad, BAD_REPLY), rcpt(later, LATER_REPLY)),
                                null, arr(later), arr(bad)),
                        ReasonCode.TEMPORARY_FAILURE, Scope.RECIPIENT, 450, "4.2.0", List.of("bad@example.com", "later@example.com")),
                row("421 at RCPT: the server closes, account scope",
                        new SendFailedException("Invalid Addresses", chain(rcpt(bad, BAD_REPLY),
                                rcpt(bad2, "421 4.4.2 mx.example.com Error: timeout exceeded\n")), null, arr(bad2), arr(bad)),
                        ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT, 421, "4.4.2", List.of("bad@example.com", "bad2@example.com")),
                // issueSendCommand("MAIL FROM:...", 250) fails; 5xx also chains an SMTPSenderFailedException
                row("MAIL FROM refused",
                        new SMTPSendFailedException("MAIL FROM:<shop@example.com>", 553,
                                "553 5.7.1 <shop@example.com>: Sender address rejected: not owned by user\n",
                                new SMTPSenderFailedException(address("shop@example.com"), "MAIL FROM:<shop@example.com>", 553,
                                        "553 5.7.1 <shop@example.com>: Sender address rejected: not owned by user\n"),
                                null, null, null),
                        ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE, 553, "5.7.1", List.of()),
                // issue 13: the envelope sender is the account's own address; words no rule knows are the account's
                row("MAIL FROM refused in unknown words: the account",
                        new SMTPSendFailedException("MAIL FROM:<shop@example.com>", 553,
                                "553 5.7.1 Sorry, we cannot accept mail from this account right now\n",
                                new SMTPSenderFailedException(address("shop@example.com"), "MAIL FROM:<shop@example.com>", 553,
                                        "553 5.7.1 Sorry, we cannot accept mail from this account right now\n"),
                                null, null, null),
                        ReasonCode.ACCOUNT_REFUSED, Scope.ACCOUNT, 553, "5.7.1", List.of()),
                row("MAIL FROM deferred: account scope",
                        new SMTPSendFailedException("MAIL FROM:<shop@example.com>", 451, "451 4.3.2 Please try again later\n",
                                null, null, null, null),
                        ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT, 451, "4.3.2", List.of()),
                row("MAIL FROM needs authentication",
                        new SMTPSendFailedException("MAIL FROM:<shop@example.com>", 530, "530 5.7.0 Authentication required\n",
                                null, null, null, null),
                        ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT, 530, "5.7.0", List.of()),
                row("sender failure alone",
                        new SMTPSenderFailedException(address("shop@example.com"), "MAIL FROM:<shop@example.com>", 550,
                                "550 5.7.60 SMTP; Client does not have permissions to send as this sender\n"),
                        ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE, 550, "5.7.60", List.of()),
                // finishData(): issueSendCommand(".", 250)
                row("content refused after DATA",
                        new SMTPSendFailedException(".", 554, "554 5.7.1 Message content rejected\n", null, null, arr(good), null),
                        ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE, 554, "5.7.1", List.of()),
                // issue 3: the provider's spam verdict on a submission is the account's problem
                row("refused as spam after DATA: the account is blocked",
                        new SMTPSendFailedException(".", 554, "554 5.7.1 Message rejected as spam\n", null, null, arr(good), null),
                        ReasonCode.ACCOUNT_BLOCKED, Scope.ACCOUNT, 554, "5.7.1", List.of()),
                row("rate limit after DATA",
                        new SMTPSendFailedException(".", 451, "451 4.7.1 Ratelimit \"user\" exceeded\n", null, null, arr(good), null),
                        ReasonCode.RATE_LIMITED, Scope.ACCOUNT, 451, "4.7.1", List.of()),
                // no rule explains it: behaviour decides (a server that defers everything alike is the account's)
                row("deferral after DATA: unexplained",
                        new SMTPSendFailedException(".", 451, "451 4.3.0 Error: queue file write error\n", null, null, arr(good), null),
                        ReasonCode.TEMPORARY_FAILURE, Scope.UNEXPLAINED, 451, "4.3.0", List.of()),
                row("DATA command refused: unexplained",
                        new SMTPSendFailedException("DATA", 554, "554 5.5.1 Error: no valid recipients\n", null, null, arr(good), null),
                        ReasonCode.MESSAGE_REJECTED, Scope.UNEXPLAINED, 554, "5.5.1", List.of()),
                row("generic refusal after DATA: unexplained, behaviour decides",
                        new SMTPSendFailedException(".", 550, "550 5.7.1 Delivery not authorized, message refused\n", null, null,
                                arr(good), null),
                        ReasonCode.MESSAGE_REJECTED, Scope.UNEXPLAINED, 550, "5.7.1", List.of()),
                row("unexplained deferral after DATA",
                        new SMTPSendFailedException(".", 450, "450 Requested mail action not taken\n", null, null, arr(good), null),
                        ReasonCode.TEMPORARY_FAILURE, Scope.UNEXPLAINED, 450, null, List.of()),
                row("media error (5.6.x) after DATA: the message",
                        new SMTPSendFailedException(".", 554, "554 5.6.0 Error: malformed MIME header\n", null, null, arr(good), null),
                        ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE, 554, "5.6.0", List.of()),
                row("421 after DATA",
                        new SMTPSendFailedException(".", 421, "421 4.3.0 Shutting down\n", null, null, arr(good), null),
                        ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT, 421, "4.3.0", List.of()),
                row("DATA refused after a partly refused RCPT: DATA decides, refused recipients kept",
                        new SMTPSendFailedException(".", 552, "552 5.3.4 Message size exceeds fixed limit\n", rcpt(bad, BAD_REPLY),
                                null, arr(good), arr(bad)),
                        ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE, 552, "5.3.4", List.of("bad@example.com")),
                // readServerResponse() on EOF gives code -1: the whole message was sent, it may have been delivered
                row("connection lost waiting for the final reply: uncertain",
                        new SMTPSendFailedException(".", -1, "", null, null, arr(good), null),
                        ReasonCode.DELIVERY_UNCERTAIN, Scope.MESSAGE, null, null, List.of()),
                row("connection lost waiting for the reply to DATA: not sent",
                        new SMTPSendFailedException("DATA", -1, "", null, null, arr(good), null),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                // Authenticator.authenticate(): new AuthenticationFailedException(getLastServerResponse())
                row("credentials refused",
                        new AuthenticationFailedException("535 5.7.8 Error: authentication failed: authentication failure\n"),
                        ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT, 535, "5.7.8", List.of()),
                row("application password required (multi-line)",
                        new AuthenticationFailedException("534-5.7.9 Application-specific password required.\n"
                                + "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor\n"),
                        ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT, 534, "5.7.9", List.of()),
                row("authentication deferred",
                        new AuthenticationFailedException("454 4.3.0 Temporary authentication failure\n"),
                        ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT, 454, "4.3.0", List.of()),
                row("too many login attempts: rate limited",
                        new AuthenticationFailedException("454 4.7.0 Too many login attempts, please try again later.\n"),
                        ReasonCode.RATE_LIMITED, Scope.ACCOUNT, 454, "4.7.0", List.of()),
                row("no common mechanism",
                        new AuthenticationFailedException("No authentication mechanisms supported by both server and client"),
                        ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("connection reset during AUTH",
                        new AuthenticationFailedException("", new SocketException("Connection reset")),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                // openServer(): SocketFetcher's SocketConnectException becomes MailConnectException
                row("connection refused",
                        new MailConnectException(new SocketConnectException("Using socket factory class javax.net.SocketFactory",
                                new ConnectException("Connection refused"), "localhost", 2525, -1)),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("connect timed out",
                        new MessagingException("Could not connect to SMTP host: smtp.example.com, port: 587",
                                new SocketTimeoutException("Connect timed out")),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("unknown host",
                        new MessagingException("Unknown SMTP host: nowhere.invalid", new UnknownHostException("nowhere.invalid")),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("read timed out",
                        new MessagingException("Exception reading response", new SocketTimeoutException("Read timed out")),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("IOException while sending message",
                        new MessagingException("IOException while sending message", new SocketException("Broken pipe")),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("reset on an established TLS session is a connection failure",
                        new MessagingException("Exception reading response",
                                new SSLException("Connection reset", new SocketException("Connection reset"))),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()),
                // startTLS(): SocketFetcher.startTLS fails
                row("STARTTLS handshake: untrusted certificate",
                        new MessagingException("Could not convert socket to TLS", new SSLHandshakeException(
                                "PKIX path building failed: unable to find valid certification path to requested target")),
                        ReasonCode.TLS_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("STARTTLS handshake: connection dropped",
                        new MessagingException("Could not convert socket to TLS", new SocketException("Connection reset")),
                        ReasonCode.TLS_FAILED, Scope.ACCOUNT, null, null, List.of()),
                // protocolConnect() with mail.smtp.starttls.required
                row("STARTTLS required but not offered",
                        new MessagingException("STARTTLS is required but host does not support STARTTLS"),
                        ReasonCode.TLS_FAILED, Scope.ACCOUNT, null, null, List.of()),
                row("implicit TLS: expired certificate",
                        new MessagingException("Could not connect to SMTP host: smtp.example.com, port: 465",
                                sslWithCause(new CertificateExpiredException("NotAfter: Sat Jan 01 00:00:00 UTC 2022"))),
                        ReasonCode.TLS_FAILED, Scope.ACCOUNT, null, null, List.of()),
                // openServer(): greeting other than 220 keeps only the code
                row("greeting 421",
                        new MessagingException("Could not connect to SMTP host: smtp.example.com, port: 25, response: 421"),
                        ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT, 421, null, List.of()),
                row("greeting 554",
                        new MessagingException("Could not connect to SMTP host: smtp.example.com, port: 25, response: 554"),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, 554, null, List.of()),
                // issueCommand(): new MessagingException(lastServerResponse), e.g. EHLO or STARTTLS refused
                row("EHLO refused",
                        new MessagingException("501 5.5.4 Syntax: EHLO hostname\n"),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, 501, "5.5.4", List.of()),
                row("client host refused at EHLO: the account (its IP) is blocked",
                        new MessagingException("550 5.7.1 Client host rejected: cannot find your hostname\n"),
                        ReasonCode.ACCOUNT_BLOCKED, Scope.ACCOUNT, 550, "5.7.1", List.of()),
                row("STARTTLS deferred",
                        new MessagingException("454 4.7.0 TLS not available due to local problem\n"),
                        ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT, 454, "4.7.0", List.of()),
                row("wrapped by a caller",
                        new IllegalStateException("send failed", new SMTPSendFailedException(".", 554,
                                "554 5.7.1 Message rejected as spam\n", null, null, arr(good), null)),
                        ReasonCode.ACCOUNT_BLOCKED, Scope.ACCOUNT, 554, "5.7.1", List.of()),
                row("unknown exception",
                        new IllegalStateException("boom"),
                        ReasonCode.TEMPORARY_FAILURE, Scope.MESSAGE, null, null, List.of()),
                row("unknown IOException",
                        new IOException("pipe closed"),
                        ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT, null, null, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void classifies(String name, Throwable failure, ReasonCode reason, Scope scope, Integer code, String enhanced,
                    List<String> refused) {
        SendFailure result = SmtpFailureClassifier.classify(failure);

        assertThat(result.reason()).as("reason").isEqualTo(reason);
        assertThat(result.scope()).as("scope").isEqualTo(scope);
        assertThat(result.reply() == null ? null : result.reply().code()).as("code").isEqualTo(code);
        assertThat(result.reply() == null ? null : result.reply().enhanced()).as("enhanced").isEqualTo(enhanced);
        assertThat(result.rejectedRecipients()).extracting(RecipientFailure::address).as("refused").isEqualTo(refused);
        assertThat(result.detail()).as("detail").isNotBlank().doesNotContain("\n").hasSizeLessThanOrEqualTo(600);
    }

    @Test
    void refusedRecipientsCarryTheirOwnReplies() throws Exception {
        SendFailure result = SmtpFailureClassifier.classify(new SendFailedException("Invalid Addresses",
                chain(rcpt(address("bad@example.com"), BAD_REPLY), rcpt(address("later@example.com"), LATER_REPLY)),
                null, arr(address("later@example.com")), arr(address("bad@example.com"))));

        assertThat(result.rejectedRecipients()).containsExactly(
                new RecipientFailure("bad@example.com", new SmtpReply(550, "5.1.1",
                        "<bad@example.com>: Recipient address rejected: User unknown")),
                new RecipientFailure("later@example.com", new SmtpReply(450, "4.2.0",
                        "<later@example.com>: Recipient address rejected: Greylisted")));
        assertThat(result.detail()).isEqualTo("all 2 recipients refused: RCPT TO replied 550 5.1.1"
                + " <bad@example.com>: Recipient address rejected: User unknown (and 1 more)");
    }

    @Test
    void partialAcceptanceDetailCountsRecipients() throws Exception {
        SendFailure result = SmtpFailureClassifier.classify(new SMTPSendFailedException(".", 250, "250 2.0.0 Ok\n",
                rcpt(address("bad@example.com"), BAD_REPLY), arr(address("a@example.com"), address("b@example.com")), arr(),
                arr(address("bad@example.com"))));

        assertThat(result.reason().status()).isEqualTo(io.mailpipe.outcome.Status.SENT);
        assertThat(result.detail()).startsWith("accepted for 2 of 3 recipients; refused: RCPT TO replied 550 5.1.1");
    }

    @Test
    void reportSuccessWithEveryRecipientAcceptedIsNotAFailure() throws Exception {
        InternetAddress good = address("good@example.com");
        SendFailure result = SmtpFailureClassifier.classify(new SMTPSendFailedException(".", 250, "250 2.0.0 Ok\n",
                new SMTPAddressSucceededException(good, "RCPT TO:<good@example.com>", 250, "250 2.1.5 Ok\n"),
                arr(good), arr(), arr()));

        assertThat(result.reason()).isEqualTo(ReasonCode.PARTIALLY_ACCEPTED);
        assertThat(result.rejectedRecipients()).isEmpty();
    }

    @Test
    void unknownExceptionDetailNamesTheClassOnly() {
        SendFailure result = SmtpFailureClassifier.classify(new IllegalArgumentException("customer@example.com secret"));

        assertThat(result.detail()).contains("java.lang.IllegalArgumentException").doesNotContain("customer").doesNotContain("secret");
    }

    @Test
    void providerRuleGoesFirst() {
        // a relay whose content filter judges each message on its own: its spam verdict is the message's
        ReplyRule spamVerdict = ReplyRule.of("per-message spam verdict", EnumSet.of(SmtpPhase.DATA), 550, 550,
                ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE).withEnhanced("5.7.1").withText("likely spam");
        List<ReplyRule> rules = new ArrayList<>();
        rules.add(spamVerdict);
        rules.addAll(SmtpFailureClassifier.DEFAULT_RULES);
        SMTPSendFailedException spam = new SMTPSendFailedException(".", 550,
                "550 5.7.1 Our system has detected that this message is likely SPAM\n", null, null, null, null);
        SMTPSendFailedException blocked = new SMTPSendFailedException(".", 550,
                "550 5.7.1 Sender blocked for spam abuse\n", null, null, null, null);

        assertThat(SmtpFailureClassifier.classify(spam, rules).scope()).isEqualTo(Scope.MESSAGE);
        assertThat(SmtpFailureClassifier.classify(spam).scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(SmtpFailureClassifier.classify(blocked, rules).reason()).isEqualTo(ReasonCode.ACCOUNT_BLOCKED);
        assertThat(SmtpFailureClassifier.ruleFor(SmtpPhase.DATA, SmtpReply.parse("550 5.7.1 likely spam"), rules))
                .contains(spamVerdict);
    }

    @Test
    void aMailboxCodeWinsOverAnAccountPhrase() throws Exception {
        // constructed replies: the enhanced code names the recipient's mailbox, the text names a rate or a quota
        InternetAddress busy = address("busy@example.com");
        SendFailure atRcpt = SmtpFailureClassifier.classify(new SendFailedException("Invalid Addresses",
                rcpt(busy, "450 4.2.1 <busy@example.com>: mailbox is rate limited, try again later\n"), null, arr(busy), arr()));
        SendFailure afterData = SmtpFailureClassifier.classify(new SMTPSendFailedException(".", 552,
                "552 5.2.2 Mailbox full: daily quota exceeded\n", null, arr(busy), null, null));

        assertThat(atRcpt.reason()).isEqualTo(ReasonCode.TEMPORARY_FAILURE);
        assertThat(atRcpt.scope()).isEqualTo(Scope.RECIPIENT);
        assertThat(afterData.reason()).isEqualTo(ReasonCode.MESSAGE_REJECTED);
        assertThat(afterData.scope()).isEqualTo(Scope.RECIPIENT);
        // without the code, the same texts are the account's
        assertThat(SmtpFailureClassifier.ruleFor(SmtpPhase.RCPT, SmtpReply.parse("450 mailbox is rate limited"),
                SmtpFailureClassifier.DEFAULT_RULES)).get().extracting(ReplyRule::reason).isEqualTo(ReasonCode.RATE_LIMITED);
        assertThat(SmtpFailureClassifier.ruleFor(SmtpPhase.DATA, SmtpReply.parse("552 daily quota exceeded"),
                SmtpFailureClassifier.DEFAULT_RULES)).get().extracting(ReplyRule::reason).isEqualTo(ReasonCode.RATE_LIMITED);
    }

    @Test
    void everyDefaultRuleIsReachable() {
        // a rule shadowed by an earlier, broader one would be dead table text
        List<ReplyRule> rules = SmtpFailureClassifier.DEFAULT_RULES;
        assertThat(rules).extracting(ReplyRule::name).doesNotHaveDuplicates();
        for (int i = 0; i < rules.size(); i++) {
            ReplyRule later = rules.get(i);
            for (ReplyRule earlier : rules.subList(0, i)) {
                boolean covers = earlier.phases().containsAll(later.phases())
                        && earlier.minCode() <= later.minCode() && earlier.maxCode() >= later.maxCode()
                        && earlier.textPattern() == null
                        && (earlier.enhancedPrefix() == null || later.enhancedPrefix() != null
                        && later.enhancedPrefix().startsWith(earlier.enhancedPrefix()));
                assertThat(covers).as("'%s' shadows '%s'", earlier.name(), later.name()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SmtpPhase.class)
    void defaultTableCoversEveryFailureCodeInEveryPhase(SmtpPhase phase) {
        for (int code = 400; code <= 599; code++) {
            SmtpReply reply = new SmtpReply(code, null, "");
            assertThat(SmtpFailureClassifier.ruleFor(phase, reply, SmtpFailureClassifier.DEFAULT_RULES))
                    .as("%s %d", phase, code).isPresent();
        }
    }

    @Test
    void unmatchedReplyIsTemporary() {
        SendFailure result = SmtpFailureClassifier.classify(
                new SMTPSendFailedException("MAIL FROM:<a@example.com>", 354, "354 go ahead\n", null, null, null, null),
                List.of());

        assertThat(result.reason()).isEqualTo(ReasonCode.TEMPORARY_FAILURE);
        assertThat(result.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(result.detail()).startsWith("unexpected reply: ");
    }

    @Test
    void aReplyOutOfPlaceToTheFinalDotIsAnUncertainDelivery() {
        // RFC 5321 4.2: codes other than 2xx-5xx are not replies; after the final dot the server has the whole message
        SendFailure result = SmtpFailureClassifier.classify(
                new SMTPSendFailedException(".", 354, "354 go ahead\n", null, null, null, null));

        assertThat(result.reason()).isEqualTo(ReasonCode.DELIVERY_UNCERTAIN);
        assertThat(result.scope()).as("never moved to another account: it may have been delivered").isEqualTo(Scope.MESSAGE);
    }

    @Test
    void sendFailureAndRuleRefuseReasonsThatAreNotSendFailures() {
        assertThatThrownBy(() -> new SendFailure(ReasonCode.ACCEPTED, null, null, "", Scope.MESSAGE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplyRule.anyPhase("x", 500, 599, ReasonCode.PARTIALLY_ACCEPTED, Scope.RECIPIENT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cyclicChainEnds() {
        MessagingException a = new MessagingException("a");
        MessagingException b = new MessagingException("b", a);
        a.setNextException(b);

        assertThat(SmtpFailureClassifier.classify(a).reason()).isEqualTo(ReasonCode.TEMPORARY_FAILURE);
    }

    // --- helpers

    private static Arguments row(String name, Throwable failure, ReasonCode reason, Scope scope, Integer code,
                                 String enhanced, List<String> refused) {
        return arguments(name, failure, reason, scope, code, enhanced, refused);
    }

    private static InternetAddress address(String value) throws AddressException {
        return new InternetAddress(value);
    }

    private static Address[] arr(Address... addresses) {
        return addresses;
    }

    /** What rcptTo() creates for a refused recipient. */
    private static SMTPAddressFailedException rcpt(InternetAddress address, String reply) {
        int code = Integer.parseInt(reply.substring(0, 3));
        return new SMTPAddressFailedException(address, "RCPT TO:<" + address.getAddress() + ">", code, reply);
    }

    /** Chains like rcptTo(): each next exception is appended to the end of the first one's chain. */
    private static MessagingException chain(MessagingException first, MessagingException... more) {
        for (MessagingException m : more) {
            first.setNextException(m);
        }
        return first;
    }

    private static SSLHandshakeException sslWithCause(Exception cause) {
        SSLHandshakeException ssl = new SSLHandshakeException("PKIX path validation failed: " + cause);
        ssl.initCause(cause);
        return ssl;
    }
}
