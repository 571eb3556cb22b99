package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class Rfc3464DetectorTest {
    private final BounceParser parser = new BounceParser();

    static Stream<Arguments> samples() {
        return Stream.of(
                // Diagnostic-Code, Status, expected status, reason, hard
                Arguments.of("smtp; 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table",
                        "5.1.1", "5.1.1", Reason.USERUNKNOWN, true),
                Arguments.of("smtp; 552 5.2.2 <nobody@example.com>: mailbox is over its storage limit",
                        "5.2.2", "5.2.2", Reason.MAILBOXFULL, false),
                Arguments.of("smtp; 550 5.1.1 the mailbox is full and cannot take more mail",
                        "5.1.1", "5.1.1", Reason.MAILBOXFULL, false),
                Arguments.of("smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.example.net",
                        "5.7.1", "5.7.1", Reason.BLOCKED, false),
                Arguments.of("smtp; 550-5.7.26 This mail is unauthenticated, the sending domain failed its DMARC policy",
                        "5.7.26", "5.7.26", Reason.AUTHFAILURE, false),
                Arguments.of("smtp; 552 5.3.4 Message size exceeds fixed limit", "5.3.4", "5.3.4", Reason.MESGTOOBIG, false),
                Arguments.of("smtp; 550 5.1.2 Host unknown (Name server: example.invalid: host not found)",
                        "5.1.2", "5.1.2", Reason.HOSTUNKNOWN, true),
                Arguments.of("smtp; 550 5.2.1 The email account that you tried to reach is disabled",
                        "5.2.1", "5.2.1", Reason.SUSPEND, false),
                Arguments.of("x-unix; procmail: could not write the mailbox file", "5.3.0", "5.3.0", Reason.MAILERERROR, false),
                // the remote host's own code wins over the MTA's summary code
                Arguments.of("smtp; 550 5.7.1 IP address is on our blacklist", "5.0.0", "5.7.1", Reason.BLOCKED, false));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void decidesStatusReasonHard(String diagnostic, String status, String wantStatus, Reason reason, boolean hard) {
        String ds = """
                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; nobody@example.com
                Action: failed
                Status: %s
                Remote-MTA: dns; mx.example.com
                Diagnostic-Code: %s
                """.formatted(status, diagnostic);
        ParseResult r = parser.parse(Fixtures.bytes(Fixtures.dsn("Delivery failed.", ds, Fixtures.RETURNED_HEADERS)));
        assertThat(r.records()).hasSize(1);
        BounceRecord b = r.records().get(0);
        assertThat(b.recipient()).isEqualTo("nobody@example.com");
        assertThat(b.status()).isEqualTo(wantStatus);
        assertThat(b.reason()).isEqualTo(reason);
        assertThat(b.hard()).isEqualTo(hard);
        assertThat(b.kind()).isEqualTo(Kind.BOUNCE);
        assertThat(b.detector()).isEqualTo("RFC3464");
    }

    @Test
    void everyRecipientBlockAndOriginalIds() {
        String ds = """
                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; first@example.com
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 no such user

                Final-Recipient: rfc822; second@example.com
                Action: delayed
                Status: 4.4.7
                Diagnostic-Code: smtp; 451 4.4.7 delivery time expired
                """;
        ParseResult r = parser.parse(Fixtures.bytes(Fixtures.dsn("Some failed.", ds, Fixtures.RETURNED_HEADERS)));
        assertThat(r.records()).extracting(BounceRecord::recipient).containsExactly("first@example.com", "second@example.com");
        assertThat(r.records()).extracting(BounceRecord::kind).containsExactly(Kind.BOUNCE, Kind.DELAY);
        assertThat(r.records().get(1).reason()).isEqualTo(Reason.EXPIRED);
        assertThat(r.records()).allSatisfy(b -> {
            assertThat(b.originalMessageId()).isEqualTo("original-1@example.org");
            assertThat(b.requestId()).isEqualTo("req-42");
            assertThat(b.reportingMta()).isEqualTo("mx.example.org");
        });
    }

    @Test
    void deliveredReport() {
        String ds = """
                Final-Recipient: rfc822; nobody@example.com
                Action: delivered
                Status: 2.0.0
                Diagnostic-Code: smtp; 250 2.0.0 Ok: queued
                """;
        List<BounceRecord> r = parser.parse(Fixtures.bytes(Fixtures.dsn("Delivered.", ds, Fixtures.RETURNED_HEADERS))).records();
        assertThat(r).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo(Kind.DELIVERED);
            assertThat(b.reason()).isEqualTo(Reason.DELIVERED);
            assertThat(b.hard()).isFalse();
        });
    }
}
