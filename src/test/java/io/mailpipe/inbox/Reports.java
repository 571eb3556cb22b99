package io.mailpipe.inbox;

import java.nio.charset.StandardCharsets;

/** Hand-written messages of a bounce mailbox for unit tests. */
final class Reports {
    private Reports() {
    }

    /** An RFC 3464 report about one recipient; {@code quoted} are the returned original's header lines. */
    static byte[] dsn(String reportMessageId, String recipient, String status, String diagnostic, String quoted) {
        String idLine = reportMessageId == null ? "" : "Message-ID: <" + reportMessageId + ">\n";
        return ("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
                + "To: shop@shop.example\n"
                + "Subject: Undelivered Mail Returned to Sender\n"
                + idLine
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n"
                + "--b1\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
                + "--b1\nContent-Type: message/delivery-status\n\n"
                + "Reporting-MTA: dns; mx.example.org\n\n"
                + "Final-Recipient: rfc822; " + recipient + "\n"
                + "Action: failed\nStatus: " + status + "\n"
                + "Remote-MTA: dns; mx.example.org\n"
                + "Diagnostic-Code: smtp; " + diagnostic + "\n\n"
                + "--b1\nContent-Type: text/rfc822-headers\n\n" + quoted + "\n"
                + "--b1--\n").replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] hardBounce(String reportMessageId, String recipient, String quoted) {
        return dsn(reportMessageId, recipient, "5.1.1", "550 5.1.1 <" + recipient + ">: Recipient address rejected: User unknown",
                quoted);
    }

    static byte[] mailboxFull(String reportMessageId, String recipient, String quoted) {
        return dsn(reportMessageId, recipient, "5.2.2", "552 5.2.2 <" + recipient + ">: Mailbox full, over quota", quoted);
    }

    static byte[] notAReport() {
        return "From: a@example.net\r\nSubject: lunch?\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
