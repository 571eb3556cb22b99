package io.mailpipe.config;

import java.time.Duration;

/**
 * The cluster-wide quota router ({@code quota:} in mailpipe.yaml). Workers reserve sends in small leases on the
 * {@code mail.quota} topic; see docs/quota.md for the design and its guarantees.
 *
 * @param leaseSize     most sends a worker reserves at once per account (default 20). Larger leases need fewer
 *                      ledger round trips; unused sends are handed back when the worker goes idle or the lease ends
 * @param leaseTtl      how long a worker may start sends under one lease (default 15 s)
 * @param sendGrace     how long after its lease ends a started send may still be running; until then the lease
 *                      counts as active (default: twice the account's timeout)
 * @param idleRelease   a lease that has not been used for this long is handed back (default 1 s)
 * @param maxInlineWait when every eligible account is at its limit, how long a record may wait in place for
 *                      room before consumption pauses (default 5 s)
 * @param hourWindow    length of the "per hour" window (default 1 h; tests shorten it)
 * @param dayWindow     length of the "per day" window (default 24 h; tests shorten it)
 * @param coolDown      first cool-down of an account after an account-level failure (default 30 s); it doubles
 *                      with each further failure, up to {@code maxCoolDown}, and resets after a success
 * @param maxCoolDown   longest cool-down (default 30 min)
 * @param maxLeaseSize  largest lease a busy worker grows to (default 500): a lease used up quickly doubles the
 *                      next one, up to this and to a twentieth of the account's smallest limit; an idle one halves
 *                      it back towards {@code leaseSize}
 * @param refusalStreak different messages one account refuses in a row with the same reply that no rule explains,
 *                      before the refusal is taken as the account's (default 3; see account.PushbackJudge and
 *                      docs/smtp-failure-classification.md)
 */
public record QuotaSettings(Integer leaseSize, Duration leaseTtl, Duration sendGrace, Duration idleRelease,
                            Duration maxInlineWait, Duration hourWindow, Duration dayWindow, Duration coolDown,
                            Duration maxCoolDown, Integer maxLeaseSize, Integer refusalStreak) {

    public QuotaSettings(Integer leaseSize, Duration leaseTtl, Duration sendGrace, Duration idleRelease,
                         Duration maxInlineWait, Duration hourWindow, Duration dayWindow, Duration coolDown,
                         Duration maxCoolDown, Integer maxLeaseSize) {
        this(leaseSize, leaseTtl, sendGrace, idleRelease, maxInlineWait, hourWindow, dayWindow, coolDown, maxCoolDown,
                maxLeaseSize, null);
    }

    public QuotaSettings(Integer leaseSize, Duration leaseTtl, Duration sendGrace, Duration idleRelease,
                         Duration maxInlineWait, Duration hourWindow, Duration dayWindow, Duration coolDown,
                         Duration maxCoolDown) {
        this(leaseSize, leaseTtl, sendGrace, idleRelease, maxInlineWait, hourWindow, dayWindow, coolDown, maxCoolDown, null,
                null);
    }

    public QuotaSettings {
        leaseSize = leaseSize == null ? 20 : leaseSize;
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(15) : leaseTtl;
        idleRelease = idleRelease == null ? Duration.ofSeconds(1) : idleRelease;
        maxInlineWait = maxInlineWait == null ? Duration.ofSeconds(5) : maxInlineWait;
        hourWindow = hourWindow == null ? Duration.ofHours(1) : hourWindow;
        dayWindow = dayWindow == null ? Duration.ofDays(1) : dayWindow;
        coolDown = coolDown == null ? Duration.ofSeconds(30) : coolDown;
        maxCoolDown = maxCoolDown == null ? Duration.ofMinutes(30) : maxCoolDown;
        maxLeaseSize = maxLeaseSize == null ? Math.max(500, leaseSize) : maxLeaseSize;
        refusalStreak = refusalStreak == null ? 3 : refusalStreak;
        if (refusalStreak < 2 || refusalStreak > 100) {
            throw new ConfigException("quota.refusalStreak must be between 2 and 100");
        }
        if (maxLeaseSize < leaseSize || maxLeaseSize > 100_000) {
            throw new ConfigException("quota.maxLeaseSize must be at least quota.leaseSize and at most 100000");
        }
        if (leaseSize < 1 || leaseSize > 10_000) {
            throw new ConfigException("quota.leaseSize must be between 1 and 10000");
        }
        requirePositive("quota.leaseTtl", leaseTtl);
        requirePositive("quota.idleRelease", idleRelease);
        requirePositive("quota.hourWindow", hourWindow);
        requirePositive("quota.dayWindow", dayWindow);
        requirePositive("quota.coolDown", coolDown);
        if (sendGrace != null && sendGrace.isNegative()) {
            throw new ConfigException("quota.sendGrace must not be negative");
        }
        if (maxInlineWait.isNegative()) {
            throw new ConfigException("quota.maxInlineWait must not be negative");
        }
        if (maxCoolDown.compareTo(coolDown) < 0) {
            throw new ConfigException("quota.maxCoolDown must be at least quota.coolDown");
        }
        if (maxInlineWait.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException("quota.maxInlineWait must be at most 1 minute (a longer wait pauses consumption instead)");
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(name + " must be a positive duration");
        }
    }

    /** The grace for an account whose SMTP timeout is {@code timeout}. */
    public Duration sendGraceFor(Duration timeout) {
        return sendGrace != null ? sendGrace : timeout.multipliedBy(2);
    }

    public static QuotaSettings defaults() {
        return new QuotaSettings(null, null, null, null, null, null, null, null, null, null, null);
    }
}
