package io.mailpipe.bounce;

import java.util.List;

/**
 * One rule per reason: the lower-case phrases that name it, taken from what MTAs and mailbox providers publish as
 * their reply texts. They decide only where the report carries no status code, or a generic one
 * ({@link StatusCodes.Meaning#generic()}). Tried in the order of {@link #RULES}: specific causes (a full mailbox, a
 * message too big, a sender refused) before broad ones (an unknown user, a block, a policy), because "user unknown"
 * or "blocked" also appear inside the specific texts. A phrase "a…b" matches when "a" occurs and "b" occurs after it.
 *
 * <p>Sources, cited per phrase: RFC 5321 (reply texts), RFC 3463 and the IANA registry (code titles), Postfix
 * (smtpd/smtp/local/cleanup reply texts and its documentation), Exim (its specification and default messages),
 * Sendmail (its sysexits texts and DSN messages), qmail (qmail-send, qmail-remote, qmail-local, qmail-smtpd
 * messages), Microsoft ("Email non-delivery reports and SMTP errors in Exchange Online"), Google ("Gmail SMTP
 * errors and codes", support.google.com/a/answer/3726730), Yahoo (Sender Hub "SMTP error codes"), Yandex ("Report on
 * non-delivery", yandex.com/support/mail/bounces), mail.ru (help.mail.ru postmaster pages), pypolicyd-spf (its
 * default reject text) and RFC 7208 (SPF explanations).
 */
final class PhraseRules {
    /** One reason's phrases; a phrase "a…b" matches when "a" occurs and "b" occurs after it. */
    record Rule(Reason reason, List<String> phrases) {
        boolean matches(String lowerText) {
            for (String p : phrases) {
                int gap = p.indexOf('…');
                if (gap < 0) {
                    if (lowerText.contains(p)) {
                        return true;
                    }
                } else {
                    int a = lowerText.indexOf(p.substring(0, gap));
                    if (a >= 0 && lowerText.indexOf(p.substring(gap + 1), a + gap) >= 0) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule(Reason.MAILERERROR, List.of(
                    // Postfix local(8): Command died with status 1: "/usr/bin/procmail". Command output: ...
                    "command died with status", "command output:",
                    // Sendmail: 554 5.3.0 unknown mailer error 1
                    "unknown mailer error",
                    // Exim: Child process of address_pipe transport returned 69
                    "child process of",
                    // a pipe recipient as Sendmail and Postfix name it: "|/usr/bin/procmail -f-"
                    "\"|",
                    // procmail(1) writes its own diagnostics: procmail: Couldn't create "/var/spool/mail/taro"
                    "procmail:")),
            new Rule(Reason.MAILBOXFULL, List.of(
                    // RFC 5321 reply 552: Requested mail action aborted: exceeded storage allocation
                    "exceeded storage allocation",
                    // Gmail 452/552: The email account that you tried to reach is over quota
                    "over quota",
                    // Exim appendfile: mailbox is full (MTA-imposed quota exceeded while writing to file ...)
                    "mailbox is full", "mailbox full",
                    // Yandex: Mailbox size limit exceeded; Account is full; Error writing message: Disk quota exceeded
                    "mailbox size limit exceeded", "mailbox size exceeded", "account is full", "disk quota exceeded",
                    // mail.ru: User quota exceeded; Postfix local: ... error writing message: Disk quota exceeded
                    "quota exceeded",
                    // Microsoft: 554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException
                    "quotaexceededexception")),
            new Rule(Reason.EXCEEDLIMIT, List.of(
                    // RFC 3463 X.2.3 title
                    "message length exceeds administrative limit")),
            new Rule(Reason.MESGTOOBIG, List.of(
                    // Postfix smtpd: 552 5.3.4 Message size exceeds fixed limit
                    "message size exceeds",
                    // qmail-smtpd: 552 sorry, that message size exceeds my databytes limit (#5.3.4)
                    "exceeds my databytes limit",
                    // Exim: message too big; Sendmail: Message is too large; Microsoft RESOLVER.RST.SendSizeLimit
                    "message too big", "message is too large", "message too large", "sendsizelimit",
                    // 1&1 (postmaster.1and1.com error messages): Mail size limit exceeded
                    "size limit exceeded")),
            new Rule(Reason.SUSPEND, List.of(
                    // Gmail 550 5.2.1: The email account that you tried to reach is disabled / is inactive
                    "account that you tried to reach is disabled", "account that you tried to reach is inactive",
                    // mail.ru: Local mailbox ... is unavailable: account is disabled; Yahoo 554 30: This mailbox is disabled
                    "account is disabled", "mailbox is disabled",
                    // IANA X.7.13 title; Sendmail: Mailbox disabled for this recipient
                    "user account disabled", "mailbox disabled",
                    // providers that suspend accounts: "account suspended", "account has been suspended"
                    "account suspended", "account has been suspended", "account has been disabled",
                    // vpopmail vdelivermail: account is locked email bounced; Yandex: the recipient's account has been
                    // blocked; La Poste: The recipient account is blocked
                    "account is locked", "account is blocked", "account has been blocked")),
            new Rule(Reason.HASMOVED, List.of(
                    // IANA X.1.6: Destination mailbox has moved, No forwarding address; X.7.17/X.7.18 titles
                    "mailbox has moved", "no forwarding address", "mailbox owner has changed", "domain owner has changed",
                    // RFC 5321 reply 551: User not local; please try <forward-path>
                    "user not local; please try")),
            new Rule(Reason.NORELAYING, List.of(
                    // Postfix smtpd: 554 5.7.1 <x>: Relay access denied; Microsoft 5.7.64: Relay Access Denied
                    "relay access denied",
                    // Sendmail: 550 5.7.1 <x>... Relaying denied; Exim: relay not permitted
                    "relaying denied", "relay not permitted",
                    // Microsoft 5.7.54: Unable to relay recipient in non-accepted domain; Exchange: Unable to relay
                    "unable to relay",
                    // qmail-smtpd: 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)
                    "list of allowed rcpthosts")),
            new Rule(Reason.AUTHFAILURE, List.of(
                    // Gmail 5.7.26: Unauthenticated email from x is not accepted due to domain's DMARC policy;
                    // mail.ru: not accepted due to domain owner DMARC policy; Microsoft 5.7.509: does not pass DMARC
                    "dmarc",
                    // Gmail 5.7.26: does not have authentication information or fails to pass authentication checks
                    "fails to pass authentication checks",
                    // Yahoo 550 5.7.9: the sender is unauthenticated. Yahoo requires all senders to authenticate
                    "sender is unauthenticated",
                    // Yandex: SPF check failed; pypolicyd-spf: Message rejected due to: SPF fail - not authorized
                    "spf check failed", "spf fail",
                    // RFC 7208 explanation: domain of x does not designate 192.0.2.1 as permitted sender
                    "does not designate",
                    // RFC 7372 titles: No passing DKIM signature found, No valid author-matched DKIM signature
                    "dkim signature",
                    // Gmail 550 5.7.26: Unauthenticated email from example.com is not accepted due to domain's DMARC policy
                    "unauthenticated email")),
            new Rule(Reason.REQUIREPTR, List.of(
                    // Postfix smtpd: 450 4.7.1 Client host rejected: cannot find your hostname / reverse hostname
                    "cannot find your hostname", "cannot find your reverse hostname",
                    // Gmail 550 5.7.25: The IP address sending this message does not have a PTR record setup
                    "ptr record",
                    // IANA X.7.25 title: Reverse DNS validation failed
                    "reverse dns",
                    // the same, abbreviated: invalid rDNS record of your mail server
                    "rdns",
                    // Sendmail access map: 450 4.7.1 Access denied. IP name lookup failed [192.0.2.1] (no name for the IP)
                    "ip name lookup failed")),
            new Rule(Reason.NOTCOMPLIANTRFC, List.of(
                    // Gmail 550 5.7.1: This message is not RFC 5322 compliant; Microsoft 5.7.512: must be RFC 5322
                    // section 3.6.2 compliant
                    "rfc 5322", "rfc5322",
                    // Gmail 550 5.7.1: Messages with multiple addresses in From: header are not accepted; Messages missing
                    // a valid Message-ID header are not accepted
                    "multiple addresses in from", "missing a valid message-id")),
            new Rule(Reason.BADREPUTATION, List.of(
                    // Gmail 550 5.7.1: ... likely suspicious due to the very low reputation of the sending IP address
                    "low reputation", "poor reputation")),
            new Rule(Reason.VIRUSDETECTED, List.of(
                    // amavisd-new: 554 5.7.0 Reject, id=... - VIRUS: Eicar-Test-Signature; Exim with ClamAV:
                    // This message contains malware / a virus
                    "virus", "malware")),
            new Rule(Reason.BLOCKED, List.of(
                    // Postfix smtpd: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org
                    "blocked using", "client host rejected", "client host [",
                    // Postfix smtpd: 504 5.5.2 <x>: Helo command rejected: need fully-qualified hostname
                    "helo command rejected",
                    // qmail-remote: Connected to 192.0.2.1 but my name was rejected.
                    "my name was rejected",
                    // Yahoo [BL21]: Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list
                    "connections will not be accepted",
                    // Gmail 421 4.7.0: IP not in whitelist for RCPT domain; The IP you're using to send mail is not
                    // authorized to send email directly to our servers; mail sent from your IP address has been
                    // temporarily blocked
                    "ip not in whitelist", "not authorized to send email directly", "from your ip address has been",
                    // Microsoft 5.7.606: Access denied, banned sending IP; 5.7.513: blocked ... using Customer Block list
                    "banned sending ip", "block list", "blocklist", "blacklist",
                    // Yandex: Client host [192.0.2.1] blocked using ...; Blocked by spam statistics
                    "blocked by spam statistics",
                    // DNS blocklists by their usual names in reply texts (Spamhaus, SpamCop, SORBS, DNSBL, RBL)
                    "spamhaus", "spamcop", "sorbs", "dnsbl", " rbl",
                    // Gmail 550 5.7.1: ... Please use the SMTP relay at your service provider instead; the same advice
                    // for dynamic IP addresses: Please use the smtp server of your ISP
                    "smtp relay at your service provider", "smtp server of your isp")),
            new Rule(Reason.REJECTED, List.of(
                    // Postfix smtpd: 553 5.1.8 <x>: Sender address rejected: Domain not found
                    "sender address rejected",
                    // Sendmail: 553 5.1.8 <x>... Domain of sender address y does not exist
                    "domain of sender address",
                    // Exim: Sender verify failed
                    "sender verify failed",
                    // qmail-remote: Connected to 192.0.2.1 but sender was rejected.
                    "sender was rejected",
                    // Microsoft 5.1.0: Sender denied; 5.1.8: Access denied, bad outbound sender
                    "sender denied", "bad outbound sender",
                    // IANA X.1.7 / X.1.8 titles
                    "bad sender's",
                    // RFC 4407 (Sender ID): the Purported Responsible Address is the sender's; Courier: 550 5.7.1 can't
                    // determine Purported Responsible Address
                    "purported responsible address")),
            new Rule(Reason.SPAMDETECTED, List.of(
                    // Yandex: Message rejected under suspicion of SPAM; Sorry, message looks like SPAM to me;
                    // mail.ru: spam message rejected
                    "spam",
                    // Gmail 550 5.7.1: Our system has detected that this message is likely unsolicited mail
                    "unsolicited",
                    // amavisd-new: 554 5.7.0 Message content rejected, UBE (unsolicited bulk email)
                    "message content rejected", ", ube")),
            new Rule(Reason.NOTACCEPT, List.of(
                    // RFC 7504 reply 556 / RFC 7505: Domain does not accept mail; Recipient address has null MX
                    "does not accept mail", "null mx",
                    // OpenSMTPD: No MX found for domain; qmail-remote: Sorry, I couldn't find a mail exchanger or IP
                    // address. (#5.4.4)
                    "no mx found", "couldn't find a mail exchanger")),
            new Rule(Reason.HOSTUNKNOWN, List.of(
                    // Postfix smtp: Host or domain name not found. Name service error for name=x type=MX: Host not found
                    "host or domain name not found", "host not found",
                    // Postfix smtpd: 550 5.1.2 <x>: Recipient address rejected: Domain not found
                    "domain not found",
                    // Sendmail: 550 5.1.2 x... Host unknown (Name server: x: host not found)
                    "host unknown",
                    // qmail-remote: Sorry, I couldn't find any host named x. (#5.1.2)
                    "couldn't find any host named",
                    // Exim: all relevant MX records point to non-existent hosts; Unrouteable mail domain
                    "point to non-existent hosts", "unrouteable mail domain",
                    // Gmail 553 5.1.2: We weren't able to find the recipient domain; Yandex: DNS: no such domain;
                    // Microsoft 5.4.310: DNS domain does not exist
                    "find the recipient domain", "no such domain", "dns domain does not exist",
                    // IANA X.1.2 title
                    "bad destination system address",
                    // OpenSMTPD: Domain does not exist; Sendmail / Notes: unknown host; Oracle Communications Messaging
                    // Server: Illegal host/domain name found
                    "domain does not exist", "unknown host", "illegal host/domain name")),
            new Rule(Reason.USERUNKNOWN, List.of(
                    // Postfix smtpd: 550 5.1.1 <x>: Recipient address rejected: User unknown in local recipient table;
                    // Sendmail: 550 5.1.1 <x>... User unknown; Yandex: User unknown
                    "user unknown",
                    // Postfix local(8): unknown user: "x"; Exchange 2003: Unknown Recipient; Yandex: Invalid recipient
                    "unknown user", "unknown recipient", "invalid recipient",
                    // Yandex: No such user here; mail.ru: No such user
                    "no such user",
                    // Yandex: User not found; mail.ru: Local mailbox x is unavailable: user not found; Yahoo 552:
                    // Requested mail action aborted, mailbox not found; Microsoft 5.1.10: Recipient not found by
                    // SMTP address lookup; RESOLVER.ADR.RecipNotFound
                    "user not found", "mailbox not found", "recipient not found", "recipnotfound",
                    // qmail-local: Sorry, no mailbox here by that name. (#5.1.1)
                    "no mailbox here by that name",
                    // Exim: 550 Unrouteable address
                    "unrouteable address",
                    // Gmail 550 5.1.1: The email account that you tried to reach does not exist
                    "account that you tried to reach does not exist",
                    // Yahoo 554: delivery error: dd This user doesn't have a yahoo.com account
                    "this user doesn't have a",
                    // Yandex: Invalid mailbox; IANA X.1.1 / X.1.3 titles: Bad destination mailbox address (syntax)
                    "invalid mailbox", "bad destination mailbox address",
                    // the same with the object named: "mailbox does not exist", "user does not exist", ...
                    "mailbox does not exist", "user does not exist", "address does not exist",
                    "account does not exist", "recipient does not exist",
                    // RFC 5321 reply 550: Requested action not taken: mailbox unavailable; Yandex: Mailbox unavailable
                    "mailbox unavailable",
                    // Microsoft 5.4.1 (Directory Based Edge Blocking): Recipient address rejected: Access denied
                    "recipient address rejected: access denied")),
            new Rule(Reason.FILTERED, List.of(
                    // Facebook (postmaster.facebook.com response codes): RCP-P2 Refused due to recipient preferences
                    "recipient preferences")),
            new Rule(Reason.CONTENTERROR, List.of(
                    // Sendmail: 554 5.6.0 Data format error
                    "data format error",
                    // Postfix cleanup: 550 5.6.0 improper use of 8-bit data in message header
                    "improper use of 8-bit data",
                    // Postfix smtpd: bare <LF> received; RFC 5321 4.1.1.4 forbids bare LF
                    "bare <lf>", "bare lf",
                    // Gmail 554 5.6.0: Mail message is malformed. Not accepted.
                    "message is malformed",
                    // Amazon SES: 554 Transaction failed: Duplicate header 'DKIM-Signature' (RFC 5322 3.6 allows it once)
                    "duplicate header")),
            new Rule(Reason.TOOMANYCONN, List.of(
                    // Postfix anvil: 421 4.7.0 x Error: too many connections from 192.0.2.1; Exim: Too many
                    // concurrent SMTP connections from this IP address
                    "too many connections", "too many concurrent",
                    // Postfix smtpd: 452 4.5.3 Error: too many recipients; Gmail 452 4.5.3: Your message has too many recipients
                    "too many recipients",
                    // Sendmail: 421 4.3.2 Connection rate limit exceeded; Tencent QQ Mail (its help page in the reply):
                    // 550 Connection frequency limited / Ip frequency limited
                    "connection rate limit exceeded", "frequency limited")),
            new Rule(Reason.SPEEDING, List.of(
                    // Gmail 450 4.2.1: The user you are trying to contact is receiving mail too quickly / at a rate
                    // that prevents additional messages from being delivered
                    "receiving mail too quickly", "receiving mail at a rate",
                    // Postfix anvil: 421 4.7.0 x Error: too much mail from 192.0.2.1; Gmail 550 5.4.5: Daily user
                    // sending quota exceeded
                    "too much mail from", "sending quota exceeded")),
            new Rule(Reason.POLICYVIOLATION, List.of(
                    // Yahoo 554 5.7.9: Message not accepted for policy reasons; [PH01] Email not accepted for policy reasons
                    "policy reasons",
                    // Gmail 550 5.7.1: The user or domain that you are sending to (or from) has a policy that
                    // prohibited the mail that you sent; This message violates example.com email policy
                    "has a policy that prohibited", "violates…policy",
                    // Gmail 552 5.7.0: This message was blocked because its content presents a potential security
                    // issue; Our system detected an illegal attachment on your message
                    "its content presents a potential", "illegal attachment",
                    // Exim: the default text of an ACL deny: Administrative prohibition
                    "administrative prohibition")),
            new Rule(Reason.SYSTEMFULL, List.of(
                    // RFC 5321 reply 452: Requested action not taken: insufficient system storage; IANA X.3.1: Mail
                    // system full; Sendmail: 452 4.3.1 Insufficient disk space; try again later
                    "insufficient system storage", "mail system full", "insufficient disk space")),
            new Rule(Reason.EXPIRED, List.of(
                    // IANA X.4.7: Delivery time expired; Microsoft 4.4.7 / 5.4.300: Message expired
                    "delivery time expired", "message expired",
                    // Exim: retry timeout exceeded
                    "retry timeout exceeded",
                    // qmail-send: I'm not going to try again; this message has been in the queue too long.
                    "in the queue too long",
                    // Sendmail: Cannot send message for 5 days / Message could not be delivered for 5 days
                    "cannot send message for", "could not be delivered for",
                    // dma (DragonFly Mail Agent): Could not deliver for the last 432000 seconds. Giving up.; OpenSMTPD:
                    // Envelope expired; Gmail: The recipient server did not accept our requests to connect
                    "giving up", "envelope expired", "did not accept our requests to connect",
                    // Postfix smtp: connect to x: Connection timed out; conversation with x timed out while sending: the
                    // host never answered until the report was written
                    "connection timed out", "timed out while")),
            new Rule(Reason.NETWORKERROR, List.of(
                    // Postfix smtp: connect to x: Connection refused; lost connection with x
                    "connection refused", "lost connection",
                    // Postfix local/smtp: mail for x loops back to myself; Exim: Too many "Received" headers -
                    // suspected mail loop; IANA X.4.6: Routing loop detected
                    "loops back to myself", "mail loop", "routing loop",
                    // qmail-remote: Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)
                    "wasn't able to establish an smtp connection",
                    // system errors as MTAs quote them
                    "network is unreachable", "no route to host", "connection reset",
                    // OpenSMTPD: Network error on destination MXs
                    "network error")),
            new Rule(Reason.FAILEDSTARTTLS, List.of(
                    // Postfix smtp: Cannot start TLS: handshake failure; TLS is required, but was not offered by host
                    "cannot start tls", "tls is required, but")),
            new Rule(Reason.SECURITYERROR, List.of(
                    // RFC 4954: 530 5.7.0 Authentication required; Postfix smtpd / Gmail: 530 5.7.0 Must issue a
                    // STARTTLS command first; Gmail 421 4.7.0: TLS required for RCPT domain
                    "authentication required", "must issue a starttls command first", "tls required",
                    // RFC 4954 535: Authentication credentials invalid
                    "authentication credentials invalid")),
            new Rule(Reason.SYSTEMERROR, List.of(
                    // RFC 5321 reply 451: Requested action aborted: local error in processing
                    "local error in processing",
                    // Gmail 421 4.3.0 / 4.7.0: Temporary System Problem. Try again later
                    "temporary system problem",
                    // Sendmail sysexits: Internal software error, Operating system error, Configuration error
                    "internal software error", "operating system error", "configuration error",
                    // RFC 5321 reply 554: Transaction failed
                    "transaction failed",
                    // Sendmail sysexits EX_UNAVAILABLE: Service unavailable
                    "service unavailable", "service currently unavailable")),
            new Rule(Reason.SYNTAXERROR, List.of(
                    // RFC 5321 replies 500 to 504
                    "syntax error", "command unrecognized", "command not implemented", "bad sequence of commands",
                    "command parameter not implemented",
                    // Exim: malformed address: <x> may not follow <y>
                    "malformed address")));

    private PhraseRules() {
    }

    /** The reason of the first rule that matches, or null. */
    static Reason match(String lowerText) {
        if (lowerText == null || lowerText.isEmpty()) {
            return null;
        }
        for (Rule r : RULES) {
            if (r.matches(lowerText)) {
                return r.reason();
            }
        }
        return null;
    }

    /** True when the given reason's own rule matches. */
    static boolean matches(Reason reason, String lowerText) {
        for (Rule r : RULES) {
            if (r.reason() == reason && r.matches(lowerText)) {
                return true;
            }
        }
        return false;
    }
}
