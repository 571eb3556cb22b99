package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which status code a record gets when a report carries several. */
class StatusFieldsTest {
    private final BounceParser parser = new BounceParser();

    private BounceRecord only(String message) {
        ParseResult r = parser.parse(Fixtures.bytes(message));
        assertThat(r.records()).hasSize(1);
        return r.records().get(0);
    }

    @Test
    void theAnsweringHostsCodeIsTheLastOneAfterAReplyCode() {
        assertThat(Texts.remoteStatus("554 4.4.7 Message expired: unable to deliver <421 4.4.2 Connection timed out>"))
                .isEqualTo("4.4.2");
        assertThat(Texts.remoteStatus("5.1.0 - Unknown address error 550 '5.2.2 <a@example.com>... Mailbox Full'"))
                .isEqualTo("5.2.2");
        assertThat(Texts.remoteStatus("Status 5.1.1 without a reply code")).isNull();
        assertThat(Texts.bestStatus("Status 5.1.1 without a reply code")).isEqualTo("5.1.1");
    }

    @Test
    void theRemoteReplyWinsWhereTheDsnStatusContradictsTheAction() {
        BounceRecord b = only(Fixtures.dsn("Your message could not be delivered.", """
                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; busy@example.com
                Action: failed
                Status: 4.5.0
                Diagnostic-Code: smtp; 550 5.5.0 Service refused, please try later
                """, Fixtures.RETURNED_HEADERS));
        assertThat(b.status()).isEqualTo("5.5.0");
    }

    @Test
    void anUnspecificStatusIsRefinedFromTheTranscript() {
        BounceRecord b = only(Fixtures.dsn("""
                   ----- The following addresses had permanent fatal errors -----
                "|/usr/local/bin/filter"
                    (reason: 255)

                   ----- Transcript of session follows -----
                554 5.3.0 unknown mailer error 255
                """, """
                Reporting-MTA: dns; mx.example.org

                Final-Recipient: RFC822; piped@example.com
                Action: failed
                Status: 5.0.0
                Diagnostic-Code: X-Unix; 255
                """, Fixtures.RETURNED_HEADERS));
        assertThat(b.status()).isEqualTo("5.3.0");
        assertThat(b.reason()).isEqualTo(Reason.MAILERERROR);
    }

    @Test
    void theAnsweringHostsOwnUnspecificCodeStays() {
        BounceRecord b = only(Fixtures.dsn("""
                   ----- Transcript of session follows -----
                550 5.1.1 <gone@example.com>... User unknown
                """, """
                Reporting-MTA: dns; mx.example.org

                Final-Recipient: RFC822; gone@example.com
                Action: failed
                Status: 5.0.0
                Diagnostic-Code: SMTP; 550 5.0.0 <gone@example.com>... User unknown
                """, Fixtures.RETURNED_HEADERS));
        assertThat(b.status()).isEqualTo("5.0.0");
    }
}
