package io.mailpipe.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SendFailure.Scope;
import io.mailpipe.smtp.SmtpReply;

/** The behaviour rule for refusals no reply rule explains, with its threshold (a streak of 3 different messages). */
class PushbackJudgeTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");
    static final SmtpReply REFUSED = new SmtpReply(554, "5.7.0", "Message not accepted for policy reasons");
    static final SmtpReply DEFERRED = new SmtpReply(451, null, "Requested action aborted: local error in processing");

    final PushbackJudge judge = new PushbackJudge(3);

    static SendFailure unexplained(SmtpReply reply) {
        return new SendFailure(reply.code() >= 500 ? ReasonCode.MESSAGE_REJECTED : ReasonCode.TEMPORARY_FAILURE, reply,
                List.of(), "DATA replied " + reply, Scope.UNEXPLAINED);
    }

    SendFailure refuse(String account, String message, int second) {
        return judge.judge(account, message, unexplained(REFUSED), T0.plusSeconds(second), List.of());
    }

    @Test
    void twoDifferentMessagesRefusedAlikeBlameNobodyTheThirdBlamesTheAccount() {
        assertThat(refuse("a", "m1", 0).scope()).isEqualTo(Scope.UNEXPLAINED);
        assertThat(refuse("a", "m2", 1).scope()).isEqualTo(Scope.UNEXPLAINED);

        SendFailure third = refuse("a", "m3", 2);

        assertThat(third.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(third.reason()).isEqualTo(ReasonCode.ACCOUNT_REFUSED);
        assertThat(third.reply()).isEqualTo(REFUSED);
        assertThat(third.detail()).contains("3 different messages refused alike in a row");
        assertThat(refuse("a", "m4", 3).scope()).as("and every later one while the streak lasts").isEqualTo(Scope.ACCOUNT);
        assertThat(refuse("b", "m5", 3).scope()).as("streaks are per account").isEqualTo(Scope.UNEXPLAINED);
    }

    @Test
    void theSameMessageRefusedAgainCountsOnce() {
        refuse("a", "m1", 0);
        refuse("a", "m1", 1);
        assertThat(refuse("a", "m1", 2).scope()).isEqualTo(Scope.UNEXPLAINED);
        refuse("a", "m2", 3);
        assertThat(refuse("a", "m3", 4).scope()).isEqualTo(Scope.ACCOUNT);
    }

    @Test
    void aMessageAcceptedThatWasSentAfterTheStreakBeganEndsIt() {
        refuse("a", "m1", 10);
        refuse("a", "m2", 11);
        judge.accepted("a", T0.plusSeconds(5)); // in flight before the first refusal: proves nothing
        assertThat(refuse("a", "m3", 12).scope()).isEqualTo(Scope.ACCOUNT);

        judge.accepted("a", T0.plusSeconds(13)); // sent after: the account takes mail
        assertThat(refuse("a", "m4", 14).scope()).isEqualTo(Scope.UNEXPLAINED);
        assertThat(refuse("a", "m5", 15).scope()).isEqualTo(Scope.UNEXPLAINED);
    }

    @Test
    void anotherKindOfReplyStartsANewStreak() {
        refuse("a", "m1", 0);
        refuse("a", "m2", 1);
        SendFailure other = judge.judge("a", "m3", unexplained(new SmtpReply(550, "5.7.1", "Delivery not authorized")),
                T0.plusSeconds(2), List.of());
        assertThat(other.scope()).isEqualTo(Scope.UNEXPLAINED);
        assertThat(refuse("a", "m4", 3).scope()).isEqualTo(Scope.UNEXPLAINED);
    }

    @Test
    void aSecondAccountRefusingTheSameMessageBlamesTheMessage() {
        refuse("a", "m1", 0);

        SendFailure second = judge.judge("b", "m1", unexplained(REFUSED), T0.plusSeconds(1),
                List.of(new PushbackJudge.EarlierRefusal("a", REFUSED)));

        assertThat(second.scope()).isEqualTo(Scope.MESSAGE);
        assertThat(second.reason()).isEqualTo(ReasonCode.MESSAGE_REJECTED);
        assertThat(second.detail()).contains("by account 'a' too");
    }

    @Test
    void theOnlyAccountRefusingTheMessageAgainBlamesTheMessage() {
        SendFailure again = judge.judge("a", "m1", unexplained(REFUSED), T0,
                List.of(new PushbackJudge.EarlierRefusal("a", REFUSED)));

        assertThat(again.scope()).isEqualTo(Scope.MESSAGE);
        assertThat(again.detail()).contains("again by account 'a'");
    }

    @Test
    void anEarlierRefusalByAnAccountNowRefusingEverythingDoesNotBlameTheMessage() {
        refuse("a", "m1", 0);
        refuse("a", "m2", 1);
        refuse("a", "m3", 2); // a refuses everything alike: its refusal of m1 was about a

        SendFailure atB = judge.judge("b", "m1", unexplained(REFUSED), T0.plusSeconds(3),
                List.of(new PushbackJudge.EarlierRefusal("a", REFUSED)));

        assertThat(atB.scope()).isEqualTo(Scope.UNEXPLAINED);
    }

    @Test
    void anUnexplainedDeferralIsTheMessagesTemporaryFailureUntilItIsAStreak() {
        SendFailure first = judge.judge("a", "m1", unexplained(DEFERRED), T0, List.of());
        assertThat(first.scope()).isEqualTo(Scope.MESSAGE);
        assertThat(first.reason()).isEqualTo(ReasonCode.TEMPORARY_FAILURE);
        judge.judge("a", "m2", unexplained(DEFERRED), T0, List.of());

        SendFailure third = judge.judge("a", "m3", unexplained(DEFERRED), T0, List.of());

        assertThat(third.scope()).isEqualTo(Scope.ACCOUNT);
        assertThat(third.reason()).isEqualTo(ReasonCode.ACCOUNT_REFUSED);
    }

    @Test
    void failuresWithAScopeAlreadyDecidedPassUnchanged() {
        SendFailure content = new SendFailure(ReasonCode.MESSAGE_REJECTED, new SmtpReply(552, "5.3.4", "too big"), List.of(),
                "x", Scope.MESSAGE);
        for (int i = 0; i < 5; i++) {
            assertThat(judge.judge("a", "m" + i, content, T0, List.of())).isSameAs(content);
        }
        assertThat(refuse("a", "m9", 1).scope()).as("explained refusals make no streak").isEqualTo(Scope.UNEXPLAINED);
    }

    @Test
    void aStreakOfOneIsRefused() {
        assertThatThrownBy(() -> new PushbackJudge(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
