package io.mailpipe.smtp;

import javax.net.ssl.SSLSocketFactory;

import io.mailpipe.account.Account;

/**
 * The TLS trust of an account's SMTP connections: which certificates the client accepts. Today the JVM's default
 * trust store for every account (certificates verified; host names are verified by the client that uses the factory).
 */
public final class TlsTrust {

    private TlsTrust() {
    }

    /** The socket factory whose certificates {@code account}'s connections trust: the default, verifying one. */
    public static SSLSocketFactory socketFactory(Account account) {
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
}
