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
            """)
    void decides(String status, String command, String diagnostic, Reason expected) {
        Finding f = new Finding("nobody@example.com", diagnostic);
        f.status = status;
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
