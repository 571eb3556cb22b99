package io.mailpipe.smtp;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.smtp.SendFailure.Scope;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a failed send means for the request and the account, from the {@link SmtpTransaction} the sender
 * reported (mailpipe's pipelining client builds it as it speaks; what Angus throws is read into one by
 * {@link AngusTransactions}). The order of decisions is on {@link #classify(SmtpTransaction, List)}.
 *
 * <p>Replies are classified by an ordered table of {@link ReplyRule}s, first match wins ({@link #DEFAULT_RULES});
 * provider-specific rules go in front ({@link #classify(SmtpTransaction, List)}). A reply no rule matches is a
 * TEMPORARY_FAILURE. Account-level replies are recognised in every phase by enhanced code and phrase (a rate,
 * a sending quota or limit: RATE_LIMITED; spam, a block or ban: ACCOUNT_BLOCKED), after the rules that keep a
 * recipient's mailbox (5.1.1, 5.2.2, ...), the From address (sender policy, SPF/DKIM/DMARC) and the content (size,
 * virus) with the recipient or the message. A refusal after DATA that no rule explains has scope UNEXPLAINED: the
 * pipeline's {@code account.PushbackJudge} decides it from behaviour.
 *
 * <p>The Angus path expects {@code mail.smtp.sendpartial=true} on the session: without it Angus sends nothing when
 * one recipient is refused. Stateless and thread-safe; imports nothing from Camel or Angus.
 */
public final class SmtpFailureClassifier {

    private static final Set<SmtpPhase> CONNECT = EnumSet.of(SmtpPhase.CONNECT);
    private static final Set<SmtpPhase> AUTH = EnumSet.of(SmtpPhase.AUTH);
    private static final Set<SmtpPhase> MAIL = EnumSet.of(SmtpPhase.MAIL);
    private static final Set<SmtpPhase> RCPT = EnumSet.of(SmtpPhase.RCPT);
    private static final Set<SmtpPhase> DATA = EnumSet.of(SmtpPhase.DATA);
    /** The phases of a mail transaction, where a reply can be about the sender, a recipient or the content. */
    private static final Set<SmtpPhase> TRANSACTION = EnumSet.of(SmtpPhase.MAIL, SmtpPhase.RCPT, SmtpPhase.DATA);
    private static final Set<SmtpPhase> ANY = EnumSet.allOf(SmtpPhase.class);

    /**
     * Enhanced codes (RFC 3463) that name a recipient's mailbox; such a reply is the recipient's even when its text
     * mentions a quota or a rate. Matched as prefixes: {@code 5.1.1} also covers Exchange's {@code 5.1.10}
     * (RecipientNotFound), {@code 5.2.1} Exchange's {@code 5.2.121}/{@code 5.2.122} (the recipient's receive limit).
     * Not 5.1.0 (any address, used for sender policy too), 5.1.7 or 5.1.8 (the sender's address).
     */
    private static final List<String> MAILBOX_CODES = List.of(
            "5.1.1", // bad destination mailbox: 550 5.1.1 The email account that you tried to reach does not exist
            "5.1.2", // bad destination system
            "5.1.3", // bad destination mailbox address syntax
            "5.1.6", // destination mailbox has moved
            "5.2.1", // mailbox disabled: 550 5.2.1 The email account that you tried to reach is disabled
            "5.2.2", // mailbox full: 552 5.2.2 The email account that you tried to reach is over quota
            "4.1.1", // unverified address: 450 4.1.1 Recipient address rejected: unverified address
            "4.2.1", // mailbox busy / receiving too fast: 450 4.2.1 The user you are trying to contact is receiving mail at a rate that ...
            "4.2.2"); // mailbox full for now: 452 4.2.2 The email account that you tried to reach is over quota

    /**
     * The From or envelope sender is not allowed for this account, or fails the domain's authentication (SPF,
     * DKIM, DMARC): the message's sender is to blame, not the account being throttled, and another account would
     * have the same problem with this From. Postfix delays such rejections to RCPT TO by default.
     */
    private static final String SENDER_POLICY = "sender address rejected|not owned by|not local sender"
            + "|(?:allowed|permissions?) to send as|sendasdenied|dmarc|\\bspf\\b|\\bdkim\\b|unauthenticated (?:e-?)?mail|sender is unauthenticated";
    /**
     * The message itself: its size, an attachment, a virus, or a tenant's forwarding policy. "message content
     * rejected" is Postfix's default text for a header_checks/body_checks REJECT (a verdict on this message's
     * content, postconf(5) and header_checks(5)).
     */
    private static final String CONTENT = "message size|size exceed|too (?:big|large)|virus|malware|attachment"
            + "|security issue|content presents|external forwarding|message content rejected";
    /**
     * Enhanced codes (RFC 3463 and the IANA registry) that name the message itself, whatever the text: X.3.4 message
     * too big for system, X.2.3 message length exceeds an administrative limit, X.6.x media/content errors
     * (conversion required or not possible, media not supported, bad content).
     */
    private static final List<String> MESSAGE_CODES = List.of("5.3.4", "5.2.3", "5.6.");
    /** The server's limit of recipients per transaction. */
    private static final String TOO_MANY_RECIPIENTS = "too many recipients|maximum (?:number of )?recipients";
    /** A rate, a sending quota or limit: the account is throttled (never "too many recipients": see below). */
    private static final String RATE = "rate[ -]?limit|sending rate|(?:message|mail|email|connection) rate"
            + "|(?:sending|send|outgoing|outbound|submission|daily|hourly) ?quota"
            + "|(?:sending|send|outgoing|outbound|daily|hourly|hour|day|message|messages|mail|email) ?limit"
            + "|limit (?:of|on|for) (?:messages|mails|e-?mails|sending|outgoing)"
            + "|too many (?:messages|mails|e-?mails|connections|concurrent|simultaneous|sessions|login|auth|requests)"
            + "|too (?:fast|quickly|frequently)|throttl";
    /** Spam, a block or blacklist, an abuse ban: mail from the account, its IP or domain is refused. */
    private static final String BLOCK = "spam|junk mail|unsolicited|black ?list|block ?list|\\bblock(?:ed|ing)\\b"
            + "|\\bbanned\\b|abuse|\\brbl\\b|dnsbl|spamhaus|reputation|suspicio|bad outbound sender"
            + "|client host rejected|helo command rejected"
            + "|sending .{0,40}(?:disabled|suspended|blocked|prohibited)"
            + "|(?:your|sender|sending) account (?:is |has been )?(?:temporarily )?(?:suspended|locked|frozen|disabled|blocked)";
    /** What to do when a provider refuses password logins. */
    private static final String SWITCH_TO_OAUTH2 = "the provider no longer takes a password login here: switch the account"
            + " to auth: oauth2 (README, presets)";
    /** A 4.7.x policy deferral that asks to come back later: throttling on an authenticated submission server. */
    private static final String LATER = "try (?:again )?later|come back later|busy|temporarily (?:deferred|rejected)";

    /**
     * The generic reply table, first match wins: authentication, then replies that belong to a recipient's
     * mailbox, the sender or the content whatever their text, then account-level replies in any phase (a rate or
     * quota, spam or a block), then one pair of rules per phase. Sample replies:
     * <pre>
     * 550 5.7.30 Basic authentication is not supported for Client Submission.       -> AUTHENTICATION_FAILED / ACCOUNT (+ advice)
     * 534-5.7.9 Application-specific password required. (Gmail)                     -> AUTHENTICATION_FAILED / ACCOUNT (+ advice)
     * 535 5.7.8 Error: authentication failed: Invalid user or password! (Yandex)       -> AUTHENTICATION_FAILED / ACCOUNT
     * 530 5.7.0 Authentication required                                              -> AUTHENTICATION_FAILED / ACCOUNT
     * 552 5.2.2 The email account that you tried to reach is over quota (RCPT TO)     -> RECIPIENT_REJECTED / RECIPIENT
     * 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found (RCPT TO)        -> RECIPIENT_REJECTED / RECIPIENT
     * 450 4.2.1 The user you are trying to contact is receiving mail at a rate ...     -> TEMPORARY_FAILURE / RECIPIENT
     * 450 4.2.0 &lt;x@y&gt;: Recipient address rejected: Greylisted (RCPT TO)        -> TEMPORARY_FAILURE / RECIPIENT
     * 553 5.7.1 Sender address rejected: not owned by auth user. (MAIL FROM, Yandex) -> MESSAGE_REJECTED / MESSAGE
     * 550 5.7.26 This mail has been blocked because the sender is unauthenticated.   -> MESSAGE_REJECTED / MESSAGE
     * 552 5.3.4 Message size exceeds fixed limit (DATA)                              -> MESSAGE_REJECTED / MESSAGE
     * 550 5.4.5 Daily user sending quota exceeded. (Gmail)                           -> RATE_LIMITED / ACCOUNT
     * 451 Ratelimit exceeded for mailbox x@mail.ru. Try again later. (DATA)          -> RATE_LIMITED / ACCOUNT
     * 454 4.7.0 Too many login attempts, please try again later. (AUTH)              -> RATE_LIMITED / ACCOUNT
     * 421 4.7.0 Try again later, closing connection. (Gmail)                         -> RATE_LIMITED / ACCOUNT
     * 451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (Exchange)   -> RATE_LIMITED / ACCOUNT
     * 554 5.7.1 [2] Message rejected under suspicion of SPAM (DATA, Yandex)          -> ACCOUNT_BLOCKED / ACCOUNT
     * 550 spam message rejected. Please visit http://help.mail.ru/notspam-support/... -> ACCOUNT_BLOCKED / ACCOUNT
     * 550 5.7.708 Access denied, traffic not accepted from this IP. (Exchange)       -> ACCOUNT_BLOCKED / ACCOUNT
     * 421 4.7.0 mx.example.com Service not available, closing transmission channel   -> TEMPORARY_FAILURE / ACCOUNT
     * 554 5.7.1 (greeting, code only)                                                -> CONNECTION_FAILED / ACCOUNT
     * 451 4.3.2 Please try again later (MAIL FROM)                                   -> TEMPORARY_FAILURE / ACCOUNT
     * 550 5.1.1 &lt;x@y&gt;: Recipient address rejected: User unknown (RCPT TO)      -> RECIPIENT_REJECTED / RECIPIENT
     * 452 4.5.3 Error: too many recipients (RCPT TO)                                 -> TEMPORARY_FAILURE / RECIPIENT
     * 451 4.3.0 Error: queue file write error (DATA)                                 -> TEMPORARY_FAILURE / MESSAGE
     * 554 5.7.1 Message content rejected (DATA)                                      -> MESSAGE_REJECTED / MESSAGE
     * </pre>
     * A {@code 452 4.5.3 too many recipients} to RCPT TO is the server's limit of recipients per transaction
     * (RFC 5321 4.5.3.1.10), not the account's: the recipients above it are deferred and sent in the next attempt.
     */
    public static final List<ReplyRule> DEFAULT_RULES = defaultRules();

    private static List<ReplyRule> defaultRules() {
        List<ReplyRule> rules = new ArrayList<>();
        // credentials: whatever the phase. First the refusals that say which login the provider wants instead:
        // 550 5.7.30 Basic authentication is not supported for Client Submission. (Exchange Online)
        rules.add(ReplyRule.of("basic auth retired (5.7.30)", ANY, 500, 599, ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT)
                .withEnhanced("5.7.30").withAdvice(SWITCH_TO_OAUTH2));
        // 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled
        // 535 5.7.139 Authentication unsuccessful, basic authentication is disabled. (Exchange Online)
        rules.add(ReplyRule.of("SMTP AUTH disabled (5.7.139)", ANY, 500, 599, ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT)
                .withEnhanced("5.7.139").withAdvice(SWITCH_TO_OAUTH2 + "; an administrator may also have to enable"
                        + " authenticated SMTP for the mailbox (Microsoft 365 admin center: Mail, Manage email apps)"));
        // 530 5.7.57 Client not authenticated to send mail. [...] (Exchange Online, MAIL FROM without a login)
        rules.add(ReplyRule.of("client not authenticated (5.7.57)", ANY, 500, 599, ReasonCode.AUTHENTICATION_FAILED,
                Scope.ACCOUNT).withEnhanced("5.7.57").withAdvice("the server takes mail only after a login: give the"
                + " account a username with auth: oauth2 (Microsoft 365) or a password"));
        // 534-5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor (Gmail)
        rules.add(ReplyRule.of("app password required (5.7.9)", ANY, 500, 599, ReasonCode.AUTHENTICATION_FAILED,
                Scope.ACCOUNT).withEnhanced("5.7.9").withAdvice("the provider does not take the account's own password"
                + " from mail programs: create an app password (Gmail: 2-Step Verification on, then"
                + " https://myaccount.google.com/apppasswords) and use it as the password, or switch to auth: oauth2"));
        // 334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ== (XOAUTH2 error)
        rules.add(ReplyRule.of("XOAUTH2 error challenge", AUTH, 334, 334, ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT)
                .withAdvice("the server refused the OAuth2 access token: check the app's permission (scope) for this"
                        + " mailbox"));
        rules.add(ReplyRule.anyPhase("authentication required", 530, 530, ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT));
        rules.add(ReplyRule.anyPhase("authentication refused", 534, 535, ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT));
        // the sender (From) or the content: the message's, even when the text says "blocked" or "limit"
        rules.add(ReplyRule.of("sender policy refused", TRANSACTION, 500, 599, ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE)
                .withText(SENDER_POLICY));
        rules.add(ReplyRule.of("sender policy deferred", TRANSACTION, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.MESSAGE)
                .withText(SENDER_POLICY));
        rules.add(ReplyRule.of("content refused by kind", TRANSACTION, 500, 599, ReasonCode.MESSAGE_REJECTED, Scope.MESSAGE)
                .withText(CONTENT));
        for (String code : MESSAGE_CODES) {
            rules.add(ReplyRule.of("message " + code + "x refused", TRANSACTION, 500, 599, ReasonCode.MESSAGE_REJECTED,
                    Scope.MESSAGE).withEnhanced(code));
        }
        // a recipient's mailbox, by enhanced code: the recipient's, even when the text says "quota" or "rate"
        for (String code : MAILBOX_CODES) {
            boolean permanent = code.startsWith("5");
            int min = permanent ? 500 : 400;
            ReasonCode reason = permanent ? ReasonCode.RECIPIENT_REJECTED : ReasonCode.TEMPORARY_FAILURE;
            rules.add(ReplyRule.of("mailbox " + code, RCPT, min, min + 99, reason, Scope.RECIPIENT).withEnhanced(code));
            // after DATA the transaction fails as a whole (no refused recipient to name): the message's reason,
            // but not the account's fault
            rules.add(ReplyRule.of("mailbox " + code + " after DATA", DATA, min, min + 99,
                    permanent ? ReasonCode.MESSAGE_REJECTED : ReasonCode.TEMPORARY_FAILURE, Scope.RECIPIENT).withEnhanced(code));
        }
        // the server's limit of recipients per transaction (RFC 5321 4.5.3.1.10), not the account's sending limit
        // (Gmail adds "For more information regarding Google's sending limits"): the rest go in the next attempt
        rules.add(ReplyRule.of("too many recipients (4.5.3)", RCPT, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.RECIPIENT)
                .withEnhanced("4.5.3"));
        rules.add(ReplyRule.of("too many recipients", RCPT, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.RECIPIENT)
                .withText(TOO_MANY_RECIPIENTS));
        rules.add(ReplyRule.of("too many recipients refused", RCPT, 500, 599, ReasonCode.RECIPIENT_REJECTED, Scope.RECIPIENT)
                .withText(TOO_MANY_RECIPIENTS));
        rules.add(ReplyRule.of("recipient greylisted", RCPT, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.RECIPIENT)
                .withText("greylist"));
        rules.add(ReplyRule.of("message greylisted", EnumSet.of(SmtpPhase.MAIL, SmtpPhase.DATA), 400, 499,
                ReasonCode.TEMPORARY_FAILURE, Scope.MESSAGE).withText("greylist"));
        // the account, in any phase
        rules.add(ReplyRule.of("daily sending quota (5.4.5)", ANY, 500, 599, ReasonCode.RATE_LIMITED, Scope.ACCOUNT)
                .withEnhanced("5.4.5"));
        rules.add(ReplyRule.of("tenant or IP blocked (5.7.7xx)", ANY, 500, 599, ReasonCode.ACCOUNT_BLOCKED, Scope.ACCOUNT)
                .withEnhanced("5.7.7"));
        rules.add(ReplyRule.of("rate or sending quota", ANY, 400, 599, ReasonCode.RATE_LIMITED, Scope.ACCOUNT)
                .withText(RATE));
        rules.add(ReplyRule.of("spam or block", ANY, 400, 599, ReasonCode.ACCOUNT_BLOCKED, Scope.ACCOUNT)
                .withText(BLOCK));
        rules.add(ReplyRule.of("policy deferral (4.7.x)", ANY, 400, 499, ReasonCode.RATE_LIMITED, Scope.ACCOUNT)
                .withEnhanced("4.7.").withText(LATER));
        // by phase
        rules.add(ReplyRule.anyPhase("service closing channel", 421, 421, ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT));
        rules.add(ReplyRule.of("session deferred", CONNECT, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT));
        rules.add(ReplyRule.of("session refused", CONNECT, 500, 599, ReasonCode.CONNECTION_FAILED, Scope.ACCOUNT));
        rules.add(ReplyRule.of("authentication deferred", AUTH, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT));
        rules.add(ReplyRule.of("authentication failed", AUTH, 500, 599, ReasonCode.AUTHENTICATION_FAILED, Scope.ACCOUNT));
        rules.add(ReplyRule.of("sender deferred", MAIL, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.ACCOUNT));
        // the envelope sender is the account's own address (or its returnPath): a refusal of MAIL FROM that names
        // neither the size nor a sender the account may not use (both above) is about the account
        rules.add(ReplyRule.of("sender refused", MAIL, 500, 599, ReasonCode.ACCOUNT_REFUSED, Scope.ACCOUNT));
        rules.add(ReplyRule.of("recipient deferred", RCPT, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.RECIPIENT));
        rules.add(ReplyRule.of("recipient refused", RCPT, 500, 599, ReasonCode.RECIPIENT_REJECTED, Scope.RECIPIENT));
        // after DATA a reply none of the rules above explains may be the account's or the message's: behaviour
        // decides (account.PushbackJudge), never the words alone
        rules.add(ReplyRule.of("data deferred, unexplained", DATA, 400, 499, ReasonCode.TEMPORARY_FAILURE, Scope.UNEXPLAINED));
        rules.add(ReplyRule.of("data refused, unexplained", DATA, 500, 599, ReasonCode.MESSAGE_REJECTED, Scope.UNEXPLAINED));
        return List.copyOf(rules);
    }

    private static final int MAX_DETAIL = 600;

    private SmtpFailureClassifier() {
    }

    /** Classifies {@code failure} with {@link #DEFAULT_RULES}. */
    public static SendFailure classify(Throwable failure) {
        return classify(failure, DEFAULT_RULES);
    }

    /**
     * Classifies what a sender threw: a refusal decided before sending ({@link MessageRefusedBeforeSending}), else the
     * {@link SmtpTransaction} it carries ({@link SmtpTransactionException}), else what Angus threw, read into a
     * transaction by {@link AngusTransactions}.
     */
    public static SendFailure classify(Throwable failure, List<ReplyRule> rules) {
        Objects.requireNonNull(failure, "failure");
        for (Throwable t : AngusTransactions.chain(failure)) {
            if (t instanceof MessageRefusedBeforeSending refused) {
                return new SendFailure(refused.reason(), null, List.of(), refused.getMessage(), Scope.MESSAGE);
            }
        }
        return classify(AngusTransactions.from(failure), rules);
    }

    /** Classifies a transaction with {@link #DEFAULT_RULES}. */
    public static SendFailure classify(SmtpTransaction transaction) {
        return classify(transaction, DEFAULT_RULES);
    }

    /**
     * Classifies a transaction with {@code rules} (first match wins; put provider-specific rules first and end with
     * {@link #DEFAULT_RULES}):
     * <ol>
     *   <li>the whole message and its final dot were sent, then no valid reply came: DELIVERY_UNCERTAIN, scope MESSAGE
     *       (never a failover: the server may have the message);</li>
     *   <li>TLS trouble: TLS_FAILED, scope ACCOUNT;</li>
     *   <li>the login: by the table in phase AUTH when the server replied, else AUTHENTICATION_FAILED (or
     *       CONNECTION_FAILED when the connection broke);</li>
     *   <li>a 2xx to the final dot with refused recipients: PARTIALLY_ACCEPTED (scope ACCOUNT when a recipient was
     *       refused with an account-level reply);</li>
     *   <li>a reply to MAIL FROM, DATA or the final dot, or in the session: by the table in its phase;</li>
     *   <li>refused recipients alone: PARTIALLY_ACCEPTED when some were accepted, else the most telling refusal;</li>
     *   <li>connection trouble: CONNECTION_FAILED, scope ACCOUNT; anything else TEMPORARY_FAILURE, scope MESSAGE.</li>
     * </ol>
     */
    public static SendFailure classify(SmtpTransaction tx, List<ReplyRule> rules) {
        Objects.requireNonNull(tx, "transaction");
        Objects.requireNonNull(rules, "rules");
        SmtpReply reply = tx.reply();
        if (tx.afterFinalDot() && (reply == null || reply.code() >= 300 && reply.code() < 400)) {
            // RFC 5321 4.2: a reply that is not one, or a code out of place, to the final dot: the server has the
            // whole message and may have taken it; sending it through another account could deliver it twice
            String detail = reply == null ? tx.detail()
                    : "the message and its final \".\" were sent, but the reply was not a valid SMTP reply: " + reply;
            return new SendFailure(ReasonCode.DELIVERY_UNCERTAIN, reply, tx.refused(), cut(detail), Scope.MESSAGE);
        }
        switch (tx.trouble()) {
            case TLS -> {
                return new SendFailure(ReasonCode.TLS_FAILED, null, List.of(), cut(tx.detail()), Scope.ACCOUNT);
            }
            case AUTHENTICATION -> {
                return new SendFailure(ReasonCode.AUTHENTICATION_FAILED, null, List.of(), cut(tx.detail()), Scope.ACCOUNT);
            }
            case CONNECTION -> {
                return new SendFailure(ReasonCode.CONNECTION_FAILED, null, tx.refused(), cut(tx.detail()), Scope.ACCOUNT);
            }
            case OTHER -> {
                return new SendFailure(ReasonCode.TEMPORARY_FAILURE, null, List.of(), cut(tx.detail()), Scope.MESSAGE);
            }
            case NONE -> {
                // a reply decides
            }
        }
        List<RecipientFailure> refused = tx.refused();
        if (reply != null && reply.code() < 300 && tx.afterFinalDot()) {
            // the final dot was accepted: the send only reports refused recipients
            String detail = refused.isEmpty()
                    ? "accepted for all " + tx.accepted() + " recipients (reported as a failure: mail.smtp.reportsuccess is set)"
                    : "accepted for " + tx.accepted() + " of " + (tx.accepted() + refused.size()) + " recipients; refused: "
                    + recipientDetail(refused);
            return new SendFailure(ReasonCode.PARTIALLY_ACCEPTED, reply, refused, cut(detail), partialScope(refused, rules));
        }
        if (reply != null) {
            return byRule(tx.phase(), reply, rules, refused, AngusTransactions.label(tx.phase()));
        }
        if (!refused.isEmpty()) {
            if (tx.accepted() > 0) {
                return new SendFailure(ReasonCode.PARTIALLY_ACCEPTED, refused.get(0).reply(), refused,
                        cut("accepted for " + tx.accepted() + " of " + (tx.accepted() + refused.size())
                                + " recipients; refused: " + recipientDetail(refused)), partialScope(refused, rules));
            }
            return recipientsOnly(refused, rules);
        }
        return new SendFailure(ReasonCode.TEMPORARY_FAILURE, null, List.of(),
                cut("unexpected failure while sending: " + (tx.detail().isEmpty() ? "no reply" : tx.detail())), Scope.MESSAGE);
    }

    /** The first rule in {@code rules} that matches {@code reply} in {@code phase}. */
    public static Optional<ReplyRule> ruleFor(SmtpPhase phase, SmtpReply reply, List<ReplyRule> rules) {
        for (ReplyRule rule : rules) {
            if (rule.matches(phase, reply)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /**
     * The scope of a partial acceptance: ACCOUNT when the server refused a recipient with an account-level reply
     * ({@code 451 4.7.1 Ratelimit exceeded} after the first recipients: the rest should go through another
     * account), otherwise RECIPIENT.
     */
    private static Scope partialScope(List<RecipientFailure> refused, List<ReplyRule> rules) {
        for (RecipientFailure failure : refused) {
            if (failure.reply() != null && ruleFor(SmtpPhase.RCPT, failure.reply(), rules)
                    .map(rule -> rule.scope() == Scope.ACCOUNT).orElse(false)) {
                return Scope.ACCOUNT;
            }
        }
        return Scope.RECIPIENT;
    }

    /** Every recipient failed: the most telling failure decides (account scope, then temporary, then the first). */
    private static SendFailure recipientsOnly(List<RecipientFailure> refused, List<ReplyRule> rules) {
        SendFailure chosen = null;
        int chosenRank = Integer.MAX_VALUE;
        for (RecipientFailure failure : refused) {
            SendFailure candidate = failure.reply() == null
                    ? new SendFailure(ReasonCode.RECIPIENT_REJECTED, null, refused, "", Scope.RECIPIENT)
                    : byRule(SmtpPhase.RCPT, failure.reply(), rules, refused, AngusTransactions.label(SmtpPhase.RCPT));
            int rank = candidate.scope() == Scope.ACCOUNT ? 0 : candidate.reason().status() == Status.DEFERRED ? 1 : 2;
            if (rank < chosenRank) {
                chosen = candidate;
                chosenRank = rank;
            }
        }
        String summary = refused.size() == 1 ? "recipient refused: " : "all " + refused.size() + " recipients refused: ";
        return new SendFailure(chosen.reason(), chosen.reply(), refused, cut(summary + recipientDetail(refused)),
                chosen.scope());
    }

    private static String recipientDetail(List<RecipientFailure> refused) {
        RecipientFailure first = refused.get(0);
        String text = first.reply() == null ? "no reply recorded"
                : AngusTransactions.label(SmtpPhase.RCPT) + " replied " + first.reply();
        return refused.size() == 1 ? text : text + " (and " + (refused.size() - 1) + " more)";
    }

    private static SendFailure byRule(SmtpPhase phase, SmtpReply reply, List<ReplyRule> rules,
                                      List<RecipientFailure> refused, String label) {
        String detail = cut(label + " replied " + reply);
        return ruleFor(phase, reply, rules)
                .map(rule -> new SendFailure(rule.reason(), reply, refused,
                        rule.advice() == null ? detail : cut(detail + "; " + rule.advice()), rule.scope()))
                .orElseGet(() -> new SendFailure(ReasonCode.TEMPORARY_FAILURE, reply, refused,
                        cut("unexpected reply: " + detail), fallbackScope(phase)));
    }

    private static Scope fallbackScope(SmtpPhase phase) {
        return switch (phase) {
            case CONNECT, AUTH, MAIL -> Scope.ACCOUNT;
            case RCPT -> Scope.RECIPIENT;
            case DATA -> Scope.UNEXPLAINED;
        };
    }

    private static String cut(String detail) {
        String oneLine = detail.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL - 3) + "...";
    }
}
