package io.mailpipe.replay;

import java.time.Instant;
import java.util.Set;

/**
 * Which failed requests to replay; every condition given must hold (an empty set or null means "any").
 *
 * @param since     failed at or after this instant
 * @param until     failed before this instant
 * @param reasons   reason codes ({@code unknown_account}, {@code attempts_exhausted}, ...)
 * @param accounts  the account the request named or was last tried with
 * @param campaigns the request's campaign
 * @param ids       request ids
 * @param statuses  the failure's status (REJECTED, EXPIRED, FAILED, UNCERTAIN)
 */
public record ReplayFilter(Instant since, Instant until, Set<String> reasons, Set<String> accounts, Set<String> campaigns,
                           Set<String> ids, Set<String> statuses) {

    public ReplayFilter(Instant since, Instant until, Set<String> reasons, Set<String> accounts, Set<String> campaigns,
                        Set<String> ids) {
        this(since, until, reasons, accounts, campaigns, ids, null);
    }

    public ReplayFilter {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        reasons = reasons == null ? Set.of() : Set.copyOf(reasons);
        accounts = accounts == null ? Set.of() : Set.copyOf(accounts);
        campaigns = campaigns == null ? Set.of() : Set.copyOf(campaigns);
        ids = ids == null ? Set.of() : Set.copyOf(ids);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("--since must be before --until");
        }
    }

    public static ReplayFilter any() {
        return new ReplayFilter(null, null, null, null, null, null);
    }

    public boolean matches(FailedRequest r) {
        return (since == null || (r.failedAt() != null && !r.failedAt().isBefore(since)))
                && (until == null || (r.failedAt() != null && r.failedAt().isBefore(until)))
                && in(reasons, r.reasonCode())
                && in(statuses, r.status())
                && in(accounts, r.account())
                && in(campaigns, r.campaign())
                && in(ids, r.requestId());
    }

    private static boolean in(Set<String> wanted, String value) {
        return wanted.isEmpty() || (value != null && wanted.contains(value));
    }
}
