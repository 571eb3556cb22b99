package io.mailpipe.smtp;

import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.component.mail.DefaultJavaMailSender;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mailpipe.account.Account;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MailpipeMimeMessage;
import io.mailpipe.outcome.ReasonCode;

/**
 * The camel-mail sender of one account (plugged in with the endpoint option {@code javaMailSender}). Sends the
 * message as composed (no second {@code saveChanges()}), keeps the server's final reply on the message, and
 * configures TLS the safe way: certificates and host names verified, STARTTLS required when the account says so.
 */
public final class AccountMailSender extends DefaultJavaMailSender {

    private final Account account;

    public AccountMailSender(Account account) {
        this.account = account;
        configure(this, account);
    }

    /** Points a camel-mail sender at the account: protocol, server, login and session properties; returns the protocol. */
    static String configure(DefaultJavaMailSender sender, Account account) {
        String protocol = account.security() == Security.SSL ? "smtps" : "smtp";
        sender.setProtocol(protocol);
        sender.setHost(account.host());
        sender.setPort(account.port());
        sender.setUsername(account.username());
        sender.setPassword(account.password());
        sender.setJavaMailProperties(sessionProperties(account, protocol));
        return protocol;
    }

    /**
     * Refuses, before MAIL FROM, a message the server announced it cannot take: one that needs SMTPUTF8 when the
     * server does not offer it, and one larger than its ESMTP SIZE.
     */
    static void checkServerCanTake(SMTPTransport smtp, MailpipeMimeMessage message) throws MessageRefusedBeforeSending {
        checkServerCanTake(smtp.supportsExtension("SMTPUTF8"),
                smtp.supportsExtension("SIZE") ? smtp.getExtensionParameter("SIZE") : null, message);
    }

    /**
     * The same check for any client: {@code smtpUtf8Offered} whether EHLO listed SMTPUTF8, {@code size} the SIZE
     * parameter it listed (null when SIZE was not listed).
     */
    static void checkServerCanTake(boolean smtpUtf8Offered, String size, MailpipeMimeMessage message)
            throws MessageRefusedBeforeSending {
        if (message.requiresSmtpUtf8() && !smtpUtf8Offered) {
            throw new MessageRefusedBeforeSending(ReasonCode.SMTPUTF8_UNSUPPORTED, "an address has a non-ASCII local part"
                    + " (RFC 6531) and the server does not offer SMTPUTF8; use an ASCII address or an account whose"
                    + " server offers SMTPUTF8");
        }
        if (size != null && !size.isBlank() && message.sizeBytes() > 0) {
            try {
                long limit = Long.parseLong(size.trim());
                if (limit > 0 && message.sizeBytes() > limit) {
                    throw new MessageRefusedBeforeSending(ReasonCode.MESSAGE_TOO_LARGE, "the message has "
                            + message.sizeBytes() + " bytes, more than the " + limit + " the server announces (ESMTP SIZE);"
                            + " send smaller or fewer attachments");
                }
            } catch (NumberFormatException e) {
                // a SIZE parameter that is not a number announces no limit
            }
        }
    }

    /** The account's session, writing UTF-8 addresses and asking for SMTPUTF8 ({@code mail.mime.allowutf8}). */
    private Session utf8Session() {
        Session s = utf8Session;
        if (s == null) {
            Properties props = new Properties();
            props.putAll(getSession().getProperties());
            props.setProperty("mail.mime.allowutf8", "true");
            s = Session.getInstance(props);
            utf8Session = s;
        }
        return s;
    }

    static Properties sessionProperties(Account account, String protocol) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.setProperty(p + "host", account.host());
        props.setProperty(p + "port", String.valueOf(account.port()));
        props.setProperty(p + "auth", String.valueOf(account.username() != null));
        if (account.usesOAuth2()) {
            // SASL XOAUTH2 with the access token in place of the password (SmtpLogin); no other mechanism is tried
            props.setProperty(p + "auth.mechanisms", "XOAUTH2");
        }
        String timeout = String.valueOf(account.timeout().toMillis());
        props.setProperty(p + "connectiontimeout", timeout);
        props.setProperty(p + "timeout", timeout);
        props.setProperty(p + "writetimeout", timeout);
        // deliver to the recipients that were accepted, report the others (SMTPAddressFailedException)
        props.setProperty(p + "sendpartial", "true");
        tlsProperties(props, p, account);
        return props;
    }

    /**
     * Certificates checked by {@link TlsTrust} (default trust or the account's {@code trustedCertificate}), host names
     * verified, STARTTLS required with {@code security: starttls}. An account that logs in over {@code security: none}
     * without {@code allowPlaintextAuth} requires STARTTLS too: the login never goes out unencrypted, and a server
     * without STARTTLS is refused before AUTH ({@code tls_failed}).
     */
    static void tlsProperties(Properties props, String prefix, Account account) {
        props.setProperty(prefix + "ssl.checkserveridentity", "true");
        props.put(prefix + "ssl.socketFactory", TlsTrust.socketFactory(account));
        // no second attempt with the JVM's default socket factory after a TLS failure
        props.setProperty(prefix + "socketFactory.fallback", "false");
        if (account.security() == Security.STARTTLS || account.logsInWithoutTls() && !account.allowPlaintextAuth()) {
            props.setProperty(prefix + "starttls.enable", "true");
            props.setProperty(prefix + "starttls.required", "true");
        }
        if (account.security() == Security.SSL) {
            props.setProperty(prefix + "ssl.enable", "true");
        }
    }

    private volatile Session utf8Session;

    /**
     * Angus Mail's transport that reports a missing reply to the final dot as {@link DeliveryUncertainException}
     * (the data was sent, the server may have accepted it) instead of a plain connection failure.
     */
    @Override
    protected Transport getTransport(Session session) throws jakarta.mail.NoSuchProviderException {
        return session.getTransport(UncertainAwareSmtpTransport.provider("smtps".equals(getProtocol())));
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        try {
            sendOnce(message);
        } catch (MessagingException e) {
            throw SmtpSenders.asTransaction(e);
        }
    }

    private void sendOnce(MimeMessage message) throws MessagingException {
        boolean utf8 = message instanceof MailpipeMimeMessage tracked && tracked.requiresSmtpUtf8();
        Transport transport = getTransport(utf8 ? utf8Session() : getSession());
        SmtpLogin.open(account, secret -> {
            transport.connect(getHost(), getPort(), getUsername(), secret);
            return transport;
        });
        try {
            if (transport instanceof SMTPTransport smtp && message instanceof MailpipeMimeMessage tracked) {
                checkServerCanTake(smtp, tracked);
            }
            Address[] recipients = message instanceof MailpipeMimeMessage tracked
                    ? tracked.envelopeRecipients() : message.getAllRecipients();
            transport.sendMessage(message, recipients);
            if (message instanceof MailpipeMimeMessage tracked && transport instanceof SMTPTransport smtp) {
                tracked.recordServerReply(smtp.getLastServerResponse());
            }
        } finally {
            try {
                transport.close();
            } catch (MessagingException e) {
                // the message was handed over; a failed QUIT does not change that
            }
        }
    }
}
