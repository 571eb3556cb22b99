package io.mailpipe.status;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mailpipe.account.Account;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.inbox.InboxJson;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.quota.QuotaBook;

/**
 * Reads a {@link StatusSnapshot} from Kafka alone (plus the metrics of the workers named in {@code cli.workers}): the
 * quota ledger for use, next free slots and cool-downs, the consumer groups and the waiting records for the backlog,
 * {@code mail.outcomes} and {@code mail.bounces} for the campaigns and the send rate. Writes nothing, joins no group.
 */
public final class StatusReader {

    /** The send rate per account is taken over this long; the cluster's peak rate over {@link #PEAK_WINDOW}. */
    static final Duration RATE_WINDOW = Duration.ofMinutes(5);
    static final Duration PEAK_WINDOW = Duration.ofMinutes(15);

    private final MailpipeConfig config;
    private final Duration timeout;

    public StatusReader(MailpipeConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    /** The snapshot at {@code now}; campaigns over {@code [since, until)} ({@code until} null: up to now). */
    public StatusSnapshot read(Instant now, Instant since, Instant until) {
        TopicReads reads = new TopicReads(config.kafka().connection(), timeout);
        LedgerReading ledger = LedgerReading.read(config, reads, now);
        WorkerMetrics workers = WorkerMetrics.read(config.cli().workers(), timeout);
        List<String> notes = new ArrayList<>();
        workers.unreachable.forEach(w -> notes.add("worker metrics not reachable: " + w));

        CampaignStats campaigns = new CampaignStats(since, until);
        Rates rates = new Rates(now);
        Instant from = since.isBefore(now.minus(PEAK_WINDOW)) ? since : now.minus(PEAK_WINDOW);
        reads.since(config.kafka().topics().outcomes(), from, r -> {
            OutcomeEvent e = outcome(r.value());
            if (e != null) {
                campaigns.outcome(e);
                rates.add(e);
            }
        });
        reads.since(config.kafka().topics().bounces(), since, r -> {
            try {
                campaigns.bounce(InboxJson.readEvent(r.value()));
            } catch (RuntimeException e) {
                // not an event of ours: skipped
            }
        });

        Map<String, BacklogEstimate.AccountState> states = states(ledger, workers, now);
        List<StatusSnapshot.AccountRow> rows = new ArrayList<>();
        QuotaBook book = ledger.book;
        for (Account a : config.accounts()) {
            QuotaBook.Usage u = book.usage(a.name(), now, config.quota().leaseTtl());
            BacklogEstimate.AccountState s = states.getOrDefault(a.name(), BacklogEstimate.AccountState.SENDING);
            QuotaBook.LearnedLimits learned = book.learned(a.name());
            io.mailpipe.account.Limits effective = book.limits(a.name());
            rows.add(new StatusSnapshot.AccountRow(a.name(), a.limits().perHour(), a.limits().perDay(),
                    learned == null || learned.perHour() == null ? null : effective.perHour(),
                    learned == null || learned.perDay() == null ? null : effective.perDay(), u.hour(), u.day(), u.nextRoom(), s.health(), s.until(), s.why(), rates.perMinute(a.name())));
        }
        BacklogScan.Result scan = new BacklogScan(config.kafka().connection(), timeout).scan(config.kafka());
        StatusSnapshot.Backlog backlog = BacklogEstimate.estimate(now, config.quota(), config.accounts(), book, states,
                scan.waiting(), scan.lags(), rates.peak());
        return new StatusSnapshot(now, rows, backlog, since, until, campaigns.rows(), notes);
    }

    /** Disabled (by a worker's metrics, or a refused login announced on the ledger) or cooling down, per account. */
    static Map<String, BacklogEstimate.AccountState> states(LedgerReading ledger, WorkerMetrics workers, Instant now) {
        Map<String, BacklogEstimate.AccountState> states = new HashMap<>();
        ledger.cooldowns.forEach((account, c) -> {
            if (!c.until().isAfter(now)) {
                return;
            }
            boolean loginRefused = ReasonCode.AUTHENTICATION_FAILED.code().equals(c.reason());
            states.put(account, new BacklogEstimate.AccountState(loginRefused ? StatusSnapshot.Health.DISABLED
                    : StatusSnapshot.Health.COOLING_DOWN, c.until(), c.reason()));
        });
        for (String account : workers.disabled) {
            BacklogEstimate.AccountState known = states.get(account);
            states.put(account, new BacklogEstimate.AccountState(StatusSnapshot.Health.DISABLED, null,
                    known != null ? known.why() : ReasonCode.AUTHENTICATION_FAILED.code()));
        }
        return states;
    }

    private static OutcomeEvent outcome(byte[] value) {
        try {
            return value == null ? null : OutcomeJson.read(value);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Sends per minute per account now, and the cluster's busiest minute lately. */
    static final class Rates {
        private final Instant now;
        private final Map<String, Integer> recent = new HashMap<>();
        private final Map<Long, Integer> perMinute = new HashMap<>();

        Rates(Instant now) {
            this.now = now;
        }

        void add(OutcomeEvent e) {
            if (e.status() != Status.SENT || e.at() == null || e.at().isAfter(now)) {
                return;
            }
            if (e.at().isAfter(now.minus(RATE_WINDOW)) && e.account() != null) {
                recent.merge(e.account(), 1, Integer::sum);
            }
            if (e.at().isAfter(now.minus(PEAK_WINDOW))) {
                perMinute.merge(e.at().getEpochSecond() / 60, 1, Integer::sum);
            }
        }

        double perMinute(String account) {
            return recent.getOrDefault(account, 0) / (double) RATE_WINDOW.toMinutes();
        }

        /** The busiest minute's sends, or null when nothing was sent lately (then only the limits bound the estimate). */
        Double peak() {
            return perMinute.values().stream().max(Integer::compare).map(Integer::doubleValue).orElse(null);
        }
    }
}
