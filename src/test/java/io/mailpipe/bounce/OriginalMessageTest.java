package io.mailpipe.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original message's Message-ID and X-Mailpipe-Id (the request id) are found wherever the
 * bounce quotes the original headers: a message/rfc822 part, a text/rfc822-headers part, or inline
 * text after an "original message" separator. Never the report's own Message-ID.
 */
class OriginalMessageTest {
    private final BounceParser parser = new BounceParser();

    private static final String STATUS = """
            Reporting-MTA: dns; mx.example.org

            Final-Recipient: rfc822; nobody@example.com
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown
            """;

    /** A multipart/report whose third part has the given Content-Type and content. */
    private static String report(String returnedType, String returned) {
        return """
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: sender@example.org
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <the-report-itself@mx.example.org>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: text/plain; charset=us-ascii

                I'm sorry to have to inform you that your message could not be delivered.

                --B
                Content-Type: message/delivery-status

                """ + STATUS + """

                --B
                Content-Type: %s

                """.formatted(returnedType) + returned + """

                --B--
                """;
    }

    static Stream<Arguments> placements() {
        return Stream.of(
                Arguments.of("message/rfc822", report("message/rfc822", """
                        From: sender@example.org
                        To: nobody@example.com
                        Subject: hello
                        Message-ID: <rfc822-1@example.org>
                        X-Mailpipe-Id: req-rfc822

                        Hello there.
                        """), "rfc822-1@example.org", "req-rfc822"),
                Arguments.of("message/rfc822, folded Message-ID", report("message/rfc822", """
                        From: sender@example.org
                        Message-ID:
                         <folded-1@example.org>
                        x-mailpipe-id: req-folded

                        Hello there.
                        """), "folded-1@example.org", "req-folded"),
                Arguments.of("text/rfc822-headers", report("text/rfc822-headers", """
                        From: sender@example.org
                        To: nobody@example.com
                        X-Mailpipe-Id: req-headers
                        Message-Id: <headers-1@example.org>
                        """), "headers-1@example.org", "req-headers"),
                Arguments.of("inline after ----- Original message -----", Fixtures.text("""
                        From: Mail Delivery Subsystem <mailer-daemon@mx.example.org>
                        To: sender@example.org
                        Subject: Delivery Status Notification (Failure)
                        Message-ID: <the-report-itself@mx.example.org>
                        X-Failed-Recipients: nobody@example.com
                        """, """
                        Delivery to the following recipient failed permanently:

                             nobody@example.com

                        Technical details of permanent failure:
                        550 5.1.1 The email account that you tried to reach does not exist.

                        ----- Original message -----

                        From: sender@example.org
                        To: nobody@example.com
                        Message-ID: <inline-1@example.org>
                        X-Mailpipe-Id: req-inline
                        Subject: hello

                        Hello there.
                        """), "inline-1@example.org", "req-inline"),
                Arguments.of("inline after Exim's copy marker", Fixtures.text("""
                        From: Mail Delivery System <Mailer-Daemon@mx.example.org>
                        To: sender@example.org
                        Subject: Mail delivery failed: returning message to sender
                        Message-Id: <the-report-itself@mx.example.org>
                        X-Failed-Recipients: nobody@example.com
                        """, """
                        This message was created automatically by mail delivery software.

                        A message that you sent could not be delivered to one or more of its
                        recipients. This is a permanent error. The following address(es) failed:

                          nobody@example.com
                            SMTP error from remote mail server after RCPT TO:<nobody@example.com>:
                            550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown

                        ------ This is a copy of the message, including all the headers. ------

                        Return-path: <sender@example.org>
                        Message-Id: <exim-1@example.org>
                        X-Mailpipe-Id: req-exim
                        From: sender@example.org

                        Hello there.
                        """), "exim-1@example.org", "req-exim"),
                Arguments.of("inline, forwarded with quote marks", Fixtures.text("""
                        From: Sender <sender@example.org>
                        To: helpdesk@example.org
                        Subject: Fwd: Returned mail: see transcript for details
                        Message-ID: <the-forward-itself@example.org>
                        """, """
                        Please look at this.

                        > ----- The following addresses had permanent fatal errors -----
                        > <nobody@example.com>
                        >     (reason: 550 5.1.1 <nobody@example.com>... User unknown)
                        >
                        > Reporting-MTA: dns; mx.example.org
                        >
                        > Final-Recipient: RFC822; nobody@example.com
                        > Action: failed
                        > Status: 5.1.1
                        > Diagnostic-Code: SMTP; 550 5.1.1 <nobody@example.com>... User unknown
                        >
                        > ----- Original message -----
                        > Message-Id: <quoted-1@example.org>
                        > X-Mailpipe-Id: req-quoted
                        > Subject: hello
                        """), "quoted-1@example.org", "req-quoted"),
                Arguments.of("no copy of the original", Fixtures.dsn("Delivery failed.", STATUS, "X-Nothing: here\n"),
                        null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("placements")
    void findsTheOriginalsIds(String placement, String message, String messageId, String requestId) {
        ParseResult r = parser.parse(Fixtures.bytes(message));
        assertThat(r.records()).as("records (%s)", placement).hasSize(1);
        BounceRecord b = r.records().get(0);
        assertThat(b.recipient()).isEqualTo("nobody@example.com");
        assertThat(b.originalMessageId()).as("message id (%s)", placement).isEqualTo(messageId);
        assertThat(b.requestId()).as("request id (%s)", placement).isEqualTo(requestId);
    }
}
