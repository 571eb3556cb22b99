package io.mailpipe.smtp;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.smtp.SendFailure.Scope;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what an exception thrown by Angus Mail's SMTP transport means for the request and the account.
 *
 * <p>It walks the exception chain ({@code getNextException()}, {@code getCause()}) and decides in this order:
 * <ol>
 *   <li><b>Uncertain</b>: a {@link DeliveryUncertainException} (the message and its final dot were sent, no reply
 *       came): DELIVERY_UNCERTAIN, scope MESSAGE (never a failover: the server may have the message).</li>
 *   <li><b>TLS</b>: an {@link SSLException} (handshake, untrusted or expired certificate), a certificate
 *       path error, "STARTTLS is required but host does not support STARTTLS" or "Could not convert socket
 *       to TLS": TLS_FAILED, scope ACCOUNT. An SSLException that only wraps a broken socket is a connection failure.</li>
 *   <li><b>Authentication</b>: {@link AuthenticationFailedException}. Its message is the server's last reply when
 *       there was one ({@code 535 5.7.8 Authentication credentials invalid}): classified by the table in phase
 *       AUTH. Without a reply: AUTHENTICATION_FAILED, or CONNECTION_FAILED when the connection broke.</li>
 *   <li><b>Mail transaction</b>: {@link SMTPSendFailedException} (the reply to MAIL FROM, DATA or the final dot)
 *       decides, by the table in the phase of its command; {@link SMTPAddressFailedException}s give the refused
 *       recipients. Angus reports a send that reached some recipients with {@code mail.smtp.sendpartial=true} as an
 *       SMTPSendFailedException with the <em>250</em> reply to the final dot: PARTIALLY_ACCEPTED. Without an
 *       SMTPSendFailedException, refused recipients decide: PARTIALLY_ACCEPTED when the exception's
 *       {@code getValidSentAddresses()} is not empty, otherwise by the table in phase RCPT (a 421 or another
 *       account-scope reply first, then a temporary one, then the first). A partial acceptance has scope ACCOUNT
 *       when a recipient was refused with an account-scope reply (a rate limit after the first recipients).</li>
 *   <li><b>Connection</b>: {@link MailConnectException} or any {@link IOException} in the chain (refused, timed
 *       out, unknown host, connection reset, "Exception reading response"): CONNECTION_FAILED, scope ACCOUNT.</li>
 *   <li><b>Session replies</b>: a MessagingException whose message is a reply (EHLO or STARTTLS refused) or
 *       names the greeting's code ({@code "Could not connect to SMTP host: h, port: 25, response: 421"}):
 *       by the table in phase CONNECT.</li>
 *   <li>Anything else: TEMPORARY_FAILURE, scope MESSAGE, with the exception's class name in the detail.</li>
 * </ol>
 *
 * <p>Replies are classified by an ordered table of {@link ReplyRule}s, first match wins ({@link #DEFAULT_RULES});
 * provider-specific rules go in front ({@link #classify(Throwable, List)}). A reply no rule matches is a
 * TEMPORARY_FAILURE. Account-level replies are recognised in every phase by enhanced code and phrase (a rate,
 * a sending quota or limit: RATE_LIMITED; spam, a block or ban: ACCOUNT_BLOCKED), after the rules that keep a
 * recipient's mailbox (5.1.1, 5.2.2, ...), the From address (sender policy, SPF/DKIM/DMARC) and the content (size,
 * virus) with the recipient or the message.
 *
 * <p>Expects {@code mail.smtp.sendpartial=true} on the session: without it Angus sends nothing when one recipient
 * is refused, and the result is RECIPIENT_REJECTED even though other recipients were fine. Do not set
 * {@code mail.smtp.reportsuccess}: Angus then throws even when every recipient was accepted (classified as
 * PARTIALLY_ACCEPTED with no refused recipient). Stateless and thread-safe; imports nothing from Camel.
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

    /** Angus' MessagingException when the server does not offer STARTTLS but the session requires it. */
    private static final String STARTTLS_MISSING = "STARTTLS is required but host does not support STARTTLS";
    /** Angus' MessagingException when the STARTTLS handshake fails (the SSLException is its next exception). */
    private static final String STARTTLS_FAILED = "Could not convert socket to TLS";
    /** Angus' messages for a greeting other than 220: only the code survives. */
    private static final Pattern GREETING = Pattern.compile(
            "^(?:Could not connect to SMTP host|Got bad greeting from SMTP host): .*, response: ([2-5][0-9][0-9])$");
    private static final int MAX_DETAIL = 600;
    private static final int MAX_CHAIN = 64;

    private SmtpFailureClassifier() {
    }

    /** Classifies {@code failure} with {@link #DEFAULT_RULES}. */
    public static SendFailure classify(Throwable failure) {
        return classify(failure, DEFAULT_RULES);
    }

    /**
     * Classifies {@code failure} with {@code rules} (first match wins; put provider-specific rules first and
     * end with {@link #DEFAULT_RULES}).
     */
    public static SendFailure classify(Throwable failure, List<ReplyRule> rules) {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(rules, "rules");
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof MessageRefusedBeforeSending refused) {
                return new SendFailure(refused.reason(), null, List.of(), refused.getMessage(), Scope.MESSAGE);
            }
            if (t instanceof DeliveryUncertainException uncertain) {
                // the server may have the message: scope MESSAGE, so it never fails over to another account
                return new SendFailure(ReasonCode.DELIVERY_UNCERTAIN, null, List.of(),
                        cut(uncertain.getMessage() + (uncertain.getNextException() == null ? ""
                                : " (" + describe(uncertain.getNextException()) + ")")), Scope.MESSAGE);
            }
        }

        Optional<SendFailure> result = tls(chain);
        if (result.isEmpty()) {
            result = authentication(chain, rules);
        }
        if (result.isEmpty()) {
            result = transaction(chain, rules);
        }
        if (result.isEmpty()) {
            result = connection(chain);
        }
        if (result.isEmpty()) {
            result = sessionReply(chain, rules);
        }
        return result.orElseGet(() -> new SendFailure(ReasonCode.TEMPORARY_FAILURE, null, List.of(),
                "unexpected failure while sending: " + failure.getClass().getName(), Scope.MESSAGE));
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

    // --- 1. TLS

    private static Optional<SendFailure> tls(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof SSLException ssl && !(ssl instanceof SSLHandshakeException) && wrapsBrokenSocket(ssl)) {
                // "javax.net.ssl.SSLException: Connection reset" on an established TLS session: a connection failure
                return Optional.empty();
            }
            if (isTlsError(t) || isHostNameMismatch(t)) {
                String advice = TlsTrust.advice(t);
                return Optional.of(tlsFailure(advice == null ? describe(t) : advice + " (" + describe(t) + ")"));
            }
            if (t instanceof MessagingException m && m.getMessage() != null) {
                if (m.getMessage().startsWith(STARTTLS_MISSING)) {
                    return Optional.of(tlsFailure("the server does not offer STARTTLS, which the account requires"
                            + " (security: starttls, or a login with security: none and no allowPlaintextAuth: true);"
                            + " nothing was sent, no password either"));
                }
                if (m.getMessage().startsWith(STARTTLS_FAILED) && !isTlsError(m.getNextException())) {
                    // a socket error during the handshake; a TLS error would be classified by the next round
                    return Optional.of(tlsFailure(m.getNextException() == null ? STARTTLS_FAILED
                            : "handshake broke off: " + describe(m.getNextException())));
                }
            }
        }
        return Optional.empty();
    }

    /** Angus' IOException when the certificate does not name the host ({@code ssl.checkserveridentity}). */
    private static boolean isHostNameMismatch(Throwable t) {
        return t instanceof java.io.IOException && t.getMessage() != null
                && (t.getMessage().startsWith("Can't verify identity of server") || t.getMessage().startsWith("Server is not trusted"));
    }

    private static boolean isTlsError(Throwable t) {
        return t instanceof SSLException || t instanceof CertificateException
                || t instanceof CertPathValidatorException || t instanceof CertPathBuilderException;
    }

    private static SendFailure tlsFailure(String what) {
        return new SendFailure(ReasonCode.TLS_FAILED, null, List.of(), cut("TLS failed: " + what), Scope.ACCOUNT);
    }

    private static boolean wrapsBrokenSocket(SSLException ssl) {
        int depth = 0;
        for (Throwable c = ssl.getCause(); c != null && depth++ < MAX_CHAIN; c = c.getCause()) {
            if (c instanceof SocketException || c instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    // --- 2. authentication

    private static Optional<SendFailure> authentication(List<Throwable> chain, List<ReplyRule> rules) {
        for (int i = 0; i < chain.size(); i++) {
            if (!(chain.get(i) instanceof AuthenticationFailedException auth)) {
                continue;
            }
            SmtpReply reply = SmtpReply.parse(auth.getMessage());
            if (reply != null) {
                return Optional.of(byRule(SmtpPhase.AUTH, reply, rules, List.of(), "AUTH"));
            }
            IOException io = first(chain.subList(i + 1, chain.size()), IOException.class);
            if (io != null) {
                return Optional.of(new SendFailure(ReasonCode.CONNECTION_FAILED, null, List.of(),
                        "connection broke during authentication: " + describe(io), Scope.ACCOUNT));
            }
            String message = auth.getMessage() == null || auth.getMessage().isBlank() ? "no reason given" : auth.getMessage();
            return Optional.of(new SendFailure(ReasonCode.AUTHENTICATION_FAILED, null, List.of(),
                    cut("authentication failed: " + message.strip()), Scope.ACCOUNT));
        }
        return Optional.empty();
    }

    // --- 3. mail transaction

    private static Optional<SendFailure> transaction(List<Throwable> chain, List<ReplyRule> rules) {
        SMTPSendFailedException command = first(chain, SMTPSendFailedException.class);
        SMTPSenderFailedException sender = first(chain, SMTPSenderFailedException.class);
        SendFailedException summary = summary(chain);
        List<RecipientFailure> refused = refusedRecipients(chain, summary);
        int accepted = summary == null ? 0 : length(summary.getValidSentAddresses());

        if (command != null) {
            SmtpReply reply = reply(command.getMessage(), command.getReturnCode());
            if (reply != null && reply.code() < 300) {
                // the final dot was accepted: Angus throws only to report refused recipients
                int total = summary == null ? accepted + refused.size()
                        : accepted + length(summary.getValidUnsentAddresses()) + length(summary.getInvalidAddresses());
                String detail = refused.isEmpty()
                        ? "accepted for all " + accepted + " recipients (reported as a failure: mail.smtp.reportsuccess is set)"
                        : "accepted for " + accepted + " of " + total + " recipients; refused: " + recipientDetail(refused);
                return Optional.of(new SendFailure(ReasonCode.PARTIALLY_ACCEPTED, reply, refused, cut(detail),
                        partialScope(refused, rules)));
            }
            SmtpPhase phase = phaseOf(command.getCommand());
            if (afterFinalDot(command.getCommand()) && (reply == null || reply.code() < 400)) {
                // RFC 5321 4.2: a reply that is not one, or a code out of place, to the final dot: the server has the
                // whole message and may have taken it; sending it through another account could deliver it twice
                return Optional.of(new SendFailure(ReasonCode.DELIVERY_UNCERTAIN, reply, refused,
                        cut("the message and its final \".\" were sent, but the reply was not a valid SMTP reply"
                                + (reply == null ? " (code " + command.getReturnCode() + ")" : ": " + reply)), Scope.MESSAGE));
            }
            if (reply == null) {
                return Optional.of(new SendFailure(ReasonCode.CONNECTION_FAILED, null, refused,
                        "connection lost waiting for the reply to " + label(phase), Scope.ACCOUNT));
            }
            return Optional.of(byRule(phase, reply, rules, refused, label(phase)));
        }
        if (sender != null) {
            SmtpReply reply = reply(sender.getMessage(), sender.getReturnCode());
            if (reply != null) {
                return Optional.of(byRule(SmtpPhase.MAIL, reply, rules, refused, label(SmtpPhase.MAIL)));
            }
        }
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        if (accepted > 0) {
            int total = accepted + refused.size();
            return Optional.of(new SendFailure(ReasonCode.PARTIALLY_ACCEPTED, refused.get(0).reply(), refused,
                    cut("accepted for " + accepted + " of " + total + " recipients; refused: " + recipientDetail(refused)),
                    partialScope(refused, rules)));
        }
        return Optional.of(recipientsOnly(refused, rules));
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
                    : byRule(SmtpPhase.RCPT, failure.reply(), rules, refused, label(SmtpPhase.RCPT));
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

    /** The SendFailedException that carries the address lists (not a per-address one). */
    private static SendFailedException summary(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof SendFailedException s && !(t instanceof SMTPAddressFailedException)
                    && !(t instanceof SMTPSenderFailedException)
                    && (s.getValidSentAddresses() != null || s.getValidUnsentAddresses() != null
                    || s.getInvalidAddresses() != null)) {
                return s;
            }
        }
        return null;
    }

    private static List<RecipientFailure> refusedRecipients(List<Throwable> chain, SendFailedException summary) {
        Map<String, RecipientFailure> byAddress = new LinkedHashMap<>();
        for (Throwable t : chain) {
            if (t instanceof SMTPAddressFailedException failed && failed.getAddress() != null) {
                String address = failed.getAddress().getAddress();
                byAddress.putIfAbsent(address.toLowerCase(Locale.ROOT),
                        new RecipientFailure(address, reply(failed.getMessage(), failed.getReturnCode())));
            }
        }
        if (summary != null && summary.getInvalidAddresses() != null) {
            for (Address a : summary.getInvalidAddresses()) {
                String address = a instanceof InternetAddress ia ? ia.getAddress() : a.toString();
                byAddress.putIfAbsent(address.toLowerCase(Locale.ROOT), new RecipientFailure(address, null));
            }
        }
        return List.copyOf(byAddress.values());
    }

    private static String recipientDetail(List<RecipientFailure> refused) {
        RecipientFailure first = refused.get(0);
        String text = first.reply() == null ? "no reply recorded" : label(SmtpPhase.RCPT) + " replied " + first.reply();
        return refused.size() == 1 ? text : text + " (and " + (refused.size() - 1) + " more)";
    }

    private static SmtpPhase phaseOf(String command) {
        if (command == null) {
            return SmtpPhase.DATA;
        }
        String upper = command.strip().toUpperCase(Locale.ROOT);
        if (upper.startsWith("MAIL")) {
            return SmtpPhase.MAIL;
        }
        if (upper.startsWith("RCPT")) {
            return SmtpPhase.RCPT;
        }
        if (upper.startsWith("AUTH")) {
            return SmtpPhase.AUTH;
        }
        if (upper.startsWith("EHLO") || upper.startsWith("HELO") || upper.startsWith("STARTTLS")) {
            return SmtpPhase.CONNECT;
        }
        return SmtpPhase.DATA; // DATA, ".", BDAT
    }

    /** Whether the command is the end of the message data: Angus' "." (or BDAT ... LAST). */
    private static boolean afterFinalDot(String command) {
        if (command == null) {
            return false;
        }
        String upper = command.strip().toUpperCase(Locale.ROOT);
        return upper.equals(".") || upper.startsWith("BDAT") && upper.endsWith("LAST");
    }

    private static String label(SmtpPhase phase) {
        return switch (phase) {
            case CONNECT -> "server";
            case AUTH -> "AUTH";
            case MAIL -> "MAIL FROM";
            case RCPT -> "RCPT TO";
            case DATA -> "DATA";
        };
    }

    // --- 4. connection

    private static Optional<SendFailure> connection(List<Throwable> chain) {
        IOException io = first(chain, IOException.class);
        MailConnectException connect = first(chain, MailConnectException.class);
        if (io == null && connect == null) {
            return Optional.empty();
        }
        Throwable cause = io != null ? deepestIoException(io) : connect;
        String what = connect != null ? "could not connect: " : "connection failed: ";
        return Optional.of(new SendFailure(ReasonCode.CONNECTION_FAILED, null, List.of(), cut(what + describe(cause)),
                Scope.ACCOUNT));
    }

    // --- 5. replies to session commands

    private static Optional<SendFailure> sessionReply(List<Throwable> chain, List<ReplyRule> rules) {
        for (Throwable t : chain) {
            if (!(t instanceof MessagingException) || t.getMessage() == null) {
                continue;
            }
            SmtpReply reply = SmtpReply.parse(t.getMessage());
            if (reply == null) {
                Matcher greeting = GREETING.matcher(t.getMessage().strip());
                if (greeting.matches()) {
                    reply = new SmtpReply(Integer.parseInt(greeting.group(1)), null, "");
                }
            }
            if (reply != null) {
                return Optional.of(byRule(SmtpPhase.CONNECT, reply, rules, List.of(), label(SmtpPhase.CONNECT)));
            }
        }
        return Optional.empty();
    }

    // --- helpers

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

    /** The reply in an Angus exception's message, or a code-only reply when the message is not one. */
    private static SmtpReply reply(String message, int returnCode) {
        SmtpReply parsed = SmtpReply.parse(message);
        if (parsed != null && (returnCode <= 0 || parsed.code() == returnCode)) {
            return parsed;
        }
        return returnCode >= 200 && returnCode <= 599 ? new SmtpReply(returnCode, null, "") : null;
    }

    /** The exception, then its next/cause exceptions, each once. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.size() < MAX_CHAIN && seen.add(t); ) {
            chain.add(t);
            t = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
        }
        return chain;
    }

    private static <T> T first(List<Throwable> chain, Class<T> type) {
        for (Throwable t : chain) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The deepest IOException among {@code io} and its causes: the most specific message. */
    private static Throwable deepestIoException(IOException io) {
        Throwable result = io;
        int depth = 0;
        for (Throwable c = io.getCause(); c != null && depth++ < MAX_CHAIN; c = c.getCause()) {
            if (c instanceof IOException) {
                result = c;
            }
        }
        return result;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.strip());
    }

    private static int length(Address[] addresses) {
        return addresses == null ? 0 : addresses.length;
    }

    private static String cut(String detail) {
        String oneLine = detail.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL - 3) + "...";
    }
}
