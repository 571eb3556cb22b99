package io.mailpipe.account;

import java.time.Instant;
import java.util.List;

/**
 * Chooses the account a message goes out through and accounts for its quota. This is the seam where the
 * cluster-wide quota router plugs in; {@link LocalQuotaSelector} counts the sends of this worker only.
 */
public interface AccountSelector {

    /**
     * Takes one send of quota from the first eligible account in order.
     *
     * @param candidates eligible accounts in preference order (one, when the request is pinned)
     * @return the account that will send, or when every candidate is at its limit, the earliest time one frees up
     */
    Selection acquire(List<Account> candidates);

    /** Gives back a send taken by {@link #acquire} that did not happen (the message was refused before sending). */
    void release(Account account);

    /** The result of {@link #acquire}: exactly one of {@code account} and {@code retryAt} is set. */
    record Selection(Account account, Instant retryAt) {
        public static Selection of(Account account) {
            return new Selection(account, null);
        }

        public static Selection waitUntil(Instant retryAt) {
            return new Selection(null, retryAt);
        }

        public boolean found() {
            return account != null;
        }
    }
}
