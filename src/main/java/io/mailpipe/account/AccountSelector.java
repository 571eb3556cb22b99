package io.mailpipe.account;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.mailpipe.smtp.SendFailure;

/**
 * Chooses the account a message goes out through and accounts for its quota and health. The worker's
 * implementation is the cluster-wide {@code io.mailpipe.quota.QuotaRouter}.
 */
public interface AccountSelector {

    /**
     * Takes one send from the first account in order that is healthy and has quota left.
     *
     * @param candidates eligible accounts in preference order (one, when the request is pinned)
     * @param maxWait    how long to wait for room when there is none now (zero: answer at once)
     * @return a ticket for the send, or when no candidate can send, the earliest time one may
     */
    Selection acquire(List<Account> candidates, Duration maxWait);

    /** True when one of the candidates could send now (nothing is reserved). */
    boolean hasRoom(List<Account> candidates);

    /** One send taken from an account's quota: give it back, or report how the send went. Each at most once. */
    interface Ticket {
        Account account();

        /** The send did not happen (the message was refused before SMTP): the quota is handed back. */
        void giveBack();

        /**
         * The SMTP transaction happened (it counts against the quota whatever its result).
         *
         * @param failure null when the server accepted the message, else what went wrong (its scope decides whether
         *                the account cools down)
         */
        void sent(SendFailure failure);

        /**
         * Called right before the SMTP transaction: waits until the send may start (an account's per-second rate)
         * and tells whether it still may. False when the lease the send was taken from ran out while the message
         * was prepared: no send may start under it any more (the cluster stops counting it), so the caller gives
         * this ticket back and takes a new one.
         */
        default boolean readyToSend() throws InterruptedException {
            return true;
        }
    }

    /** Why no candidate can send now. */
    enum NoRoom {
        /** Every candidate that may send is at its send limit (a window, a rate or its sessions). */
        AT_LIMIT("at its send limit"),
        /** Every candidate that may send cools down after account-level failures. */
        COOLING("cooling down after account-level failures"),
        /** Every candidate is disabled (its login was refused): only a configuration change helps. */
        DISABLED("disabled (authentication failed)"),
        /** Every candidate was tried in this attempt already. */
        TRIED("tried already in this attempt");

        private final String text;

        NoRoom(String text) {
            this.text = text;
        }

        /** How a reason says it: "every account is " + this. */
        public String text() {
            return text;
        }
    }

    /**
     * The result of {@link #acquire}: a ticket, or why there is none and when to look again.
     *
     * @param ticket  the send taken, or null
     * @param retryAt when no ticket: the earliest time a candidate may have room, or null when every candidate is
     *                disabled (only a configuration change helps)
     * @param why     when no ticket: why not
     */
    record Selection(Ticket ticket, Instant retryAt, NoRoom why) {
        public static Selection of(Ticket ticket) {
            return new Selection(ticket, null, null);
        }

        public static Selection waitUntil(Instant retryAt, NoRoom why) {
            return new Selection(null, retryAt, why);
        }

        public boolean found() {
            return ticket != null;
        }

        public Account account() {
            return ticket == null ? null : ticket.account();
        }
    }
}
