package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Status code first, then the words where the code is generic, corrected by the SMTP command; fall-backs last. The
 * sample replies are the published texts each rule cites (RFC 3463 titles, Postfix, Exim, Sendmail, qmail, Gmail,
 * Microsoft, Yahoo, Yandex), written here by hand.
 */
class ReasonClassifierTest {
    private static Reason decide(String status, String command, String diagnostic) {
        Finding f = new Finding("nobody@example.com", diagnostic);
        f.status = status;
        f.command = command;
        f.replyCode = Texts.findReply(diagnostic);
        return ReasonClassifier.decide(f);
    }

    /** A specific code decides alone, whatever the words say (as long as they do not prove the mailbox exists). */
    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            5.1.1  | 550 5.1.1 blocked by policy                          | USERUNKNOWN
            5.1.2  | 550 5.1.2 spam detected                               | HOSTUNKNOWN
            5.1.6  | 550 5.1.6 recipient no longer on server                | HASMOVED
            5.1.8  | 553 5.1.8 user unknown                                 | REJECTED
            4.2.2  | 452 4.2.2 The email account that you tried to reach is over quota | MAILBOXFULL
            5.3.4  | 552 5.3.4 Message size exceeds fixed limit            | MESGTOOBIG
            4.4.7  | 451 4.4.7 connection refused                           | EXPIRED
            5.4.6  | 554 5.4.6 Routing loop detected                        | NETWORKERROR
            5.6.1  | 554 5.6.1 media not supported                          | CONTENTERROR
            5.7.13 | 550 5.7.13 user account disabled                        | SUSPEND
            5.7.23 | 550 5.7.23 SPF validation failed                       | AUTHFAILURE
            5.7.25 | 550 5.7.25 The IP address has no PTR record            | REQUIREPTR
            5.7.27 | 550 5.7.27 The sender address has null MX             | REJECTED
            5.7.30 | 550 5.7.30 REQUIRETLS support required                 | FAILEDSTARTTLS
            5.4.310 | 550 5.4.310 DNS domain does not exist                 | HOSTUNKNOWN
            5.7.509 | 550 5.7.509 Access denied, sending domain does not pass DMARC verification | AUTHFAILURE
            5.7.606 | 550 5.7.606 Access denied, banned sending IP [192.0.2.1] | BLOCKED
            2.0.0  | 250 2.0.0 ok                                            | DELIVERED
            """)
    void aSpecificCodeDecides(String status, String diagnostic, Reason expected) {
        assertThat(decide(status, null, diagnostic)).isEqualTo(expected);
    }

    /** A hard code is not believed against words that prove the mailbox exists: a wrong hard bounce is forever. */
    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            5.1.1 | 552 sorry, mailbox nobody@example.com is over quota temporarily (#5.1.1) | MAILBOXFULL
            5.1.1 | 550 5.1.1 The email account that you tried to reach is disabled          | SUSPEND
            5.1.1 | 550 5.1.1 RCP-P2 Refused due to recipient preferences                     | FILTERED
            5.1.1 | procmail: Couldn't create "/var/spool/mail/nobody"                          | MAILERERROR
            """)
    void wordsThatProveTheMailboxExistsOverruleAHardCode(String status, String diagnostic, Reason expected) {
        assertThat(decide(status, null, diagnostic)).isEqualTo(expected);
        assertThat(expected.isHard(true)).isFalse();
    }

    /** Generic codes (X.0.0, X.1.0, X.2.0, X.7.1, X.7.9, X.4.4, ...): the published words refine the default. */
    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            5.7.1 | 554 5.7.1 <nobody@example.com>: Relay access denied                     | NORELAYING
            5.7.1 | 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org | BLOCKED
            5.7.1 | 550 5.7.1 Our system has detected that this message is likely unsolicited mail | SPAMDETECTED
            5.7.1 | 550 5.7.1 Messages with multiple addresses in From: header are not accepted | NOTCOMPLIANTRFC
            5.7.1 | 550 5.7.1 Unauthenticated email from example.org is not accepted due to domain's DMARC policy | AUTHFAILURE
            5.7.1 | 450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]   | REQUIREPTR
            5.7.1 | 553 5.7.1 <s@example.org>: Sender address rejected: not owned by user   | REJECTED
            5.7.9 | 554 5.7.9 Message not accepted for policy reasons                        | POLICYVIOLATION
            5.7.0 | 552 5.7.0 This message was blocked because its content presents a potential security issue | POLICYVIOLATION
            5.7.0 | 554 5.7.0 Reject, id=123 - VIRUS: Eicar-Test-Signature                  | VIRUSDETECTED
            5.7.1 | 550 5.7.1 message rejected                                              | SECURITYERROR
            5.4.4 | Host or domain name not found. Name service error for name=example.com type=MX: Host not found | HOSTUNKNOWN
            5.4.4 | Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)          | NOTACCEPT
            5.4.4 | Name service error for name=example.com type=MX: Malformed or unexpected name server reply | NETWORKERROR
            5.2.3 | 552 5.2.3 Your message exceeded Google's message size limits             | MESGTOOBIG
            5.2.3 | 552 5.2.3 Message length exceeds administrative limit                   | EXCEEDLIMIT
            5.2.1 | 550 5.2.1 The email account that you tried to reach is disabled         | SUSPEND
            4.2.1 | 450 4.2.1 The user you are trying to contact is receiving mail too quickly | SPEEDING
            5.2.0 | 550 5.2.0 this mailbox is closed                                         | FILTERED
            5.1.10 | 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup | USERUNKNOWN
            5.1.10 | 556 5.1.10 Recipient address has null MX                                | NOTACCEPT
            5.4.1 | 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)       | USERUNKNOWN
            4.4.2 | 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out> | EXPIRED
            """)
    void wordsRefineAGenericCode(String status, String diagnostic, Reason expected) {
        assertThat(decide(status, null, diagnostic)).isEqualTo(expected);
    }

    /**
     * "User unknown" proves a missing mailbox only as the reply to RCPT TO, with an addressing code, or as the
     * receiving system's own directory answer; anywhere else it is a filter's refusal. MAIL FROM concerns the sender.
     */
    @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            5.0.0 | RCPT | 550 <nobody@example.com>... User unknown                           | USERUNKNOWN
            5.0.0 | DATA | 550 <nobody@example.com>... User unknown                           | FILTERED
            5.0.0 | -    | 550 <nobody@example.com>... User unknown                           | FILTERED
            5.7.1 | -    | 550 5.7.1 <nobody@example.com>: Recipient address rejected: User unknown | FILTERED
            5.1.0 | -    | 550 5.1.0 <nobody@example.com>: no such user                        | USERUNKNOWN
            5.0.0 | -    | Sorry, no mailbox here by that name. (#5.1.1)                       | USERUNKNOWN
            5.0.0 | -    | unknown user: "nobody"                                             | USERUNKNOWN
            5.0.0 | -    | 550 Unrouteable address                                            | USERUNKNOWN
            5.0.0 | MAIL | 553 sorry, user unknown                                            | REJECTED
            5.1.0 | MAIL | 553 5.1.0 sender.example.org does not exist                        | REJECTED
            5.0.0 | DATA | 553 relay.example.com does not exist                               | HOSTUNKNOWN
            5.7.1 | MAIL | 550 5.7.1 access refused                                           | REJECTED
            5.7.1 | HELO | 550 5.7.1 access refused                                           | BLOCKED
            """)
    void theCommandCorrectsTheWords(String status, String command, String diagnostic, Reason expected) {
        assertThat(decide(status, command, diagnostic)).isEqualTo(expected);
    }

    /** Without words a rule knows: the command, a report still retrying, the code's default, the reply code. */
    @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            5.0.0 | -    | 554 something odd happened                     | SYSTEMERROR
            5.0.0 | -    | 550 something odd happened                     | FILTERED
            5.0.0 | -    | 552 something odd happened                     | MAILBOXFULL
            5.0.0 | -    | 452 something odd happened                     | SYSTEMFULL
            5.0.0 | -    | 556 something odd happened                     | NOTACCEPT
            5.0.0 | -    | 421 something odd happened                     | SYSTEMERROR
            5.0.0 | CONN | 421 something odd happened                     | BLOCKED
            5.0.0 | -    | something odd happened                         | UNDEFINED
            -     | -    | something odd happened                         | ONHOLD
            -     | -    | -                                              | UNDEFINED
            """)
    void fallBacks(String status, String command, String diagnostic, Reason expected) {
        assertThat(decide(status, command, diagnostic)).isEqualTo(expected);
    }

    @Test
    void aReportStillRetryingWithoutWordsExpires() {
        Finding f = new Finding("nobody@example.com", "Action: Delayed - The server will continue trying for up to 21 hours.");
        f.status = "4.4.0";
        f.action = "delayed";
        assertThat(ReasonClassifier.decide(f)).isEqualTo(Reason.EXPIRED);
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

    /** A reason a format's own error code gives (Exchange 2003 MSEXCH codes) is final, even against a code. */
    @Test
    void aDetectorsFinalReasonWins() {
        Finding f = new Finding("nobody@example.com", "MSEXCH:IMS:EXAMPLE 0 (000C05A6) Unknown Recipient");
        f.status = "5.7.1";
        f.reason = Reason.USERUNKNOWN;
        f.reasonFinal = true;
        assertThat(ReasonClassifier.decide(f)).isEqualTo(Reason.USERUNKNOWN);
    }

    /** What a report is (complaint, auto-reply, delivery) is the detector's word, whatever the text says. */
    @Test
    void aReportKindIsNotReadFromItsWords() {
        Finding f = new Finding("nobody@example.com", "This is an abuse report; DKIM signature: pass, DMARC: pass");
        f.kind = Kind.COMPLAINT;
        f.reason = Reason.FEEDBACK;
        assertThat(ReasonClassifier.decide(f)).isEqualTo(Reason.FEEDBACK);
    }

    /** A report with a code never falls back to onhold, whatever its words. */
    @ParameterizedTest
    @CsvSource({"5.0.0", "4.0.0", "5.5.0", "5.7.1", "5.2.0", "5.9.99"})
    void aCodeIsNeverOnHold(String status) {
        assertThat(decide(status, null, "the words of no known catalogue")).isNotEqualTo(Reason.ONHOLD);
        assertThat(decide(status, null, "550 the words of no known catalogue")).isNotEqualTo(Reason.ONHOLD);
    }

    /** Every reason but the report kinds has a phrase rule, and only one. */
    @Test
    void oneRulePerReason() {
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        for (PhraseRules.Rule r : PhraseRules.RULES) {
            assertThat(seen.add(r.reason())).as("second rule for %s", r.reason()).isTrue();
        }
        assertThat(seen).doesNotContain(Reason.ONHOLD, Reason.UNDEFINED, Reason.DELIVERED, Reason.VACATION,
                Reason.FEEDBACK, Reason.SUPPRESSED);
    }

    @ParameterizedTest
    @CsvSource({"USERUNKNOWN,true,true", "USERUNKNOWN,false,false", "HOSTUNKNOWN,true,true", "HOSTUNKNOWN,false,false",
            "HASMOVED,true,true", "NOTACCEPT,true,true", "NOTACCEPT,false,false", "MAILBOXFULL,true,false",
            "FILTERED,true,false", "SUSPEND,true,false"})
    void hardOnlyForABadAddressAndAPermanentFailure(Reason reason, boolean permanent, boolean hard) {
        assertThat(reason.isHard(permanent)).isEqualTo(hard);
    }
}
