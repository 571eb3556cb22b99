package io.mailpipe.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Status code first where decisive, then phrases, then the fall-backs. */
class ReasonClassifierTest {
    @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            5.1.1 | -    | 550 5.1.1 no such user                                   | USERUNKNOWN
            5.1.1 | -    | 552 5.1.1 mailbox full                                     | MAILBOXFULL
            5.0.0 | RCPT | 550 user unknown                                           | USERUNKNOWN
            5.0.0 | DATA | 550 user unknown                                           | FILTERED
            5.0.0 | -    | 550 user unknown                                           | FILTERED
            5.1.10 | -   | 550 5.1.10 recipient not found by SMTP address lookup      | USERUNKNOWN
            4.4.7 | -    | envelope expired; this is only a temporary failure report  | EXPIRED
            5.0.0 | MAIL | 553 sender address rejected: domain not found              | REJECTED
            5.7.1 | -    | 554 5.7.1 Relay access denied                              | NORELAYING
            5.7.1 | -    | 550 5.7.1 message content rejected as spam                 | SPAMDETECTED
            5.7.1 | -    | 550 5.7.1 no PTR record found for your host                | REQUIREPTR
            4.7.0 | -    | 421 4.7.0 too many concurrent connections from your host   | TOOMANYCONN
            4.4.7 | -    | 451 4.4.7 message delivery time expired                    | EXPIRED
            5.4.6 | -    | 554 5.4.6 routing loop detected                            | NETWORKERROR
            5.3.4 | -    | 552 5.3.4 message too large                                | MESGTOOBIG
            -     | -    | Recipient's domain has a null MX and does not accept mail   | NOTACCEPT
            5.0.0 | -    | 554 something odd happened                                 | ONHOLD
            -     | -    | -                                                          | UNDEFINED
            2.0.0 | -    | 250 2.0.0 ok                                               | DELIVERED
            5.2.3 | -    | 552 5.2.3 message length exceeds administrative limit      | EXCEEDLIMIT
            5.0.0 | -    | mail.local: unknown user: nobody                            | USERUNKNOWN
            5.5.0 | -    | '554 "|/usr/bin/procmail -f- #nobody"... Service unavailable' | MAILERERROR
            5.7.0 | -    | 552 5.7.0 blocked because its content presents a potential security issue | POLICYVIOLATION
            5.5.0 | -    | 554 IP=192.0.2.9 - A problem occurred. (Ask your postmaster) (BL) | BLOCKED
            5.2.0 | DATA | 550 5.2.0 <s@example.org> From: Domain is invalid. Please provide a valid From: | REJECTED
            5.2.3 | -    | 550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient | MESGTOOBIG
            5.0.0 | -    | 550 5.5.0 Service refuse. Please try later. LPN001_108        | UNDEFINED
            5.0.0 | -    | 550 5.7.1 Emetteur invalide. Invalid sender. LPN105_405       | REJECTED
            """)
    void decides(String status, String command, String diagnostic, Reason expected) {
        Finding f = new Finding("nobody@example.com", diagnostic);
        f.status = status;
        f.command = command;
        assertThat(ReasonClassifier.decide(f)).isEqualTo(expected);
    }

    /** x-unix: a local delivery program failed, unless it reports a full mailbox. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            exit code 77                                                    | MAILERERROR
            Quota exceeded message delivery failed to /var/mail/nobody       | MAILBOXFULL
            """)
    void localDeliveryProgram(String diagnostic, Reason expected) {
        Finding f = new Finding("nobody@example.com", diagnostic);
        f.status = "5.3.0";
        f.diagnosticType = "x-unix";
        assertThat(ReasonClassifier.decide(f)).isEqualTo(expected);
    }

    /** Provider rules chosen by the remote host (or, without one, the recipient's domain). */
    @ParameterizedTest(name = "{0} / {1} / {2} / {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            nobody@ezweb.ne.jp   | -                     | -    | 550 <nobody@ezweb.ne.jp>: User unknown | USERUNKNOWN
            nobody@ezweb.ne.jp   | -                     | DATA | 550 : User unknown                     | FILTERED
            nobody@example.com   | lsean.ezweb.ne.jp     | -    | 550 : User unknown                     | FILTERED
            nobody@docomo.ne.jp  | mfsmax.docomo.ne.jp   | DATA | 550 Unknown user nobody@docomo.ne.jp   | REJECTED
            nobody@docomo.ne.jp  | mfsmax.docomo.ne.jp   | RCPT | 550 Unknown user nobody@docomo.ne.jp   | USERUNKNOWN
            nobody@notau.com     | mx.notau.com          | -    | 550 : User unknown                     | FILTERED
            nobody@notau.com     | mx.notau.com          | -    | 550 <nobody@notau.com>: User unknown   | FILTERED
            """)
    void remoteHostRules(String recipient, String remoteMta, String command, String diagnostic, Reason expected) {
        Finding f = new Finding(recipient, diagnostic);
        f.status = "5.0.0";
        f.remoteMta = remoteMta;
        f.command = command;
        assertThat(ReasonClassifier.decide(f)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"USERUNKNOWN,true,true", "USERUNKNOWN,false,true", "HOSTUNKNOWN,true,true", "HASMOVED,true,true",
            "NOTACCEPT,true,true", "NOTACCEPT,false,false", "MAILBOXFULL,true,false", "FILTERED,true,false"})
    void hardOnlyForSisimaisFourReasons(Reason reason, boolean permanent, boolean hard) {
        assertThat(reason.isHard(permanent)).isEqualTo(hard);
    }
}
