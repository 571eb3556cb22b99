package io.mailpipe.smtp;

import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.component.mail.DefaultJavaMailSender;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mailpipe.account.Account;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MailpipeMimeMessage;

/**
 * The camel-mail sender of one account (plugged in with the endpoint option {@code javaMailSender}). Sends the
 * message as composed (no second {@code saveChanges()}), keeps the server's final reply on the message, and
 * configures TLS the safe way: certificates and host names verified, STARTTLS required when the account says so.
 */
public final class AccountMailSender extends DefaultJavaMailSender {

    public AccountMailSender(Account account) {
        String protocol = account.security() == Security.SSL ? "smtps" : "smtp";
        setProtocol(protocol);
        setHost(account.host());
        setPort(account.port());
        setUsername(account.username());
        setPassword(account.password());
        setJavaMailProperties(sessionProperties(account, protocol));
    }

    static Properties sessionProperties(Account account, String protocol) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.setProperty(p + "host", account.host());
        props.setProperty(p + "port", String.valueOf(account.port()));
        props.setProperty(p + "auth", String.valueOf(account.username() != null));
        String timeout = String.valueOf(account.timeout().toMillis());
        props.setProperty(p + "connectiontimeout", timeout);
        props.setProperty(p + "timeout", timeout);
        props.setProperty(p + "writetimeout", timeout);
        // deliver to the recipients that were accepted, report the others (SMTPAddressFailedException)
        props.setProperty(p + "sendpartial", "true");
        props.setProperty(p + "ssl.checkserveridentity", "true");
        if (account.security() == Security.STARTTLS) {
            props.setProperty(p + "starttls.enable", "true");
            props.setProperty(p + "starttls.required", "true");
        }
        if (account.security() == Security.SSL) {
            props.setProperty(p + "ssl.enable", "true");
        }
        return props;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        Transport transport = getTransport(getSession());
        transport.connect(getHost(), getPort(), getUsername(), getPassword());
        try {
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
