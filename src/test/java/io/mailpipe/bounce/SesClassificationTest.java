package io.mailpipe.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Kind, reason and hard/soft to Amazon SES's bounce type and sub-type. */
class SesClassificationTest {
    @ParameterizedTest(name = "{0} {1} hard={2} -> {3}/{4}")
    @CsvSource({
            "BOUNCE, USERUNKNOWN, true, Permanent, NoEmail",
            "BOUNCE, HOSTUNKNOWN, true, Permanent, NoEmail",
            "BOUNCE, USERUNKNOWN, false, Transient, General",
            "BOUNCE, SUPPRESSED, false, Permanent, Suppressed",
            "BOUNCE, MAILBOXFULL, false, Transient, MailboxFull",
            "DELAY, MAILBOXFULL, false, Transient, MailboxFull",
            "BOUNCE, MESGTOOBIG, false, Transient, MessageTooLarge",
            "BOUNCE, SPAMDETECTED, false, Transient, ContentRejected",
            "BOUNCE, FILTERED, false, Transient, ContentRejected",
            "BOUNCE, VIRUSDETECTED, false, Transient, AttachmentRejected",
            "BOUNCE, BLOCKED, false, Transient, General",
            "BOUNCE, EXPIRED, false, Transient, General",
            "BOUNCE, UNDEFINED, false, Undetermined, Undetermined",
            "BOUNCE, ONHOLD, false, Undetermined, Undetermined"})
    void mapsBouncesAndDelays(Kind kind, Reason reason, boolean hard, String type, String subType) {
        SesClassification c = SesClassification.of(kind, reason, hard);
        assertThat(c.type().jsonName()).isEqualTo(type);
        assertThat(c.subType().jsonName()).isEqualTo(subType);
    }

    @ParameterizedTest
    @CsvSource({"COMPLAINT, FEEDBACK", "AUTOREPLY, VACATION", "DELIVERED, DELIVERED"})
    void otherReportsHaveNone(Kind kind, Reason reason) {
        SesClassification c = SesClassification.of(kind, reason, false);
        assertThat(c.type()).isNull();
        assertThat(c.subType()).isNull();
    }
}
