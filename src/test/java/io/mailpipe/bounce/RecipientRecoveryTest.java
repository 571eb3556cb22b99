package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

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
}
