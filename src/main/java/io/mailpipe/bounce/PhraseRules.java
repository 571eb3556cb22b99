package io.mailpipe.bounce;

import java.util.List;

/**
 * Lower-case phrases per reason, tried in this order over the diagnostic text; the first rule with
 * a matching phrase decides. The order matters: specific reasons (mailbox full, message too big)
 * come before broad ones (user unknown, blocked), because "5.1.1 mailbox full" is a full mailbox.
 * Each rule carries a made-up sample line of the kind it recognises.
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
            // 552 5.2.2 <user@example.com>: the recipient's storage quota has been used up
            new Rule(Reason.MAILBOXFULL, List.of(
                    "mailbox exceeds allowed size",
                    "mailbox full", "mailbox is full", "mailbox size limit exceeded", "over quota", "overquota",
                    "quota exceeded", "exceeded storage allocation", "exceeds quota", "exceed the quota",
                    "quota full", "mailbox is over", "mailbox exceeded", "not enough storage", "insufficient disk",
                    "user is over", "account is over quota", "account is full", "mailbox has exceeded",
                    "mailfolder is full", "mail box full", "would exceed", "too much mail data", "box is full",
                    "storage quota", "disk quota", "mailbox has been full", "exceeded its quota", "quota violation",
                    "user has exceeded", "has exceeded its", "no space left", "is over its quota",
                    "maildir over quota", "exceeding storage", "mailbox zu voll", "boîte pleine")),
            // 554 "|exec /usr/bin/procmail -f- || exit 75 #taro"... Service unavailable
            // (the failed recipient is a pipe to a program: whatever it says, the program failed)
            new Rule(Reason.MAILERERROR, List.of("\"|")),
            // 552 5.3.4 message size exceeds the fixed maximum message size of this host
            new Rule(Reason.MESGTOOBIG, List.of(
                    "message too large", "message too big", "message is too big", "message is too large",
                    "size exceeds", "exceeds size limit", "exceeds the maximum size", "message size exceeds",
                    "maximum message size", "message file too big", "size limit", "mail size", "too large for",
                    "exceeded maximum inbound message size", "message length exceeds", "message exceeds",
                    "email is too large", "line limit exceeded")),
            // 552 5.2.3 too many messages waiting for this recipient
            new Rule(Reason.EXCEEDLIMIT, List.of(
                    "exceeds the per-mailbox", "too many messages in mailbox",
                    "daily quota", "exceeded the daily", "local delivery limit")),
            // 550 5.2.1 the email account you tried to reach is disabled
            new Rule(Reason.SUSPEND, List.of(
                    "account that you tried to reach is inactive", "account is blocked", "temporary locked", "temporarily locked",
                    "account disabled", "account has been disabled", "account is disabled", "mailbox disabled",
                    "mailbox is disabled", "account is inactive", "mailbox is inactive", "has been suspended",
                    "account suspended", "is suspended", "temporarily disabled", "account that you tried to reach is disabled",
                    "account deactivated", "account has been deactivated", "mailbox unavailable…suspend",
                    "account is locked", "is frozen", "recipient suspended", "inactive user", "disabled recipient",
                    "user suspended", "account expired", "mailbox currently suspended", "this mailbox is disabled",
                    "address is not currently in use", "account is not active")),
            // 550 5.1.6 the recipient has moved away and left no forwarding address
            new Rule(Reason.HASMOVED, List.of(
                    "has been replaced by", "address has changed", "no longer available at this address",
                    "mailbox has moved", "has moved to")),
            // 554 5.7.1 <user@example.net>: relay access denied
            new Rule(Reason.NORELAYING, List.of(
                    "relay access denied", "relaying denied", "relay not permitted", "relaying not allowed",
                    "not permitted to relay", "unable to relay", "we do not relay", "relay denied",
                    "relaying mail to", "is not permitted to relay", "no relaying", "relay prohibited",
                    "not allowed to relay", "mail relay denied", "relaying is prohibited", "not a gateway",
                    "that domain isn't in my list of allowed rcpthosts")),
            // 550 5.7.26 message rejected: the sending domain failed its DMARC policy
            new Rule(Reason.AUTHFAILURE, List.of(
                    "dmarc policy", "dmarc rejection", "failed dmarc", "dmarc check", "dmarc validation",
                    "spf check failed", "spf validation", "spf fail", "failed spf", "does not designate",
                    "not designated as permitted sender", "sender policy framework", "spf record",
                    "dkim signature", "dkim verification", "dkim failed", "dkim check", "unauthenticated email",
                    "sender is not authorized by", "domain authentication", "authentication check failed",
                    "sender authentication", "spf: ", "spf)")),
            // 550 5.7.25 the sending host has no reverse DNS record (PTR)
            new Rule(Reason.REQUIREPTR, List.of(
                    "unverifyable", "unverifiable",
                    "no ptr record", "ptr record", "reverse dns", "reverse lookup", "cannot resolve your",
                    "cannot find your hostname", "no reverse", "rdns", "reverse-dns", "client host rejected: cannot find",
                    "could not resolve the hostname", "unresolvable", "no dns entries for your",
                    "did not reverse-resolve", "ip name lookup failed", "host name verification failed",
                    "hostname not found", "does not resolve")),
            // 550 5.7.1 the message does not conform to RFC 5322: duplicate Date header
            new Rule(Reason.NOTCOMPLIANTRFC, List.of(
                    "rfc 5322", "rfc5322", "rfc 2822", "rfc2822", "rfc 822", "rfc822 specifications",
                    "multiple addresses in from", "multiple from", "is not rfc compliant",
                    "not compliant with rfc", "header is missing", "missing required header")),
            // 550 5.7.1 the sending IP address has a poor reputation
            new Rule(Reason.BADREPUTATION, List.of(
                    "poor reputation", "bad reputation", "low reputation", "ip reputation", "sender reputation",
                    "reputation of", "has been temporarily rate limited due to ip reputation")),
            // 554 5.7.1 a virus was found in the message
            new Rule(Reason.VIRUSDETECTED, List.of(
                    "virus", "malware", "infected", "malicious content", "message contains malicious")),
            // 552 5.7.0 this message was blocked because its content presents a potential security issue
            // (an attachment type the receiving provider refuses: its policy, not the sending host)
            new Rule(Reason.POLICYVIOLATION, List.of("its content presents a potential")),
            // 554 5.7.1 client host [192.0.2.1] blocked using a DNS blocklist (before the spam rule: "blocked for spamming" is about the IP)
            new Rule(Reason.BLOCKED, List.of(
                    // 554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help) (BL)
                    "ip=…(bl)",
                    "client host blocked", "blocked using", "blocklist", "blacklisted by", "dnsbl", "your ip",
                    "ip address blacklisted", "adresse ip", "please use the smtp server of your isp",
                    "invalid ip for sending", "my name was rejected", "not accepting connections")),
            // 550 5.7.1 the message was classified as spam and rejected
            new Rule(Reason.SPAMDETECTED, List.of(
                    "spam", "junk mail", "unsolicited", "bulk mail", "message content rejected", "content filter",
                    "looks like spam", "message was not accepted because", " uce ", "mail appears to be unsolicited",
                    "classified as junk", "suspicious", "identified as spam", "blacklisted url",
                    "url in this email is listed", "because it appears", "rejected by antispam",
                    "scored too high", "high probability of", "dnsbl…content")),
            // 550 5.1.8 <sender@example.org>: sender address rejected: domain not found
            new Rule(Reason.REJECTED, List.of(
                    "purported responsible address",
                    // 550 5.2.0 <sender@example.org> From: Domain is invalid. Please provide a valid From:
                    "provide a valid from", "from: domain is invalid",
                    "sender rejected", "sender address rejected", "sender denied", "sender refused",
                    "sender domain", "domain of sender address", "envelope sender", "invalid sender",
                    "sender verify failed", "sender verification", "bad sender", "from address rejected",
                    "mail from address", "sender is blacklisted", "sender not allowed", "address of the sender",
                    "return path", "your address has been blacklisted", "empty envelope senders",
                    "null sender", "sender email address rejected", "unroutable sender", "sender unknown",
                    "unknown sender", "rejected sender", "mail from rejected", "blocked sender")),
            // 556 5.1.10 the recipient domain has a null MX and accepts no mail
            new Rule(Reason.NOTACCEPT, List.of(
                    "no mx found", "couldn't find a mail exchanger",
                    "does not accept mail", "null mx", "not accepting mail", "accepts no mail", "no mail accepted",
                    "does not accept any mail")),
            // 550 5.1.2 host unknown: the domain does not exist in DNS
            new Rule(Reason.HOSTUNKNOWN, List.of(
                    "host unknown", "host not found", "unknown host", "domain not found", "domain does not exist",
                    "no such domain", "unrouteable mail domain", "name or service not known", "domain unknown",
                    "unknown domain", "host or domain name not found", "no mx", "nxdomain", "not a registered domain",
                    "domain is not", "invalid domain", "illegal host/domain", "unable to resolve",
                    "non-existent domain", "the domain name", "domain isn't in")),
            // 550 5.1.1 <nobody@example.com>: recipient address rejected: no such user
            new Rule(Reason.USERUNKNOWN, List.of(
                    "recipient address rejected: access denied", "user unknown", "unknown user", "recipient name is not recognized",
                    "not listed in public name", "user not exist", "no such user", "no such mailbox", "no such recipient",
                    "no such person", "no such account", "user not found", "user does not exist",
                    "does not exist", "doesn't exist", "unknown recipient", "recipient unknown",
                    "recipient not found", "recipient does not exist", "invalid recipient", "invalid mailbox",
                    "mailbox not found", "mailbox unavailable", "mailbox does not exist", "mailbox is unavailable",
                    "mailbox not available", "address unknown", "address does not exist",
                    "address not found", "unknown address", "not a valid mailbox", "not a valid recipient",
                    "not a known user", "is not a valid", "bad destination mailbox", "bad recipient",
                    "unknown or illegal alias", "unknown local part", "unknown local-part", "unrouteable address",
                    "no mailbox here", "no mailbox by that name", "no mail box", "user invalid", "invalid user",
                    "invalid address", "unknown mailbox", "no account by that name", "user not local",
                    "recipient is not local", "not our customer", "no valid recipients", "this user doesn't have",
                    "recipient rejected", "badrcptto", "no one at this address", "couldn't be found",
                    "could not be found", "no longer valid", "nonexistent", "non-existent", "not exist",
                    "account does not exist", "user account is unavailable", "mailbox is not valid",
                    "no mailbox", "inexistent", "unknown email", "utilisateur inconnu", "e-mail address was not found",
                    "addressee unknown", "recipient address is invalid", "no such local user", "name is not recognized",
                    "not listed in", "is unknown", "account unavailable", "alias unknown")),
            // 550 5.7.1 message rejected by the recipient's filter rules
            new Rule(Reason.FILTERED, List.of(
                    "refused by recipient's filter", "filtered", "rejected by the recipient",
                    "recipient's mailbox refuses", "rejected by user", "user refuses", "refuses to accept",
                    "message rejected by recipient", "denied by recipient", "mail is blocked by recipient",
                    "blocked by the recipient", "not accepting mail from")),
            // 554 5.6.0 message header is malformed (content error)
            new Rule(Reason.CONTENTERROR, List.of(
                    "duplicate header",
                    "improper use of 8-bit data", "message header size", "header too long", "illegal character in header",
                    "bare lf", "bare <lf>", "invalid header", "message has invalid", "charset not supported",
                    "mime error", "malformed mime", "message content not acceptable")),
            // 421 4.7.0 too many concurrent connections from your host
            new Rule(Reason.TOOMANYCONN, List.of(
                    "frequency limited", "connection rate limit",
                    "too many connections", "too many concurrent", "connection limit", "too many recipients",
                    "too many smtp sessions", "too many simultaneous", "exceeded the maximum number of connections",
                    "recipients per message", "too many hosts", "max connections")),
            // 421 4.7.0 you are sending too fast, slow down
            new Rule(Reason.SPEEDING, List.of(
                    "receiving mail at a rate",
                    "rate limit", "sending too fast", "too many messages", "rate-limited", "ratelimit",
                    "exceeded the rate", "throttl", "rate of")),
            // 554 5.7.1 service unavailable; client host [192.0.2.1] blocked using a DNS blocklist
            new Rule(Reason.BLOCKED, List.of(
                    "blocked using", "blocklist", "blacklist", "black list", "block list", "dnsbl", " rbl",
                    "spamhaus", "spamcop", "client host rejected", "connection refused", "access denied",
                    "your ip", "your host", "ip address", "ip has been", "has been blocked", "blocked by",
                    "is blocked", "host rejected", "not allowed to send", "banned", "denied by policy",
                    "rejected by policy", "you are not allowed", "connection rejected", "ip blocked",
                    "your server", "not authorized to", "listed at", "listed in", "sorbs", "barracuda",
                    "refused to talk", "blocked", "poor ip")),
            // 550 5.7.1 rejected by our message policy
            new Rule(Reason.POLICYVIOLATION, List.of(
                    "header error",
                    "policy violation", "violates our", "violation of", "policy reasons", "acceptable use",
                    "not permitted by policy", "by local policy", "policy rejection", "message not allowed by",
                    "policy", "prohibited")),
            // 452 4.3.1 insufficient system storage
            new Rule(Reason.SYSTEMFULL, List.of(
                    "insufficient system storage", "mail system full", "system storage", "out of disk",
                    "disk full", "file system full", "not enough disk")),
            // 451 4.4.0 routing loop detected / DNS lookup failed
            new Rule(Reason.NETWORKERROR, List.of(
                    "dns query failed", "wasn't able to establish an smtp connection", "had no relevant answers",
                    "mail loop", "loops back to myself", "routing loop", "too many hops", "hop count exceeded",
                    "network error", "network is unreachable", "could not connect",
                    "connection reset", "lost connection", "dns lookup failed", "temporary dns", "name server",
                    "unable to connect", "no route to host", "connection closed", "malformed or unexpected name server reply",
                    "too many \"received\"")),
            // 530 5.7.0 authentication required
            new Rule(Reason.SECURITYERROR, List.of(
                    "smtp authentication", "unauthenticated senders",
                    "authentication required", "authentication failed", "must authenticate", "tls required",
                    "starttls", "encryption required", "authentication is required", "security policy",
                    "submission of mail", "certificate")),
            // 4.4.7 envelope expired (this is only a temporary failure report): the expiry decides
            new Rule(Reason.EXPIRED, List.of(
                    "envelope expired", "delivery time expired", "message expired")),
            // 451 4.3.0 local error in processing
            new Rule(Reason.SYSTEMERROR, List.of(
                    "service currently unavailable", "transaction failed", "could not load drd", "unable to contact ldap",
                    "local error", "system error", "internal error", "server error", "temporary failure",
                    "temporary error", "service unavailable", "system not available", "too many errors",
                    "system config error", "mail system error", "error in processing", "server busy",
                    "config error", "configuration error")),
            // 4.4.7 the message was not delivered within the retry period
            new Rule(Reason.EXPIRED, List.of(
                    "connection timed out", "did not accept our requests to connect", "not delivered within",
                    "envelope expired", "host not reachable",
                    "delivery time expired", "retry timeout exceeded", "retry time exceeded", "could not be delivered for",
                    "message expired", "has been delayed", "giving up", "gave up", "queue too long",
                    "retry period", "was not delivered within", "expired after", "message timed out",
                    "unable to deliver in", "delivery expired", "time limit exceeded")),
            // 554 5.3.0 unknown mailer error 1 (a local delivery program failed)
            new Rule(Reason.MAILERERROR, List.of(
                    "mailer error", "x-unix", "command failed", "procmail", "exit code", "pipe to", "command died",
                    "delivery program", "unknown mailer error", "program failed", "command output")),
            // 501 5.5.2 syntax error in parameters or arguments
            new Rule(Reason.SYNTAXERROR, List.of(
                    "improper sequence", "command parameter not implemented", "not implemented", "malformed address",
                    "syntax error", "command unrecognized", "command not recognized", "unrecognized command",
                    "bad sequence of commands", "invalid command")));

    private PhraseRules() {
    }

    /** First rule that matches, or null. */
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
