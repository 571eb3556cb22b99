package io.mailpipe.status;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountHealth;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.metrics.MailpipeMetrics;
import io.mailpipe.quota.QuotaLedger;
import io.mailpipe.quota.QuotaRouter;

/**
 * A worker's backlog metrics, for the dashboard and the "pool at its limit and too late" alert: every
 * {@code management.backlogInterval} it scans the waiting requests ({@link BacklogScan}) and estimates when they will
 * be out from its own quota book and account health ({@link BacklogEstimate}, as {@code mailpipe status} does, bounded
 * by the limits only). One series per pool, per pinned account ({@code account:NAME}) and {@code any}; every worker
 * reports the same values (take {@code max} across workers).
 */
public final class BacklogGauges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);

    /** The values of one group, replaced at each round. */
    private record Values(double requests, double finish, double notAfter, double accounts, double atLimit) {
    }

    private final MailpipeConfig config;
    private final QuotaLedger ledger;
    private final QuotaRouter router;
    private final Clock clock;
    private final Map<String, List<String>> candidates = new LinkedHashMap<>();
    private final Map<String, Values> values = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile double nextHour;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mailpipe-backlog");
        t.setDaemon(true);
        return t;
    });

    private BacklogGauges(MailpipeConfig config, QuotaLedger ledger, QuotaRouter router, Clock clock) {
        this.config = config;
        this.ledger = ledger;
        this.router = router;
        this.clock = clock;
        List<String> all = config.accounts().stream().map(Account::name).toList();
        candidates.put(WaitingRequests.ANY, all);
        for (Account a : config.accounts()) {
            for (String pool : a.pools()) {
                candidates.computeIfAbsent(pool, p -> new ArrayList<>()).add(a.name());
            }
        }
        for (String a : all) {
            candidates.put(WaitingRequests.ACCOUNT_PREFIX + a, List.of(a));
        }
    }

    /** Registers the gauges and starts the rounds. */
    public static BacklogGauges start(MailpipeMetrics metrics, MailpipeConfig config, QuotaLedger ledger, QuotaRouter router,
                                      Clock clock) {
        BacklogGauges g = new BacklogGauges(config, ledger, router, clock);
        for (String pool : g.candidates.keySet()) {
            g.values.put(pool, new Values(0, Double.NaN, Double.NaN, g.candidates.get(pool).size(), 0));
            metrics.registerPoolGauge(MailpipeMetrics.BACKLOG_REQUESTS, pool, () -> g.values.get(pool).requests(),
                    "Requests waiting in the requests and retry topics, by pool (any: no pool named; account:NAME: pinned)");
            metrics.registerPoolGauge(MailpipeMetrics.BACKLOG_FINISH, pool, () -> g.values.get(pool).finish(),
                    "When the pool's waiting requests are estimated to be out (Unix seconds; +Inf: not foreseeable)");
            metrics.registerPoolGauge(MailpipeMetrics.BACKLOG_NOT_AFTER, pool, () -> g.values.get(pool).notAfter(),
                    "The earliest notAfter among the pool's waiting requests (Unix seconds; NaN: none has one)");
            metrics.registerPoolGauge(MailpipeMetrics.POOL_ACCOUNTS, pool, () -> g.values.get(pool).accounts(),
                    "Accounts the pool's requests may use");
            metrics.registerPoolGauge(MailpipeMetrics.POOL_ACCOUNTS_AT_LIMIT, pool, () -> g.values.get(pool).atLimit(),
                    "Accounts of the pool with no room left in their hour or day window now");
        }
        metrics.registry().gauge(MailpipeMetrics.BACKLOG_NEXT_HOUR, io.micrometer.core.instrument.Tags.empty(), g,
                BacklogGauges::nextHour);
        long ms = config.management().backlogInterval().toMillis();
        g.scheduler.scheduleWithFixedDelay(g::round, 0, ms, TimeUnit.MILLISECONDS);
        return g;
    }

    private double nextHour() {
        return nextHour;
    }

    /** One scan and estimate; a failure keeps the last values and is logged at debug (readiness reports Kafka). */
    void round() {
        try {
            BacklogScan.Result scan = new BacklogScan(config.kafka().connection(), config.management().probeTimeout())
                    .scan(config.kafka());
            Instant now = clock.instant();
            Map<String, BacklogEstimate.AccountState> states = new HashMap<>();
            AccountHealth health = router.health();
            for (Account a : config.accounts()) {
                AccountHealth.State s = router.state(a.name());
                if (s == AccountHealth.State.DISABLED) {
                    states.put(a.name(), new BacklogEstimate.AccountState(StatusSnapshot.Health.DISABLED, null, null));
                } else if (s == AccountHealth.State.COOLING) {
                    states.put(a.name(), new BacklogEstimate.AccountState(StatusSnapshot.Health.COOLING_DOWN,
                            health.availableAt(a.name()), null));
                }
            }
            StatusSnapshot.Backlog backlog = ledger.read(book -> BacklogEstimate.estimate(now, config.quota(), config.accounts(),
                    book, states, scan.waiting(), scan.lags(), null));
            Map<String, Boolean> full = ledger.read(book -> {
                Map<String, Boolean> m = new HashMap<>();
                config.accounts().forEach(a -> m.put(a.name(), book.room(a.name(), now) == 0));
                return m;
            });
            Map<String, StatusSnapshot.Group> groups = new HashMap<>();
            backlog.groups().forEach(g -> groups.put(g.name(), g));
            for (var e : candidates.entrySet()) {
                StatusSnapshot.Group g = groups.get(e.getKey());
                double finish = g == null ? now.getEpochSecond() : g.finish() == null ? Double.POSITIVE_INFINITY
                        : g.finish().getEpochSecond();
                double notAfter = g == null || g.earliestNotAfter() == null ? Double.NaN : g.earliestNotAfter().getEpochSecond();
                long atLimit = e.getValue().stream().filter(a -> full.getOrDefault(a, false)).count();
                values.put(e.getKey(), new Values(g == null ? 0 : g.waiting(), finish, notAfter, e.getValue().size(), atLimit));
            }
            nextHour = backlog.nextHour();
        } catch (RuntimeException e) {
            LOG.debug("Could not estimate the backlog: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
