package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recipients where nothing is structured: X-Failed-Recipients, the wording of a sentence, a VERP address the report
 * was delivered to; never the report's own sender or its postmaster. Hand-written reports (example addresses only).
 */
class RecipientRecoveryTest {
    private final BounceParser parser = new BounceParser();

    private List<BounceRecord> parse(String message) {
        return parser.parse(Fixtures.bytes(message)).records();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Your message to taro@example.com couldn't be delivered.                              | taro@example.com
            This message could not be delivered to <taro@example.com> because of a problem.     | taro@example.com
            Delivery to the following recipient failed permanently: taro@example.com              | taro@example.com
            The mail system was unable to deliver your message to taro@example.com today.        | taro@example.com
            Recipient address: taro@example.com                                                   | taro@example.com
            """)
    void aRecipientNamedInASentence(String sentence, String recipient) {
        List<BounceRecord> r = parse(Fixtures.text("""
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: sender@example.org
                Subject: Undeliverable: hello
                """, "Hello, this is the mail system at mx.example.org.\n\n" + sentence
                + "\nPlease contact postmaster@mx.example.org if you need help.\n"));
        assertThat(r).extracting(BounceRecord::recipient).containsExactly(recipient);
    }

    @Test
    void theReportsOwnSenderAndPostmasterAreNeverTheRecipient() {
        List<BounceRecord> r = parse(Fixtures.text("""
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: sender@example.org
                Subject: Mail delivery failed
                """, """
                Hi. The following address failed:

                  <MAILER-DAEMON@mx.example.org>
                  <postmaster@mx.example.org>
                  <taro@example.com>: 550 5.1.1 user unknown

                --- Below this line is a copy of the message.
                """));
        assertThat(r).extracting(BounceRecord::recipient).containsExactly("taro@example.com");
    }

    @Test
    void anotherHostsPostmasterCanFail() {
        assertThat(new ReportSenderProbe().isOwn("postmaster@other.example.net")).isFalse();
        assertThat(new ReportSenderProbe().isOwn("postmaster@mx.example.org")).isTrue();
        assertThat(new ReportSenderProbe().isOwn("Mailer-Daemon@MX.example.org")).isTrue();
        assertThat(new ReportSenderProbe().isOwn("bounce-desk@mx.example.org")).isTrue(); // the From itself
        assertThat(new ReportSenderProbe().isOwn("taro@mx.example.org")).isFalse();
    }

    /** The From of a report, seen by {@link ReportSender}. */
    private static final class ReportSenderProbe {
        private final ReportSender sender = ReportSender.of(MailReader.read(Fixtures.bytes(Fixtures.text(
                "From: Bounces <bounce-desk@mx.example.org>\nSubject: failure", "x")), new java.util.ArrayList<>()));

        boolean isOwn(String address) {
            return sender.isOwn(address);
        }
    }

    @Test
    void aVerpAddressTheReportWasDeliveredTo() {
        List<BounceRecord> r = parse(Fixtures.text("""
                Delivered-To: news-bounces+taro=example.com@lists.example.org
                To: news-bounces+taro=example.com@lists.example.org
                From: MAILER-DAEMON@mx.example.net
                Subject: failure notice
                """, """
                I could not deliver your message. The mailbox is full.
                """));
        assertThat(r).singleElement().satisfies(b -> {
            assertThat(b.recipient()).isEqualTo("taro@example.com");
            assertThat(b.detector()).isEqualTo("VERP");
            assertThat(b.reason()).isEqualTo(Reason.MAILBOXFULL);
        });
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "-", textBlock = """
            news-bounces+taro=example.com@lists.example.org, taro@example.com
            owner+jiro.sato=mail.example.co.jp@example.org, jiro.sato@mail.example.co.jp
            bounces+0123456789abcdefghijklmn@shop.example, -
            bounces+a=b@shop.example, -
            plain@example.org, -
            """)
    void verpDecoding(String address, String recipient) {
        assertThat(VerpDetector.decode(address)).isEqualTo(recipient);
    }

    @Test
    void xFailedRecipientsWhenTheTextNamesNone() {
        List<BounceRecord> r = parse(Fixtures.text("""
                From: Mail Delivery System <Mailer-Daemon@mx.example.org>
                To: sender@example.org
                Subject: Mail delivery failed: returning message to sender
                X-Failed-Recipients: taro@example.com
                """, """
                This message was created automatically by mail delivery software.
                A message that you sent could not be delivered to one or more of its
                recipients. This is a permanent error.

                retry timeout exceeded
                """));
        assertThat(r).extracting(BounceRecord::recipient).containsExactly("taro@example.com");
        assertThat(r.get(0).reason()).isEqualTo(Reason.EXPIRED);
    }

    /** A list manager's bounce quotes the original delivered to the subscriber but addressed to the list. */
    @Test
    void theReturnedOriginalsDeliveryHeaderBeforeItsTo() {
        List<BounceRecord> r = parse(Fixtures.text("""
                From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
                To: news-bounces@lists.example.org
                Subject: Returned mail: see transcript for details
                """, """
                The original message was received at Mon, 1 Jan 2030 10:00:00 +0000.

                   ----- Unsent message follows -----
                Delivered-To: subscriber@example.com
                From: news@lists.example.org
                To: news@lists.example.org
                Subject: Weekly news

                Hello.
                """));
        assertThat(r).extracting(BounceRecord::recipient).containsExactly("subscriber@example.com");
        assertThat(ReturnedOriginalDetector.recipients("To: a@example.com\nCc: b@example.com\n"))
                .containsExactly("a@example.com", "b@example.com");
    }

    /**
     * The classic plain-text notices, written here after the MTAs' own templates: Sendmail's "following addresses had
     * permanent fatal errors" and its "THIS IS A WARNING MESSAGE ONLY", Exchange 2007's "Delivery has failed to these
     * recipients or groups", GroupWise's "undeliverable to the following", Yahoo's old qmail notice, Netscape
     * Messaging Server's "Recipient:" lines. Each names exactly its one recipient, not the list it came from.
     */
    static Stream<Arguments> classicNotices() {
        return Stream.of(
                Arguments.of("sendmail-classic", """
                From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
                To: owner-news@lists.example.org
                Subject: Returned mail: User unknown

                The original message was received at Mon, 1 Jan 2001 10:00:00 GMT
                from root@localhost

                   ----- The following addresses had permanent fatal errors -----
                <taro@example.com>

                   ----- Transcript of session follows -----
                ... while talking to mx.example.com.:
                >>> RCPT To:<taro@example.com>
                <<< 550 5.1.1 <taro@example.com>... User unknown
                550 <taro@example.com>... User unknown

                   ----- Original message follows -----
                From: news@lists.example.org
                To: news@lists.example.org
                Subject: hi

                hi
                """, "taro@example.com", Kind.BOUNCE, Reason.USERUNKNOWN, true),
                Arguments.of("exchange2007", """
                From: postmaster@example.org
                To: owner-news@lists.example.org
                Subject: Undeliverable: hi
                MIME-Version: 1.0
                Content-Type: text/plain

                Delivery has failed to these recipients or groups:

                jiro@example.org
                The e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message. If the problem continues, please contact your helpdesk.
                """, "jiro@example.org", Kind.BOUNCE, Reason.FILTERED, false),
                Arguments.of("groupwise", """
                From: Mail Administrator <postmaster@gw.example.org>
                To: owner-news@lists.example.org
                Subject: Message status - undeliverable

                The message that you sent was undeliverable to the following:
                	hanako@example.org (user not found)

                Possible delivery solutions:
                """, "hanako@example.org", Kind.BOUNCE, Reason.FILTERED, false),
                Arguments.of("yahoo-old", """
                From: MAILER-DAEMON@yahoo.com
                To: owner-news@lists.example.org
                Subject: failure delivery

                Message from yahoo.com.
                Unable to deliver message to the following address(es).

                <saburo@yahoo.com>:
                Sorry your message to saburo@yahoo.com cannot be delivered.  This account has been disabled or discontinued [#102].

                --- Original message follows.
                """, "saburo@yahoo.com", Kind.BOUNCE, Reason.SUSPEND, false),
                Arguments.of("netscape", """
                From: Mail Administrator <Postmaster@mail.example.net>
                To: owner-news@lists.example.org
                Subject: Mail System Error - Returned Mail

                This Message was undeliverable due to the following reason:

                Each of the following recipients was rejected by a remote mail server.
                The reasons given by the server are included to help you determine why
                each recipient was rejected.

                    Recipient: <shiro@example.net>
                    Reason:    <shiro@example.net>... User unknown

                Please reply to Postmaster@mail.example.net
                if you feel this message to be in error.
                """, "shiro@example.net", Kind.BOUNCE, Reason.FILTERED, false),
                Arguments.of("simple-warn", """
                From: MAILER-DAEMON@mx.example.org
                To: owner-news@lists.example.org
                Subject: Warning: could not send message for past 4 hours

                    **********************************************
                    **      THIS IS A WARNING MESSAGE ONLY      **
                    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **
                    **********************************************

                The original message was received at Mon, 1 Jan 2001 10:00:00 GMT

                   ----- Transcript of session follows -----
                <goro@example.com>... Deferred: Connection timed out with example.com.
                Warning: message still undelivered after 4 hours
                Will keep trying until message is 5 days old
                """, "goro@example.com", Kind.DELAY, Reason.EXPIRED, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classicNotices")
    void classicPlainTextNotices(String name, String message, String recipient, Kind kind, Reason reason, boolean hard) {
        assertThat(parse(message)).singleElement().satisfies(b -> {
            assertThat(b.recipient()).isEqualTo(recipient);
            assertThat(b.kind()).isEqualTo(kind);
            assertThat(b.reason()).isEqualTo(reason);
            assertThat(b.hard()).isEqualTo(hard);
        });
    }
}
