package io.mailpipe.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * One record of the quota ledger topic ({@code mail.quota}, key = account name, JSON value). Three kinds:
 * <ul>
 *   <li>{@link Reserve}: a worker asks for {@code sends} sends (and {@code sessions} concurrent SMTP sessions) of an
 *   account. Its log position and log-append time decide it: the requester grants itself what fits next to every
 *   reservation before it in the log, counting each unconfirmed reservation of another worker in full.</li>
 *   <li>{@link Confirm}: the requester states what it granted itself when that is less than it asked for, or when
 *   the account has a per-second rate (then with the first send slot). Until the confirmation is read, others count
 *   the whole request.</li>
 *   <li>{@link Release}: the requester is done with the lease and states how many sends it used.</li>
 *   <li>{@link Cooldown}: a worker met an account-level failure (throttled, blocked, login refused) and tells the
 *   others to leave the account alone until then.</li>
 *   <li>{@link Learned}: the account's limits as the provider's pushback showed them; from this record on, every
 *   worker decides reservations with them (never above the configured limits).</li>
 * </ul>
 */
public sealed interface QuotaRecord permits QuotaRecord.Reserve, QuotaRecord.Confirm, QuotaRecord.Release,
        QuotaRecord.Cooldown, QuotaRecord.Learned {

    String account();

    /**
     * A reservation request.
     *
     * @param lease    unique lease id
     * @param account  account name
     * @param worker   id of the requesting worker process
     * @param sends    sends asked for (at least 1)
     * @param sessions SMTP sessions the requester may open at once under this lease
     * @param sendFor  sends may start only within this long after the reservation's log time
     * @param hold     a send started in time may run until this long after the reservation's log time
     */
    record Reserve(String lease, String account, String worker, int sends, int sessions, Duration sendFor, Duration hold)
            implements QuotaRecord {
    }

    /**
     * What the requester granted itself.
     *
     * @param granted   sends granted (0: nothing; the reservation counts no more)
     * @param slotStart for an account with a per-second rate: when the lease's first send slot begins, else null
     * @param rate      that rate (sends per second), else null
     */
    record Confirm(String lease, String account, int granted, Instant slotStart, Double rate) implements QuotaRecord {
    }

    /**
     * The end of a lease.
     *
     * @param used sends started under the lease (each counts, whatever its result)
     */
    record Release(String lease, String account, int used) implements QuotaRecord {
    }

    /**
     * An account-level failure seen by one worker, shared with the others.
     *
     * @param worker the worker that saw it
     * @param until  when the account may be tried again
     * @param reason the reason code of the failure (rate_limited, account_blocked, authentication_failed, ...)
     * @param detail the failure's reason in words (the server's reply and what to change), or null; never a secret
     */
    record Cooldown(String account, String worker, Instant until, String reason, String detail) implements QuotaRecord {
        /** A cool-down without words. */
        public Cooldown(String account, String worker, Instant until, String reason) {
            this(account, worker, until, reason, null);
        }
    }

    /**
     * Limits learned from the provider's pushback. Each value is absolute; null means the configured limit applies to
     * that window again.
     *
     * @param worker  the worker that wrote it
     * @param perHour learned sends per hour window, or null
     * @param perDay  learned sends per day window, or null
     * @param source  why it was written
     * @param reply   for {@link LearnSource#PUSHBACK}: the reply that taught it, else null
     */
    record Learned(String account, String worker, Integer perHour, Integer perDay, LearnSource source, String reply)
            implements QuotaRecord {
    }

    /** Why a {@link Learned} record was written. */
    enum LearnSource {
        /** The provider pushed back: the sends its windows held then are the limits now (counting starts over). */
        PUSHBACK,
        /** A learned limit held (as many sends again without pushback): it rises a step. */
        PROBE,
        /**
         * The same limits written again so that they outlive the ledger's look-back (a worker started later reads
         * them); applied only by a reader that knows no learned limits for the account.
         */
        REFRESH
    }
}
