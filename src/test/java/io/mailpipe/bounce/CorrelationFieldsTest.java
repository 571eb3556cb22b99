package io.mailpipe.bounce;

import io.mailpipe.compose.MessageComposer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the bounce pipeline needs to find the original request: the quoted X-Mailpipe-Id and
 * Message-ID, the original's Return-Path and the addresses the report was delivered to (VERP).
 */
class CorrelationFieldsTest {
    private final BounceParser parser = new BounceParser();

    private static final String STATUS = """
            Reporting-MTA: dns; mx.example.org

            Final-Recipient: rfc822; nobody@example.com
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown
            """;

    @Test
    void quotedOriginalAndDeliveryAddressesAreRecorded() {
        String message = """
                Return-Path: <>
                X-Original-To: bounce+tok123@bounces.example.org
                Delivered-To: bounce+tok123@bounces.example.org
                """ + Fixtures.dsn("Your message could not be delivered.", STATUS, """
                Return-Path: <bounce+tok123@bounces.example.org>
                From: shop@example.org
                To: nobody@example.com
                Message-ID: <req-7.mailpipe@example.org>
                %s: req-7
                """.formatted(MessageComposer.HEADER_REQUEST_ID));
        BounceRecord b = parser.parse(Fixtures.bytes(message)).records().get(0);
        assertThat(b.requestId()).isEqualTo("req-7");
        assertThat(b.originalMessageId()).isEqualTo("req-7.mailpipe@example.org");
        assertThat(b.originalReturnPath()).isEqualTo("bounce+tok123@bounces.example.org");
        assertThat(b.reportRecipients()).containsExactly("bounce+tok123@bounces.example.org", "sender@example.org");
        assertThat(b.originalHeadersQuoted()).isTrue();
    }

    @Test
    void aReportWithoutTheOriginalSaysSo() {
        String message = Fixtures.text("""
                From: MAILER-DAEMON@mx.example.org
                To: sender@example.org
                Subject: failure notice
                """, """
                Hi. This is the qmail-send program at mx.example.org.
                I'm afraid I wasn't able to deliver your message to the following addresses.
                This is a permanent error; I've given up. Sorry it didn't work out.

                <nobody@example.com>:
                Sorry, no mailbox here by that name. (#5.1.1)
                """);
        BounceRecord b = parser.parse(Fixtures.bytes(message)).records().get(0);
        assertThat(b.originalHeadersQuoted()).isFalse();
        assertThat(b.originalMessageId()).isNull();
        assertThat(b.requestId()).isNull();
        assertThat(b.originalReturnPath()).isNull();
        assertThat(b.reportRecipients()).containsExactly("sender@example.org");
    }

    @Test
    void theNullSenderIsNoReturnPath() {
        String message = Fixtures.dsn("Your message could not be delivered.", STATUS, """
                Return-Path: <>
                From: shop@example.org
                Message-ID: <x-1@example.org>
                """);
        BounceRecord b = parser.parse(Fixtures.bytes(message)).records().get(0);
        assertThat(b.originalReturnPath()).isNull();
        assertThat(b.originalHeadersQuoted()).isTrue();
    }
}
