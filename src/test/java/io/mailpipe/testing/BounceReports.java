package io.mailpipe.testing;

import java.nio.charset.StandardCharsets;

/** Bounce reports as a receiving MTA writes them, for tests that drop them into an IMAP bounce mailbox. */
public final class BounceReports {
    private BounceReports() {
    }

    /** A DSN (multipart/report, 5.1.1 user unknown) for one recipient, with its own Message-ID (the report id). */
    public static byte[] userUnknown(String reportId, String to, String recipient) {
        return ("""
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: %s
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <%s@mx.example.org>
                Date: Sat, 28 Nov 2026 10:00:00 +0000
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

                --b1
                Content-Type: text/plain; charset=us-ascii

                Your message could not be delivered to %s: no such user.

                --b1
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; %s
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 <%s>: Recipient address rejected: User unknown

                --b1--
                """).formatted(to, reportId, recipient, recipient, recipient).replace("\n", "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
