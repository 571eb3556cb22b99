package io.mailpipe.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateways and providers that send RFC 3464 reports with their own fixed sentences (Amazon SES
 * receipt rules, MessageLabs, McAfee, Outlook.com, Gmail, Domino): made-up sample -> detector,
 * recipient, reason, hard.
 */
class VendorDsnDetectorsTest {
    private final BounceParser parser = new BounceParser();

    /** A DSN with the given top headers (From, Subject, vendor headers) and one recipient block. */
    private static String dsn(String headers, String statusFields) {
        return headers.strip() + "\n" + """
                To: sender@example.org
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: text/plain; charset=us-ascii

                Delivery failed.

                --B
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mta.example.org

                """ + statusFields + """

                --B
                Content-Type: text/rfc822-headers

                """ + Fixtures.RETURNED_HEADERS + """

                --B--
                """;
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                // SES receipt rule bounce template: a filter decision, not a directory lookup
                Arguments.of("ReceivingSES", dsn("""
                        From: postmaster@example.com
                        Subject: Delivery Status Notification (Failure)
                        X-SES-Outgoing: 2024.01.01-192.0.2.7
                        """, """
                        Reporting-MTA: dns; inbound-smtp.eu-west-1.amazonaws.com
                        Action: failed
                        Final-Recipient: rfc822; nobody@example.com
                        Original-Recipient: rfc822; nobody@example.com
                        Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist
                        Status: 5.1.1
                        """), "nobody@example.com", Reason.FILTERED, false),
                Arguments.of("MessageLabs", dsn("""
                        From: Mail Delivery System <MAILER-DAEMON@messagelabs.com>
                        Subject: Mail Delivery Failure
                        X-Msg-Ref: server-1.tower-1.example.com!1!2!3
                        """, """
                        Final-Recipient: rfc822; nobody@example.com
                        Action: failed
                        Status: 5.0.0
                        Diagnostic-Code: smtp; 550 nobody@example.com... No such user
                        """), "nobody@example.com", Reason.USERUNKNOWN, true),
                Arguments.of("MessageLabs", dsn("""
                        From: Mail Delivery System <MAILER-DAEMON@messagelabs.com>
                        Subject: Mail Delivery Failure
                        """, """
                        Final-Recipient: rfc822; nobody@example.com
                        Action: failed
                        Status: 5.0.0
                        Diagnostic-Code: smtp; 542 nobody@example.com Rejected
                        """), "nobody@example.com", Reason.USERUNKNOWN, true),
                Arguments.of("McAfee", dsn("""
                        From: <MAILER-DAEMON@example.org>
                        Subject: Delivery Status
                        X-NAI-Header: Modified by McAfee Email Gateway
                        """, """
                        Original-Recipient: <nobody@example.com>
                        Action: failed
                        Diagnostic-Code: smtp; 550 <nobody@example.com>... User not exist
                        """), "nobody@example.com", Reason.USERUNKNOWN, true),
                Arguments.of("Outlook", dsn("""
                        From: postmaster@outlook.com
                        Subject: Delivery Status Notification (Failure)
                        """, """
                        Final-Recipient: rfc822;nobody@example.com
                        Action: failed
                        Status: 5.5.0
                        Diagnostic-Code: smtp;550 Requested action not taken: mailbox unavailable (-1:2:-3)
                        """), "nobody@example.com", Reason.USERUNKNOWN, true),
                Arguments.of("GSuite", dsn("""
                        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                        Subject: Delivery Status Notification (Failure)
                        """, """
                        Final-Recipient: rfc822; nobody@example.com
                        Action: failed
                        Status: 5.0.0
                        Diagnostic-Code: smtp; because the address couldn't be found. Check for typos or unnecessary spaces and try again.
                        """), "nobody@example.com", Reason.USERUNKNOWN, true),
                Arguments.of("GSuite", dsn("""
                        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                        Subject: Delivery Status Notification (Failure)
                        """, """
                        Final-Recipient: rfc822; nobody@example.com
                        Action: failed
                        Status: 5.0.0
                        Diagnostic-Code: smtp; The domain example.com doesn't receive email according to the administrator: returned Null MX
                        """), "nobody@example.com", Reason.NOTACCEPT, true),
                Arguments.of("Domino", dsn("""
                        From: Postmaster@example.org
                        Subject: DELIVERY FAILURE: User Nobody (nobody@example.com) not listed in Domino Directory
                        """, """
                        Final-Recipient: rfc822;nobody@example.com
                        Action: failed
                        Status: 5.0.0
                        Diagnostic-Code: X-Notes; User Nobody (nobody@example.com) not listed in Domino Directory
                        """), "nobody@example.com", Reason.USERUNKNOWN, true));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("samples")
    void extracts(String detector, String message, String recipient, Reason reason, boolean hard) {
        ParseResult r = parser.parse(Fixtures.bytes(message));
        assertThat(r.records()).as("records of %s", detector).hasSize(1);
        BounceRecord b = r.records().get(0);
        assertThat(b.detector()).isEqualTo(detector);
        assertThat(b.recipient()).isEqualTo(recipient);
        assertThat(b.reason()).isEqualTo(reason);
        assertThat(b.hard()).isEqualTo(hard);
        assertThat(b.originalMessageId()).isEqualTo("original-1@example.org");
        assertThat(b.requestId()).isEqualTo("req-42");
    }
}
