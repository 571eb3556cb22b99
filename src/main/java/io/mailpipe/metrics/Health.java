package io.mailpipe.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What {@code /observe/health} reports. Live: the process answers and the worker has not failed. Ready: the worker
 * has started (its routes consume) and its delivery ledger has restored the state of every partition it holds, Kafka answered the last
 * probe, at least one account's SMTP server accepted a connection at the last probe, and no OAuth2 account's token
 * endpoint refused to issue a token (a configuration mistake: wrong secret, revoked app). {@link HealthProbes} keeps the
 * probe results current; this class only holds and combines them.
 */
public final class Health {

    /**
     * Results of one look; {@code accounts} in configuration order; {@code loginErrors}: per OAuth2 account whose token
     * endpoint refused to issue a token, what it said (never a secret).
     */
    public record Report(boolean live, boolean ready, boolean started, boolean kafka, Map<String, Boolean> accounts,
                         Map<String, String> loginErrors, boolean ledgerAssigned, java.util.List<Integer> restoringPartitions) {
    }

    private final MailpipeMetrics metrics;
    private final Map<String, Boolean> accounts = new LinkedHashMap<>();
    private final Map<String, String> loginErrors = new LinkedHashMap<>();
    private volatile boolean started;
    private volatile boolean kafka;
    private volatile BooleanSupplier alive = () -> true;
    private volatile java.util.function.Supplier<java.util.List<Integer>> restoring = java.util.List::of;
    private volatile BooleanSupplier ledgerAssigned = () -> true;

    public Health(MailpipeMetrics metrics, Iterable<String> accountNames) {
        this.metrics = metrics;
        for (String name : accountNames) {
            accounts.put(name, false);
            metrics.accountReachable(name, false);
        }
        metrics.kafkaReachable(false);
        metrics.ready(false);
    }

    /** The worker consumes now (or, with false, no longer does). */
    public void started(boolean value) {
        started = value;
        publishReady();
    }

    /**
     * The partitions of {@code mail.outcomes} whose delivery-ledger state is still being restored: not ready while
     * there are any (records of those partitions wait).
     */
    public void restoringPartitions(java.util.function.Supplier<java.util.List<Integer>> partitions) {
        restoring = partitions;
        publishReady();
    }

    /**
     * Whether the worker's consumers have been assigned their partitions (possibly none) at least once: until then the
     * ledger does not know what to restore, and the worker is not ready (a rolling update would move on too early).
     */
    public void ledgerAssigned(BooleanSupplier assigned) {
        ledgerAssigned = assigned;
        publishReady();
    }

    /** Liveness beyond "the process answers": false once the worker has failed for good. */
    public void livenessCheck(BooleanSupplier check) {
        alive = check;
    }

    public void kafkaReachable(boolean value) {
        kafka = value;
        metrics.kafkaReachable(value);
        publishReady();
    }

    public void accountReachable(String account, boolean value) {
        synchronized (accounts) {
            accounts.put(account, value);
        }
        metrics.accountReachable(account, value);
        publishReady();
    }

    /** The account's token endpoint refused to issue a token ({@code error}), or with null: it issues tokens again. */
    public void loginError(String account, String error) {
        synchronized (accounts) {
            if (error == null) {
                loginErrors.remove(account);
            } else {
                loginErrors.put(account, error);
            }
        }
        publishReady();
    }

    public Report report() {
        Map<String, Boolean> copy;
        Map<String, String> errors;
        synchronized (accounts) {
            copy = new LinkedHashMap<>(accounts);
            errors = new LinkedHashMap<>(loginErrors);
        }
        boolean anyAccount = copy.containsValue(Boolean.TRUE);
        boolean live;
        try {
            live = alive.getAsBoolean();
        } catch (RuntimeException e) {
            live = false;
        }
        java.util.List<Integer> restoringNow;
        try {
            restoringNow = java.util.List.copyOf(restoring.get());
        } catch (RuntimeException e) {
            restoringNow = java.util.List.of();
        }
        boolean assigned = ledgerAssigned.getAsBoolean();
        return new Report(live, live && started && kafka && anyAccount && errors.isEmpty() && assigned && restoringNow.isEmpty(),
                started, kafka, copy, errors, assigned, restoringNow);
    }

    private void publishReady() {
        metrics.ready(report().ready());
    }
}
