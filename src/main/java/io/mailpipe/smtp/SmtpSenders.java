package io.mailpipe.smtp;

import jakarta.mail.MessagingException;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.mailpipe.account.Account;
import io.mailpipe.config.SmtpSettings;

/** The pooled senders of a worker's accounts, built from {@code smtp:} and closed together when the worker stops. */
public final class SmtpSenders implements AutoCloseable {

    private final SmtpSettings settings;
    private final List<PooledMailSender> senders = new CopyOnWriteArrayList<>();

    public SmtpSenders(SmtpSettings settings) {
        this.settings = settings;
    }

    /** A new sender for {@code account}, closed with the others. */
    public PooledMailSender forAccount(Account account) {
        PooledMailSender sender = new PooledMailSender(account, settings);
        senders.add(sender);
        return sender;
    }

    @Override
    public void close() {
        for (PooledMailSender sender : senders) {
            sender.close();
        }
    }

    /**
     * What a sender throws for a failed send: the transaction it came to ({@link SmtpTransactionException}), so that
     * both clients end in one value; a refusal decided before sending ({@link MessageRefusedBeforeSending}) stays as it
     * is. What Angus threw is read into a transaction here, once.
     */
    static MessagingException asTransaction(MessagingException e) {
        if (e instanceof SmtpTransactionException || e instanceof MessageRefusedBeforeSending) {
            return e;
        }
        return new SmtpTransactionException(AngusTransactions.from(e), e);
    }
}
