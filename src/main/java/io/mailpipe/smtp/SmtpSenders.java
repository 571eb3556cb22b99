package io.mailpipe.smtp;

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
}
