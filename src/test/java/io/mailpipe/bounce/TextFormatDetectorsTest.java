package io.mailpipe.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** One table for the plain-text formats: sample -> detector, recipient, status, reason, hard. */
class TextFormatDetectorsTest {
    private final BounceParser parser = new BounceParser();

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("Exim", Fixtures.text("""
                        From: Mail Delivery System <Mailer-Daemon@mx.example.org>
                        To: sender@example.org
                        Subject: Mail delivery failed: returning message to sender
                        X-Failed-Recipients: nobody@example.com
                        """, """
                        This message was created automatically by mail delivery software.

                        A message that you sent could not be delivered to one or more of its
                        recipients. This is a permanent error. The following address(es) failed:

                          nobody@example.com
                            SMTP error from remote mail server after RCPT TO:<nobody@example.com>:
                            host mx.example.com [192.0.2.7]: 550 5.1.1 <nobody@example.com>: no such user here

                        ------ This is a copy of the message, including all the headers. ------

                        Message-Id: <original-2@example.org>
                        From: sender@example.org
                        """), "nobody@example.com", "5.1.1", Reason.USERUNKNOWN, true),
                Arguments.of("Exim", Fixtures.text("""
                        From: Mail Delivery System <Mailer-Daemon@mx.example.org>
                        Subject: Mail delivery failed: returning message to sender
                        X-Failed-Recipients: full@example.com
                        """, """
                        A message that you sent could not be delivered to one or more of its
                        recipients. This is a permanent error. The following address(es) failed:

                          full@example.com
                            host mx.example.com [192.0.2.7]: 552 5.2.2 mailbox quota exceeded for this user

                        ------ This is a copy of the message, including all the headers. ------
                        """), "full@example.com", "5.2.2", Reason.MAILBOXFULL, false),
                Arguments.of("qmail", Fixtures.text("""
                        From: MAILER-DAEMON@mx.example.org
                        Subject: failure notice
                        """, """
                        Hi. This is the qmail-send program at mx.example.org.
                        I'm afraid I wasn't able to deliver your message to the following addresses.
                        This is a permanent error; I've given up. Sorry it didn't work out.

                        <nobody@example.com>:
                        Sorry, I couldn't find any host named example.com. (#5.1.2)

                        --- Below this line is a copy of the message.

                        Message-ID: <original-3@example.org>
                        """), "nobody@example.com", "5.1.2", Reason.HOSTUNKNOWN, true),
                Arguments.of("DragonFly", Fixtures.text("""
                        From: MAILER-DAEMON <>
                        Subject: Mail delivery failed
                        Received: from MAILER-DAEMON id 1 by df.example.org (DragonFly Mail Agent v0.13); Thu, 1 Feb 2024 10:00:00 +0000
                        """, """
                        This is the DragonFly Mail Agent v0.13 at df.example.org.

                        There was an error delivering your mail to <nobody@example.com>.

                        mx.example.com [192.0.2.8] did not like our RCPT TO:
                        550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown

                        Message headers follow.
                        """), "nobody@example.com", "5.1.1", Reason.USERUNKNOWN, true),
                Arguments.of("OpenSMTPD", Fixtures.text("""
                        From: Mailer Daemon <MAILER-DAEMON@mx.example.org>
                        Subject: Delivery status notification: error
                        """, """
                            Hi!

                            This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.

                            An error has occurred while attempting to deliver a message for
                            the following list of recipients:

                        nobody@example.com: 552 5.3.4 message too big for this system

                            Below is a copy of the original message:
                        """), "nobody@example.com", "5.3.4", Reason.MESGTOOBIG, false),
                Arguments.of("Gmail", Fixtures.text("""
                        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                        Subject: Delivery Status Notification (Failure)
                        X-Failed-Recipients: nobody@example.com
                        """, """
                        Delivery to the following recipient failed permanently:

                             nobody@example.com

                        Technical details of permanent failure:
                        DNS Error: Domain name not found

                        ----- Original message -----
                        """), "nobody@example.com", null, Reason.HOSTUNKNOWN, true),
                Arguments.of("GoogleGroups", Fixtures.text("""
                        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                        Subject: Delivery Status Notification (Failure)
                        X-Failed-Recipients: some-group@googlegroups.com
                        """, """
                        The group you tried to contact may not exist, or you may not have permission to post.

                        ----- Original message -----
                        """), "some-group@googlegroups.com", null, Reason.REJECTED, false),
                // "user unknown" with neither a status code nor the SMTP command: like Sisimai, a
                // filter may have said it (only the RCPT reply proves the address is unknown)
                Arguments.of("Generic", Fixtures.text("""
                        From: "Postmaster" <postmaster@example.org>
                        Subject: Undeliverable Mail
                        """, """
                        Unknown user: nobody@example.com

                        Original message follows.
                        """), "nobody@example.com", null, Reason.FILTERED, false),
                // the same words with the RCPT command named: the directory refused the address
                Arguments.of("Generic", Fixtures.text("""
                        From: "Postmaster" <postmaster@example.org>
                        Subject: Undeliverable Mail
                        """, """
                        Unknown user: nobody@example.com
                        (in reply to RCPT TO command)

                        Original message follows.
                        """), "nobody@example.com", null, Reason.USERUNKNOWN, true),
                Arguments.of("Generic", Fixtures.text("""
                        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
                        Subject: Returned mail: see transcript for details
                        """, """
                           ----- Transcript of session follows -----
                        >>> RCPT To:<nobody@example.com>
                        <<< 550 5.1.1 <nobody@example.com>... User unknown
                        550 5.1.1 <nobody@example.com>... User unknown

                           ----- Unsent message follows -----
                        """), "nobody@example.com", "5.1.1", Reason.USERUNKNOWN, true));
    }

    @ParameterizedTest(name = "{0}: {4}")
    @MethodSource("samples")
    void extracts(String detector, String message, String recipient, String status, Reason reason, boolean hard) {
        Fixtures.assertSingleRecord(parser, detector, message, recipient, status, reason, hard);
    }
}
