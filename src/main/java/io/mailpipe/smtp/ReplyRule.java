package io.mailpipe.smtp;

import io.mailpipe.outcome.ReasonCode;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One line of the reply classification table: in these phases, a reply with a code in
 * {@code [minCode, maxCode]} (and, if given, an enhanced code starting with {@code enhancedPrefix} and a text
 * matching {@code textPattern}) means {@code reason} with {@code scope}. The first matching rule wins.
 *
 * <p>A provider-specific rule goes before the generic ones, e.g. a relay whose content filter judges each message
 * on its own, so that its spam verdict is the message's problem, not the account's (the default):
 * <pre>{@code
 * ReplyRule.of("per-message spam verdict", EnumSet.of(SmtpPhase.DATA), 550, 550,
 *         ReasonCode.MESSAGE_REJECTED, SendFailure.Scope.MESSAGE).withEnhanced("5.7.1").withText("likely spam")
 * }</pre>
 *
 * @param name           short name, for tests and logs
 * @param phases         phases the rule applies to
 * @param minCode        lowest reply code matched
 * @param maxCode        highest reply code matched
 * @param enhancedPrefix required start of the enhanced code ({@code "5.7."}), or null for any
 * @param textPattern    pattern found (case-insensitively) in the reply text, or null for any
 * @param reason         the reason of a matching reply
 * @param scope          the scope of a matching reply
 * @param advice         what to change, added to the failure's detail after the reply (null: nothing to add)
 */
public record ReplyRule(
        String name,
        Set<SmtpPhase> phases,
        int minCode,
        int maxCode,
        String enhancedPrefix,
        Pattern textPattern,
        ReasonCode reason,
        SendFailure.Scope scope,
        String advice) {

    public ReplyRule {
        Objects.requireNonNull(name, "name");
        phases = Set.copyOf(phases);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(scope, "scope");
        if (!SendFailure.REASONS.contains(reason) || reason == ReasonCode.PARTIALLY_ACCEPTED) {
            throw new IllegalArgumentException("rule '" + name + "': not a reply reason: " + reason);
        }
        if (minCode > maxCode) {
            throw new IllegalArgumentException("rule '" + name + "': minCode > maxCode");
        }
    }

    /** A rule on phases and a code range. */
    public static ReplyRule of(String name, Set<SmtpPhase> phases, int minCode, int maxCode,
                               ReasonCode reason, SendFailure.Scope scope) {
        return new ReplyRule(name, phases, minCode, maxCode, null, null, reason, scope, null);
    }

    /** A rule on all phases and a code range. */
    public static ReplyRule anyPhase(String name, int minCode, int maxCode, ReasonCode reason, SendFailure.Scope scope) {
        return of(name, EnumSet.allOf(SmtpPhase.class), minCode, maxCode, reason, scope);
    }

    /** This rule, also requiring the enhanced code to start with {@code prefix} ({@code "5.7.1"}, {@code "5.7."}). */
    public ReplyRule withEnhanced(String prefix) {
        return new ReplyRule(name, phases, minCode, maxCode, prefix, textPattern, reason, scope, advice);
    }

    /** This rule, also requiring {@code regex} to be found in the reply text, ignoring case. */
    public ReplyRule withText(String regex) {
        return new ReplyRule(name, phases, minCode, maxCode, enhancedPrefix,
                Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), reason, scope, advice);
    }

    /** This rule, telling what to change ({@code "switch the account to auth: oauth2"}) after the reply. */
    public ReplyRule withAdvice(String text) {
        return new ReplyRule(name, phases, minCode, maxCode, enhancedPrefix, textPattern, reason, scope, text);
    }

    /** Whether this rule applies to {@code reply} given in {@code phase}. */
    public boolean matches(SmtpPhase phase, SmtpReply reply) {
        return phases.contains(phase)
                && reply.code() >= minCode && reply.code() <= maxCode
                && (enhancedPrefix == null || (reply.enhanced() != null && reply.enhanced().startsWith(enhancedPrefix)))
                && (textPattern == null || textPattern.matcher(reply.text()).find());
    }
}
