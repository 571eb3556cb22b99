package io.mailpipe.bounce;

import java.nio.charset.StandardCharsets;

/** Small made-up bounce messages for the detector tests (example.com addresses only). */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A single-part text message with the given headers (one per line, no trailing newline needed). */
    static String text(String headers, String body) {
        return headers.strip() + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n" + body;
    }

    /** A multipart/report DSN: human text, delivery-status fields, returned headers. */
    static String dsn(String humanText, String deliveryStatus, String returnedHeaders) {
        return """
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: sender@example.org
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <report-1@mx.example.org>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"

                --BOUND
                Content-Type: text/plain; charset=us-ascii

                """ + humanText + """

                --BOUND
                Content-Type: message/delivery-status

                """ + deliveryStatus + """

                --BOUND
                Content-Type: text/rfc822-headers

                """ + returnedHeaders + """

                --BOUND--
                """;
    }

    static final String RETURNED_HEADERS = """
            From: sender@example.org
            To: nobody@example.com
            Subject: hello
            Message-ID: <original-1@example.org>
            X-Mailpipe-Id: req-42
            """;

    /** Asserts the message parses to exactly one record with these fields (the table tests of the detectors). */
    static void assertSingleRecord(BounceParser parser, String detector, String message, String recipient, String status,
                                   Reason reason, boolean hard) {
        ParseResult r = parser.parse(bytes(message));
        org.assertj.core.api.Assertions.assertThat(r.records()).as("records of %s", detector).hasSize(1);
        BounceRecord b = r.records().get(0);
        org.assertj.core.api.Assertions.assertThat(b.detector()).isEqualTo(detector);
        org.assertj.core.api.Assertions.assertThat(b.recipient()).isEqualTo(recipient);
        org.assertj.core.api.Assertions.assertThat(b.status()).isEqualTo(status);
        org.assertj.core.api.Assertions.assertThat(b.reason()).isEqualTo(reason);
        org.assertj.core.api.Assertions.assertThat(b.hard()).isEqualTo(hard);
    }
}
