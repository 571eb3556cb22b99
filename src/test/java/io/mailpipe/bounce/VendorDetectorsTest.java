package io.mailpipe.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One table for the vendor formats (Exchange 2003, IMail, Notes, EZweb, KDDI, PowerMTA, X6,
 * Verizon, Active!hunter, InterScan): made-up sample -> detector, recipient, status, reason, hard.
 */
class VendorDetectorsTest {
    private final BounceParser parser = new BounceParser();

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("Exchange2003", Fixtures.text("""
                        From: System Administrator <postmaster@example.org>
                        Subject: Undeliverable: hello
                        X-Mailer: Internet Mail Service (5.5.2653.19)
                        """, """
                        Your message

                          To:      nobody@example.com
                          Subject: hello

                        did not reach the following recipient(s):

                        nobody@example.com on Mon, 1 Jan 2024 10:00:00 +0000
                            The recipient name is not recognized
                            MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (000C05A6) Unknown Recipient
                        """), "nobody@example.com", null, Reason.USERUNKNOWN, true),
                Arguments.of("Exchange2003", Fixtures.text("""
                        From: System Administrator <postmaster@example.org>
                        Subject: Undeliverable: hello
                        X-MimeOLE: Produced By Microsoft Exchange V6.5
                        """, """
                        did not reach the following recipient(s):

                        loop@example.com on 1/1/2024 10:00 AM
                            The message has too many hops
                            MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (00120270) Too Many Hops
                        """), "loop@example.com", null, Reason.NETWORKERROR, false),
                Arguments.of("IMail", Fixtures.text("""
                        From: "Postmaster" <postmaster@example.org>
                        Subject: Undeliverable Mail
                        X-Mailer: <SMTP32 v8.22>
                        """, """
                        Unknown user: nobody@example.com

                        Original message follows.
                        """), "nobody@example.com", null, Reason.USERUNKNOWN, true),
                Arguments.of("IMail", Fixtures.text("""
                        From: "Postmaster" <postmaster@example.org>
                        Subject: Undeliverable Mail
                        X-Mailer: <SMTP32 v9.23>
                        """, """
                        undeliverable to full@example.com

                        Body of message generated response:
                        552 5.2.2 mailbox full for this user

                        Original message follows.
                        """), "full@example.com", "5.2.2", Reason.MAILBOXFULL, false),
                Arguments.of("Notes", Fixtures.text("""
                        From: postmaster@example.org
                        Subject: Undeliverable message
                        """, """
                        ------- Failure Reasons  --------

                        User not listed in public Name & Address Book
                        nobody@example.com

                        ------- Returned Message --------
                        Message-Id: <original-9@example.org>
                        """), "nobody@example.com", null, Reason.USERUNKNOWN, true),
                Arguments.of("EZweb", Fixtures.text("""
                        From: <Postmaster@ezweb.ne.jp>
                        Subject: Mail System Error - Returned Mail
                        """, """
                        The user(s) account is disabled.

                        <nobody@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)
                        """), "nobody@ezweb.ne.jp", null, Reason.SUSPEND, false),
                Arguments.of("EZweb", Fixtures.text("""
                        From: <Postmaster@ezweb.ne.jp>
                        Subject: Mail System Error - Returned Mail
                        X-SPASIGN: NG
                        """, """
                        Each of the following recipients was rejected by a remote mail server.

                        <picky@ezweb.ne.jp>
                        """), "picky@ezweb.ne.jp", null, Reason.FILTERED, false),
                Arguments.of("EZweb", Fixtures.text("""
                        From: <Postmaster@ezweb.ne.jp>
                        Subject: Mail System Error - Returned Mail
                        """, """
                        Each of the following recipients was rejected by a remote
                        mail server.

                            Recipient: <nobody@ezweb.ne.jp>
                            >>> RCPT TO:<nobody@ezweb.ne.jp>
                            <<< 550 <nobody@ezweb.ne.jp>: User unknown
                        """), "nobody@ezweb.ne.jp", null, Reason.USERUNKNOWN, true),
                Arguments.of("KDDI", Fixtures.text("""
                        From: no-reply@mx.dion.ne.jp
                        Subject: Mail
                        """, """
                        Your mail sent on: Mon, 1 Jan 2024 10:00:00 +0900
                             Could not be delivered to: <full@example.dion.ne.jp>
                             As their mailbox is full.
                        """), "full@example.dion.ne.jp", null, Reason.MAILBOXFULL, false),
                Arguments.of("X6", Fixtures.text("""
                        From: mailer-daemon
                        Subject: There was an error sending your mail
                        """, """
                        We had trouble delivering your message. Full details follow:

                        1 error(s):

                        SMTP Server <mx.example.com> rejected recipient <nobody@example.com> (Error following RCPT command). It responded as follows: [550 5.1.1 no such user]

                        The attachment contains the original mail headers.
                        """), "nobody@example.com", "5.1.1", Reason.USERUNKNOWN, true),
                Arguments.of("Verizon", Fixtures.text("""
                        From: MMSC NDR Administrator <sysadmin@mms.vzwpix.com>
                        Subject: Undeliverable Message
                        """, """
                        Message could not be delivered to mobile.
                        Error: No valid recipients for this MM

                        Original Message:
                        From: sender@example.org
                        To: 5555550100@vzwpix.com
                        Subject: hello
                        """), "5555550100@vzwpix.com", null, Reason.USERUNKNOWN, true),
                Arguments.of("Activehunter", Fixtures.text("""
                        From: "MAILER-DAEMON" <MAILER-DAEMON@example.org>
                        Subject: FAILURE NOTICE : hello
                        X-AHMAILID: 20240101T100000+0900-0000-0000
                        """, """
                        The original message was received at Mon, 1 Jan 2024 10:00:00 +0900

                          ----- The following addresses had permanent fatal errors -----
                        >>> nobody@example.com <nobody@example.com>

                          ----- Transcript of session follows -----
                        550 5.1.1 sorry, no mailbox here by that name
                        """), "nobody@example.com", "5.1.1", Reason.USERUNKNOWN, true),
                Arguments.of("InterScanMSS", Fixtures.text("""
                        From: postmaster@example.org ("InterScan Notification")
                        Subject: Mail could not be delivered
                        """, """
                        ***********************************************
                        Message from InterScan Messaging Security Suite
                        Unable to deliver message to <nobody@example.com> (and other recipients in the same domain). Please check if address is correct.
                        ***********************************************
                        """), "nobody@example.com", null, Reason.USERUNKNOWN, true),
                Arguments.of("PowerMTA", Fixtures.dsn("""
                        This is a delivery status notification.
                        """, """
                        Reporting-MTA: dns; mta.example.org

                        Final-Recipient: rfc822; nobody@example.com
                        Action: failed
                        Status: 5.2.1
                        Diagnostic-Code: smtp; 550 5.2.1 <nobody@example.com>... mailbox unknown
                        X-PowerMTA-BounceCategory: bad-mailbox
                        """, Fixtures.RETURNED_HEADERS), "nobody@example.com", "5.2.1", Reason.USERUNKNOWN, true));
    }

    @ParameterizedTest(name = "{0}: {4}")
    @MethodSource("samples")
    void extracts(String detector, String message, String recipient, String status, Reason reason, boolean hard) {
        Fixtures.assertSingleRecord(parser, detector, message, recipient, status, reason, hard);
    }
}
