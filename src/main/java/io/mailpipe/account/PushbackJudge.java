package io.mailpipe.account;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SendFailure.Scope;
import io.mailpipe.smtp.SmtpReply;

/**
 * Decides whom an unexplained refusal blames, from behaviour rather than words. The reply classifier gives scope
 * {@link Scope#UNEXPLAINED} to a refusal after DATA that no rule explains (no recipient's mailbox, no size, content or
 * sender, no rate or block). Whether that is the account or the message shows in what happens around it:
 * <ul>
 *   <li><b>The account</b>, when it refuses {@code streak} <em>different</em> messages in a row with the same reply
 *   (code and enhanced code) and accepts none sent meanwhile: a provider that throttles in words no rule knows. That
 *   refusal, and every later one of the same reply until the account accepts a message again, becomes
 *   {@link ReasonCode#ACCOUNT_REFUSED} with scope ACCOUNT (the account cools down, the message moves on).</li>
 *   <li><b>The message</b>, when it was refused unexplained before, by another account or by this one in an earlier
 *   attempt, and that account has not turned out to be refusing everything since (an account-level streak of that
 *   reply): scope MESSAGE, FAILED {@code message_rejected}. Two refusals of the same message are the evidence.</li>
 *   <li>Otherwise nobody is blamed yet: the scope stays UNEXPLAINED and the message moves to another account without
 *   cooling this one down (or, when none can take it, waits for a later attempt). Never FAILED on its own.</li>
 * </ul>
 * Temporary (4xx) unexplained replies feed the same streak, so a server that defers everything alike is left alone
 * for a while; below the streak they stay the message's temporary failure (retried later), as before.
 *
 * <p>Sends run in parallel: an accepted message ends a streak only when it was sent after the streak's first refusal
 * arrived (one already in flight proves nothing about the account's state now). One judge per worker; thread-safe.
 */
public final class PushbackJudge {

    private final int streak;
    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    /**
     * An earlier unexplained refusal of the message being judged.
     *
     * @param account the account that refused it
     * @param reply   its reply (code and enhanced code identify the kind of refusal)
     */
    public record EarlierRefusal(String account, SmtpReply reply) {
    }

    /**
     * @param streak different messages refused alike in a row that blame the account (at least 2;
     *               {@code quota.refusalStreak})
     */
    public PushbackJudge(int streak) {
        if (streak < 2) {
            throw new IllegalArgumentException("the refusal streak must be at least 2, was " + streak);
        }
        this.streak = streak;
    }

    /** The streak length this judge uses. */
    public int streak() {
        return streak;
    }

    /**
     * Judges one failed send.
     *
     * @param account       the account the message was sent through
     * @param messageKey    identifies the message (its request id and part): the same message refused twice in a row
     *                      counts once in a streak
     * @param failure       what the classifier read
     * @param sentAt        when this send started
     * @param earlier       earlier unexplained refusals of this message (in this attempt and before), oldest first
     * @return the failure with the scope behaviour decided: unchanged unless its scope was UNEXPLAINED
     */
    public SendFailure judge(String account, String messageKey, SendFailure failure, Instant sentAt,
                             List<EarlierRefusal> earlier) {
        Objects.requireNonNull(failure, "failure");
        if (failure.scope() != Scope.UNEXPLAINED) {
            return failure;
        }
        String kind = kindOf(failure.reply());
        Streak s = streaks.computeIfAbsent(account, a -> new Streak());
        int length;
        synchronized (s) {
            if (!kind.equals(s.kind)) {
                s.kind = kind;
                s.messages.clear();
                s.firstAt = sentAt;
            }
            if (s.messages.size() < streak) {
                s.messages.add(messageKey); // no need to remember more than the streak's length
            }
            length = s.messages.size();
        }
        if (length >= streak) {
            return new SendFailure(ReasonCode.ACCOUNT_REFUSED, failure.reply(), failure.rejectedRecipients(),
                    failure.detail() + "; " + length + " different messages refused alike in a row by this account: the"
                            + " account's problem, not the message's", Scope.ACCOUNT);
        }
        boolean permanent = failure.reply() != null && failure.reply().code() >= 500;
        if (permanent) {
            for (EarlierRefusal e : earlier) {
                if (!refusesEverything(e.account(), kindOf(e.reply()))) {
                    String by = e.account().equals(account) ? "again by account '" + account + "'"
                            : "by account '" + e.account() + "' too";
                    return new SendFailure(ReasonCode.MESSAGE_REJECTED, failure.reply(), failure.rejectedRecipients(),
                            failure.detail() + "; refused " + by + " (" + e.reply() + "): the message's problem",
                            Scope.MESSAGE);
                }
            }
            return failure;
        }
        // an unexplained deferral below the streak: the message's temporary failure, retried later
        return new SendFailure(failure.reason(), failure.reply(), failure.rejectedRecipients(), failure.detail(),
                Scope.MESSAGE);
    }

    /**
     * The account accepted a message that was sent at {@code sentAt}: a streak that began before that ends (the account
     * takes mail, so its earlier refusals were about their messages).
     */
    public void accepted(String account, Instant sentAt) {
        Streak s = streaks.get(account);
        if (s == null) {
            return;
        }
        synchronized (s) {
            if (s.firstAt != null && sentAt != null && !sentAt.isBefore(s.firstAt)) {
                s.kind = null;
                s.messages.clear();
                s.firstAt = null;
            }
        }
    }

    /** Whether the account currently refuses every message with this kind of reply (its streak reached the length). */
    public boolean refusesEverything(String account, String kind) {
        Streak s = streaks.get(account);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return kind.equals(s.kind) && s.messages.size() >= streak;
        }
    }

    /** The kind of a reply in a streak: its code and enhanced code ({@code 550 5.7.1}); the text varies per message. */
    public static String kindOf(SmtpReply reply) {
        if (reply == null) {
            return "none";
        }
        return reply.enhanced() == null ? String.valueOf(reply.code()) : reply.code() + " " + reply.enhanced();
    }

    private static final class Streak {
        String kind;
        Instant firstAt;
        final Set<String> messages = new HashSet<>();
    }
}
