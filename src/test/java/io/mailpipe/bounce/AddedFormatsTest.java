package io.mailpipe.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/**
 * Golden table for the formats added with the corpus score work: fml list-manager notices, Zoho
 * notices, reports that name no recipient of their own (the returned original's To), Gmail client
 * states (the SMTP command), Exim "name &lt;address&gt;:" lines. Hand-written samples (example.com addresses only).
 */
class AddedFormatsTest {
    private final BounceParser parser = new BounceParser();

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("fml", Fixtures.text("""
                        From: list-admin@example.org
                        To: poster@example.net
                        Subject: You poster@example.net are not member (cats ML)
                        X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]
                        """, """
                        You are not a member of this mailing list <cats@example.org>.

                        If you know the general guide of this list, please send mail with
                        the mail body

                        	guide

                        to the address

                        	cats-ctl@example.org
                        """), "cats@example.org", null, Reason.REJECTED, false),
                Arguments.of("fml", Fixtures.text("""
                        From: list-admin@example.org
                        Subject: Loop Alert: dogs ML
                        X-MLServer: fml [fml 4.0.3 release]
                        """, """
                        Loop Alert: a mail loop was found for the list <dogs@example.org>.
                        """), "dogs@example.org", null, Reason.SYSTEMERROR, false),
                Arguments.of("Zoho", Fixtures.text("""
                        From: mailer-daemon@mail.zoho.example
                        Subject: Undelivered Mail Returned to Sender
                        X-ZohoMail: Si CHF_MF_NL SS_10
                        """, """
                        This message was created automatically by mail delivery software.
                        A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.

                        away@example.com Error, ERROR_CODE :421, ERROR_CODE :, Host not reachable.


                        Received:from mail.zoho.example by mx.zoho.example
                        Message-ID:<zoho-original-1@zoho.example>
                        """), "away@example.com", null, Reason.SYSTEMERROR, false), // RFC 5321 421: service not available
                Arguments.of("ReturnedOriginal", Fixtures.text("""
                        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
                        To: sender@example.org
                        Subject: Returned mail: Cannot send message for 5 days
                        """, """
                           ----- Transcript of session follows -----
                        421 example.com (smtp)... Deferred: Connection timed out during user open with example.com

                           ----- Unsent message follows -----
                        From: sender@example.org
                        To: Someone <someone@example.com>
                        Subject: hello

                        Hello.
                        """), "someone@example.com", null, Reason.EXPIRED, false),
                Arguments.of("ReturnedOriginal", Fixtures.dsn("""
                        This is the mail system at host mx.example.org.

                        	--- Delivery report unavailable ---
                        """, """
                        Reporting-MTA: dns; mx.example.org
                        X-Postfix-Queue-ID: 0123ABC
                        Arrival-Date: Mon, 16 Dec 2019 14:12:15 +0100 (CET)
                        """, Fixtures.RETURNED_HEADERS), "nobody@example.com", null, Reason.UNDEFINED, false),
                Arguments.of("Gmail", Fixtures.text("""
                        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                        To: sender@gmail.com
                        Subject: Delivery Status Notification (Failure)
                        """, """
                        Delivery to the following recipient failed permanently:

                             plain@example.com

                        Technical details of permanent failure:
                        Google tried to deliver your message, but it was rejected by the recipient domain. The error that the other server returned was: 500 Remote server does not support TLS (state 6).

                        ----- Original message -----
                        """), "plain@example.com", null, Reason.FAILEDSTARTTLS, false), // Google's state 6 is STARTTLS
                Arguments.of("Exim", Fixtures.text("""
                        From: Mail Delivery System <mailer-daemon@mx.example.org>
                        To: sender@example.org
                        Subject: Mail failure - malformed recipient address
                        """, """
                        A message that you sent contained one or more recipient addresses that were
                        incorrectly constructed:

                          first@example.com <second@example.com>: malformed address: <second@example.com> may not follow first@example.com

                        This address has been ignored.

                        ------ This is a copy of your message, including all the headers. ------
                        """), "second@example.com", null, Reason.SYNTAXERROR, false),
                Arguments.of("Exim", Fixtures.text("""
                        From: Mail Delivery System <Mailer-Daemon@mx.example.org>
                        Subject: Mail delivery failed: returning message to sender
                        X-Failed-Recipients: nohost@example.com
                        """, """
                        A message that you sent could not be delivered to one or more of its
                        recipients. This is a permanent error. The following address(es) failed:

                          nohost@example.com
                            host mx.example.com [192.0.2.7]
                            SMTP error from remote mail server after end of data:
                            553 relay.example.com does not exist

                        ------ This is a copy of the message, including all the headers. ------
                        """), "nohost@example.com", null, Reason.HOSTUNKNOWN, true));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("samples")
    void extracts(String detector, String message, String recipient, String status, Reason reason, boolean hard) {
        Fixtures.assertSingleRecord(parser, detector, message, recipient, status, reason, hard);
    }
}
