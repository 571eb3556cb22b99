package io.mailpipe.worker;

import java.util.List;

import org.apache.camel.CamelContext;

import io.mailpipe.account.Account;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.metrics.Health;
import io.mailpipe.metrics.HealthProbes;
import io.mailpipe.metrics.MailpipeMetrics;
import io.mailpipe.metrics.ManagementServer;

/**
 * Metrics, health and the management server, started before anything else so that liveness answers while the
 * ledger reads {@code mail.outcomes}; readiness turns true once the routes consume.
 */
final class Observability implements AutoCloseable {
    final MailpipeMetrics metrics;
    final Health health;
    final HealthProbes probes;
    final ManagementServer server;

    private Observability(MailpipeMetrics metrics, Health health, HealthProbes probes, ManagementServer server) {
        this.metrics = metrics;
        this.health = health;
        this.probes = probes;
        this.server = server;
    }

    static Observability start(MailpipeConfig config) {
        MailpipeMetrics metrics = MailpipeMetrics.create();
        Health health = new Health(metrics, config.accounts().stream().map(Account::name).toList());
        var topics = config.kafka().topics();
        HealthProbes probes = new HealthProbes(health, metrics, config.kafka().connection(), config.accounts(),
                List.of(new HealthProbes.ConsumedTopic(config.kafka().groupId(), topics.requests()),
                        new HealthProbes.ConsumedTopic(config.kafka().groupId() + ".retry", topics.retry())),
                topics.dlq(), config.management());
        ManagementServer server = null;
        try {
            if (config.management().enabled()) {
                server = ManagementServer.start(config.management(), metrics, health);
            }
        } catch (RuntimeException e) {
            probes.close();
            throw e;
        }
        probes.start();
        return new Observability(metrics, health, probes, server);
    }

    private volatile boolean stopping;
    /** Things that read through the worker's parts (the backlog gauges): closed first when the worker stops. */
    private final java.util.List<AutoCloseable> readers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Closes {@code reader} when the worker starts stopping. */
    <T extends AutoCloseable> T own(T reader) {
        readers.add(reader);
        return reader;
    }

    /**
     * The delivery ledger's restore progress: readiness waits for it ({@link io.mailpipe.metrics.Health}), and gauges
     * {@code mailpipe_ledger_partitions{state=restoring|restored}}, {@code mailpipe_ledger_restore_remaining_records}
     * and the counter {@code mailpipe_ledger_restored_records_total} show it.
     */
    void ledgerProgress(io.mailpipe.ledger.OutcomeState ledger) {
        java.util.function.Supplier<io.mailpipe.ledger.OutcomeState.Progress> progress = ledger::progress;
        health.ledgerAssigned(ledger::assignedOnce);
        health.restoringPartitions(() -> progress.get().restoringPartitions());
        var registry = metrics.registry();
        io.micrometer.core.instrument.Gauge.builder("mailpipe.ledger.partitions", progress,
                p -> p.get().partitions().values().stream().filter(x -> !x.restored()).count())
                .description("Partitions of mail.outcomes whose delivery-ledger state this worker holds, by state")
                .tags("state", "restoring").register(registry);
        io.micrometer.core.instrument.Gauge.builder("mailpipe.ledger.partitions", progress,
                p -> p.get().partitions().values().stream().filter(x -> x.restored()).count())
                .description("Partitions of mail.outcomes whose delivery-ledger state this worker holds, by state")
                .tags("state", "restored").register(registry);
        io.micrometer.core.instrument.Gauge.builder("mailpipe.ledger.restore.remaining.records", progress,
                p -> p.get().partitions().values().stream().filter(x -> !x.restored() && x.toRead() >= 0)
                        .mapToLong(x -> x.toRead() - x.read()).sum())
                .description("Outcome records the delivery ledger still has to read before every partition it holds is restored")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("mailpipe.ledger.restored.records", progress,
                p -> p.get().restoredRecords())
                .description("Outcome records read by the delivery ledger's restores since start").register(registry);
    }

    void started(CamelContext context) {
        // live while Camel runs, and during a drain (a kill in the middle of it would cut in-flight sends)
        health.livenessCheck(() -> stopping || context.isStarted() || context.isStarting());
        health.started(true);
    }

    void stopping() {
        stopping = true;
        for (AutoCloseable r : readers) {
            try {
                r.close();
            } catch (Exception e) {
                // a reader that cannot stop cleanly must not keep the worker from stopping
                org.slf4j.LoggerFactory.getLogger(Observability.class).debug("closing {}: {}", r, e.toString());
            }
        }
        health.started(false);
    }

    @Override
    public void close() {
        probes.close();
        if (server != null) {
            server.close();
        }
    }
}
