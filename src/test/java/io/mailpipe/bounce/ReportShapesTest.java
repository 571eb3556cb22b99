package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Report shapes around the formats: fields in an unusual order, a report nested inside a gateway's
 * report, delivery-status fields written into the body, quoted local parts, a Japanese
 * delivery-status part. Made-up samples, example.com addresses only.
 */
class ReportShapesTest {
    private final BounceParser parser = new BounceParser();

    @Test
    void originalRecipientAfterFinalRecipientStaysInTheSameBlock() {
        List<FieldBlocks.Block> blocks = FieldBlocks.parse("""
                Reporting-MTA: dns; mx.example.org

                Action: failed
                Final-Recipient: rfc822; nobody@example.com
                Original-Recipient: rfc822; nobody@example.com
                Diagnostic-Code: smtp; 550 5.1.1 no such user
                Status: 5.1.1

                Final-Recipient: rfc822; other@example.com
                Action: failed
                Status: 5.2.2
                """);
        assertThat(blocks).hasSize(3);
        assertThat(Rfc3464Detector.fromDeliveryStatus(String.join("\n", """
                Action: failed
                Final-Recipient: rfc822; nobody@example.com
                Original-Recipient: rfc822; nobody@example.com
                Status: 5.1.1
                Original-Recipient: rfc822; second@example.com
                Final-Recipient: rfc822; second@example.com
                Status: 5.2.2
                """))).extracting(f -> f.recipient).containsExactly("nobody@example.com", "second@example.com");
    }

    @Test
    void reportNestedInAGatewaysReportIsOpened() {
        String message = """
                From: Mail Delivery Subsystem <MAILER-DAEMON@gw.example.org>
                To: sender@example.org
                Subject: Returned mail: User unknown
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="OUTER"

                --OUTER
                Content-Type: text/plain; charset=us-ascii

                ----- The following addresses had permanent delivery errors -----

                --OUTER
                Content-Type: message/rfc822

                From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
                To: sender@example.org
                Subject: Returned mail: User unknown
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="INNER"

                --INNER
                Content-Type: text/plain

                ----- The following addresses had permanent delivery errors -----
                nobody@example.com

                --INNER
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: RFC822; nobody@example.com
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: SMTP; 550 5.1.1 User unknown

                --INNER
                Content-Type: text/rfc822-headers

                Message-ID: <nested-1@example.org>
                X-Mailpipe-Id: req-nested

                --INNER--

                --OUTER--
                """;
        List<BounceRecord> records = parser.parse(Fixtures.bytes(message)).records();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).recipient()).isEqualTo("nobody@example.com");
        assertThat(records.get(0).reason()).isEqualTo(Reason.USERUNKNOWN);
        assertThat(records.get(0).originalMessageId()).isEqualTo("nested-1@example.org");
        assertThat(records.get(0).requestId()).isEqualTo("req-nested");
    }

    @Test
    void deliveryStatusFieldsInTheBodyText() {
        // an old Sendmail whose multipart/report lost its boundaries: everything is one text
        String message = Fixtures.text("""
                From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
                To: sender@example.org
                Subject: Returned mail: Service unavailable
                """, """
                   ----- The following addresses had permanent fatal errors -----
                <nobody@example.com>

                   ----- Transcript of session follows -----
                mail.local: unknown user: nobody
                554 <nobody@example.com>... Service unavailable

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: RFC822; <nobody@example.com>
                Action: failed
                Status: 5.5.0
                """);
        List<BounceRecord> records = parser.parse(Fixtures.bytes(message)).records();
        assertThat(records).hasSize(1);
        BounceRecord b = records.get(0);
        assertThat(b.detector()).isEqualTo("RFC3464");
        assertThat(b.recipient()).isEqualTo("nobody@example.com");
        assertThat(b.status()).isEqualTo("5.5.0");
        assertThat(b.reason()).isEqualTo(Reason.USERUNKNOWN);
    }

    @Test
    void quotedLocalPartKeepsItsQuotes() {
        assertThat(Texts.firstAddress("rfc822; \"no..body\"@example.com")).isEqualTo("\"no..body\"@example.com");
        assertThat(Texts.cleanAddress("<\"no..body\"@example.com>")).isEqualTo("\"no..body\"@example.com");
        assertThat(Texts.cleanAddress("\"nobody@example.com\"")).isEqualTo("nobody@example.com");
        assertThat(Texts.firstAddress("<nobody@example.com> \"x\"@example.org")).isEqualTo("nobody@example.com");
    }

    @Test
    void japaneseDeliveryStatusIsDecoded() {
        String ds = "Reporting-MTA: dns;mx.example.org\r\n\r\nFinal-Recipient: rfc822;nobody@example.com\r\n"
                + "Action: failed\r\nStatus: 5.0.0\r\n"
                + "Diagnostic-Code: X-Notes; ユーザー Nobody (nobody@example.com) は Domino ディレクトリには見つかりません。\r\n";
        byte[] dsBytes = ds.getBytes(Charset.forName("ISO-2022-JP"));
        String head = """
                From: Postmaster@example.org\r
                To: sender@example.org\r
                Subject: DELIVERY FAILURE: nobody\r
                MIME-Version: 1.0\r
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r
                \r
                --B\r
                Content-Type: message/delivery-status\r
                \r
                """;
        byte[] tail = "\r\n--B--\r\n".getBytes(Charset.forName("US-ASCII"));
        byte[] all = new byte[head.length() + dsBytes.length + tail.length];
        System.arraycopy(head.getBytes(Charset.forName("US-ASCII")), 0, all, 0, head.length());
        System.arraycopy(dsBytes, 0, all, head.length(), dsBytes.length);
        System.arraycopy(tail, 0, all, head.length() + dsBytes.length, tail.length);
        List<BounceRecord> records = parser.parse(all).records();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).detector()).isEqualTo("Domino");
        assertThat(records.get(0).diagnostic()).contains("ディレクトリには見つかりません");
        assertThat(records.get(0).reason()).isEqualTo(Reason.USERUNKNOWN);
    }
}
