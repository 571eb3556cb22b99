package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Complaints (ARF), auto-replies (RFC 3834) and Amazon SES JSON notifications. */
class ReportKindsTest {
    private final BounceParser parser = new BounceParser();

    @Test
    void arfComplaint() {
        String msg = """
                From: Feedback Loop <fbl@isp.example.net>
                To: abuse@example.org
                Subject: FW: hello
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="B"

                --B
                Content-Type: text/plain

                This is an email abuse report for a message received from 192.0.2.1.
                --B
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: ExampleFBL/1.0
                Version: 1
                Original-Rcpt-To: complainer@example.net

                --B
                Content-Type: message/rfc822

                From: sender@example.org
                To: complainer@example.net
                Message-ID: <original-9@example.org>
                X-Mailpipe-Id: req-9

                body
                --B--
                """;
        BounceRecord b = parser.parse(Fixtures.bytes(msg)).records().get(0);
        assertThat(b.kind()).isEqualTo(Kind.COMPLAINT);
        assertThat(b.reason()).isEqualTo(Reason.FEEDBACK);
        assertThat(b.feedbackType()).isEqualTo("abuse");
        assertThat(b.recipient()).isEqualTo("complainer@example.net");
        assertThat(b.originalMessageId()).isEqualTo("original-9@example.org");
        assertThat(b.requestId()).isEqualTo("req-9");
        assertThat(b.hard()).isFalse();
    }

    /** RFC 5965 structure wins over the subject and Auto-Submitted: a feedback report is a complaint. */
    @Test
    void aFeedbackReportWithAnAutoReplySubjectIsAComplaint() {
        String msg = """
                From: Feedback Loop <fbl@isp.example.net>
                To: abuse@example.org
                Subject: Auto-Reply: out of office
                Auto-Submitted: auto-replied
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="B"

                --B
                Content-Type: text/plain

                A complaint about a message from 192.0.2.1.
                --B
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: ExampleFBL/1.0
                Version: 1
                Original-Rcpt-To: <complainer@example.net>

                --B--
                """;
        assertThat(parser.parse(Fixtures.bytes(msg)).records()).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo(Kind.COMPLAINT);
            assertThat(b.recipient()).isEqualTo("complainer@example.net");
        });
    }

    /** A feedback report forwarded as an attachment, by a person whose client marks it as an automatic reply. */
    @Test
    void aForwardedFeedbackReportIsAComplaint() {
        String msg = """
                From: Postmaster Desk <desk@isp.example.net>
                To: abuse@example.org
                Subject: Automatic reply: spam complaint
                X-Autoreply: yes
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="OUT"

                --OUT
                Content-Type: text/plain

                Forwarding the report below.
                --OUT
                Content-Type: message/rfc822

                From: fbl@isp.example.net
                Subject: Abuse report
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="IN"

                --IN
                Content-Type: text/plain

                This is an abuse report.
                --IN
                Content-Type: message/feedback-report

                Feedback-Type: fraud
                User-Agent: ExampleFBL/1.0
                Version: 1
                Original-Rcpt-To: victim@example.net

                --IN--
                --OUT--
                """;
        assertThat(parser.parse(Fixtures.bytes(msg)).records()).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo(Kind.COMPLAINT);
            assertThat(b.feedbackType()).isEqualTo("fraud");
            assertThat(b.recipient()).isEqualTo("victim@example.net");
        });
    }

    /** The report's fields written into a plain text body (no feedback-report part): still RFC 5965's report. */
    @Test
    void feedbackFieldsInTheTextAreAComplaint() {
        String msg = Fixtures.text("""
                From: fbl@isp.example.net
                To: abuse@example.org
                Subject: Out of Office: report
                """, """
                Feedback-Type: abuse
                User-Agent: ExampleFBL/1.0
                Version: 1
                Original-Rcpt-To: complainer@example.net
                Arrival-Date: Thu, 8 Mar 2025 14:00:00 EDT
                """);
        assertThat(parser.parse(Fixtures.bytes(msg)).records()).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo(Kind.COMPLAINT);
            assertThat(b.recipient()).isEqualTo("complainer@example.net");
        });
    }

    @Test
    void vacationAutoReply() {
        String msg = Fixtures.text("""
                From: Someone <someone@example.com>
                To: sender@example.org
                Subject: Automatic reply: hello
                Auto-Submitted: auto-replied
                """, "I am out of the office until Monday.\n");
        BounceRecord b = parser.parse(Fixtures.bytes(msg)).records().get(0);
        assertThat(b.kind()).isEqualTo(Kind.AUTOREPLY);
        assertThat(b.reason()).isEqualTo(Reason.VACATION);
        assertThat(b.recipient()).isEqualTo("someone@example.com");
    }

    @Test
    void amazonSesJsonBounce() {
        String msg = Fixtures.text("""
                From: SES <no-reply@sns.amazonaws.com>
                Subject: AWS Notification Message
                """, """
                {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",
                "bouncedRecipients":[{"emailAddress":"nobody@example.com","action":"failed","status":"5.1.1",
                "diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"reportingMTA":"dsn; a1.example.net"},
                "mail":{"messageId":"x"}}
                """);
        BounceRecord b = parser.parse(Fixtures.bytes(msg)).records().get(0);
        assertThat(b.detector()).isEqualTo("AmazonSES");
        assertThat(b.recipient()).isEqualTo("nobody@example.com");
        assertThat(b.reason()).isEqualTo(Reason.USERUNKNOWN);
        assertThat(b.hard()).isTrue();
    }

    @Test
    void ordinaryMailIsNotAReport() {
        String msg = Fixtures.text("""
                From: Friend <friend@example.com>
                To: me@example.org
                Subject: lunch?
                """, "Shall we meet at noon? Write to friend@example.com.\n");
        ParseResult r = parser.parse(Fixtures.bytes(msg));
        assertThat(r.isReport()).isFalse();
    }
}
