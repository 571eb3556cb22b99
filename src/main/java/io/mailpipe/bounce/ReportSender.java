package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Who wrote a report: the addresses of its From and Sender fields, and the hosts they and the reporting MTA belong
 * to. A failure report is about someone else, so none of these, and no postmaster or mailer-daemon of those hosts,
 * is ever its failed recipient ("please send mail to postmaster@mx.example.org", "MAILER-DAEMON@mx.example.org"
 * quoted in the text). Another host's postmaster can be a failed recipient like any address.
 */
final class ReportSender {
    /** Local parts of a mail system's own mailboxes (RFC 5321 4.5.1 postmaster; the mailer-daemon convention). */
    private static final List<String> SYSTEM_MAILBOXES = List.of("postmaster", "mailer-daemon", "mailerdaemon",
            "mail-daemon");

    private final List<String> addresses = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();

    private ReportSender() {
    }

    static ReportSender of(MailView mail) {
        ReportSender s = new ReportSender();
        for (String field : List.of("From", "Sender")) {
            for (String v : mail.headerValues(field)) {
                Matcher m = Texts.EMAIL.matcher(v);
                while (m.find()) {
                    String a = Texts.cleanAddress(m.group());
                    if (a != null) {
                        s.addresses.add(a.toLowerCase(Locale.ROOT));
                        s.hosts.add(a.substring(a.indexOf('@') + 1).toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return s;
    }

    /** Adds the host that wrote the report (Reporting-MTA), whose postmaster is not a recipient either. */
    ReportSender withHost(String host) {
        if (host != null && !host.isBlank()) {
            hosts.add(host.strip().toLowerCase(Locale.ROOT));
        }
        return this;
    }

    /** True when the address is the report's own sender, or the postmaster or mailer-daemon of its hosts. */
    boolean isOwn(String address) {
        if (address == null) {
            return false;
        }
        String a = Texts.cleanAddress(address);
        if (a == null) {
            return false;
        }
        a = a.toLowerCase(Locale.ROOT);
        if (addresses.contains(a)) {
            return true;
        }
        int at = a.lastIndexOf('@');
        if (at < 0) {
            return SYSTEM_MAILBOXES.contains(a);
        }
        return SYSTEM_MAILBOXES.contains(a.substring(0, at)) && hosts.contains(a.substring(at + 1));
    }
}
