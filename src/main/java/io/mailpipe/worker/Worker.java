package io.mailpipe.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.account.PushbackJudge;
import io.mailpipe.account.AccountHealth;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.config.ConfigException;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.inbox.BouncePipeline;
import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.kafka.TopicSafety;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.ledger.OutcomeState;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.metrics.MailpipeMetrics;
import io.mailpipe.metrics.QuotaGauges;
import io.mailpipe.status.BacklogGauges;
import io.mailpipe.pipeline.DeliveryService;
import io.mailpipe.quota.KafkaQuotaLedger;
import io.mailpipe.quota.QuotaRouter;
import io.mailpipe.request.RequestReader;
import io.mailpipe.retry.RetryPolicy;
import io.mailpipe.smtp.SmtpSenders;

/**
 * One mailpipe worker: builds the pipeline's parts from the configuration, binds them as beans, and runs the
 * Camel routes of {@code routes/} (Camel Main, YAML DSL) until {@link #close()}.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    static {
        // jakarta.mail-api 2.1.x scans the classpath for a StreamProvider twice per message unless told which one
        // to use (jakartaee/mail-api #861); naming Angus' provider saves about a third of the CPU per message.
        System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    private final Main main;
    private final RecordPublisher publisher;
    private final OutcomeState ledger;
    private final Quota quota;
    private final ShutdownSignal shutdown;
    private final Duration shutdownTimeout;
    private final BouncePipeline bounces;
    private final Observability ops;
    /** Delivers the batches of mail.requests; closing it stops its sending threads. */
    private final DeliverBatchProcessor batches;
    /** The message composer; closing it stops following the templates topic. */
    private final MessageComposer composer;
    /** The pooled SMTP sessions of every account; closed after Camel stopped. */
    private final SmtpSenders senders;

    /** The quota ledger, router and gate of a worker, closed in reverse order. */
    private record Quota(KafkaQuotaLedger ledger, QuotaRouter router, ConsumptionGate gate) implements AutoCloseable {
        @Override
        public void close() {
            if (gate != null) {
                gate.close();
            }
            if (router != null) {
                router.close();
            }
            if (ledger != null) {
                ledger.close();
            }
        }
    }

    private Worker(Main main, RecordPublisher publisher, OutcomeState ledger, Quota quota, ShutdownSignal shutdown,
                   Duration shutdownTimeout, BouncePipeline bounces, Observability ops, MessageComposer composer,
                   DeliverBatchProcessor batches, SmtpSenders senders) {
        this.batches = batches;
        this.senders = senders;
        this.composer = composer;
        this.bounces = bounces;
        this.ops = ops;
        this.main = main;
        this.publisher = publisher;
        this.ledger = ledger;
        this.quota = quota;
        this.shutdown = shutdown;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Id of this worker process in the quota ledger. */
    private static String workerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "worker");
        return host + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts a worker; the configuration must name a Kafka broker. */
    public static Worker start(MailpipeConfig config) {
        if (config.kafka().useLocalBroker()) {
            throw new ConfigException("kafka.bootstrapServers is empty: start the local broker first or set KAFKA_BOOTSTRAP_SERVERS");
        }
        String bootstrap = config.kafka().bootstrapServers();
        if (config.kafka().createTopics()) {
            TopicAdmin.ensureTopics(config.kafka(), config.worker().maxRequestBytes());
        }
        Clock clock = Clock.systemUTC();
        RecordPublisher publisher = new RecordPublisher(config.kafka().connection(), Duration.ofSeconds(30),
                TopicAdmin.maxRecordBytes(config.worker().maxRequestBytes()));
        OutcomeState ledger = null;
        Quota quota = null;
        BouncePipeline bounces = null;
        Observability ops = null;
        MessageComposer composer = null;
        DeliverBatchProcessor batches = null;
        SmtpSenders senders = new SmtpSenders(config.smtp());
        try {
            ops = Observability.start(config);
            composer = config.compose().composer(clock, config.kafka());
            // the delivery ledger: finished ids of the partitions this worker consumes, restored as they are assigned
            KafkaSettings.Topics topics = config.kafka().topics();
            ledger = new OutcomeState(config.kafka().connection(), topics.outcomes(), List.of(topics.requests(), topics.retry()),
                    config.worker().stateDirPath(), config.worker().stateRetention()).start();
            ops.ledgerProgress(ledger);
            quota = startQuota(config, clock);
            bounces = BouncePipeline.start(config); // suppression list, bounce mailboxes (their views only when elected)
            // every topic exists now: replication, min.insync.replicas, unclean election, retention; a warning per finding
            TopicSafety.check(config.kafka());
            ShutdownSignal shutdown = new ShutdownSignal();
            QuotaGauges.register(ops.metrics, config.accounts(), quota.router());
            ops.own(BacklogGauges.start(ops.metrics, config, quota.ledger(), quota.router(), clock));
            DeliveryService service = new DeliveryService(
                    new RequestReader(config.worker().maxRequestBytes()), composer,
                    Session.getInstance(new Properties()), config.accounts(), quota.router(),
                    new RetryPolicy(config.retry()), new RequestLedger(ledger), clock, config.quota().maxInlineWait(),
                    bounces.suppressionList(), new PushbackJudge(config.quota().refusalStreak()));

            Main main = new Main();
            Map<String, String> endpoints = new HashMap<>();
            for (Account account : config.accounts()) {
                String bean = "mailpipe.sender." + account.name();
                main.bind(bean, senders.forAccount(account));
                endpoints.put(account.name(), (account.security() == Security.SSL ? "smtps" : "smtp") + "://"
                        + account.host() + ":" + account.port() + "?javaMailSender=#" + bean);
            }
            // a paused consumer must not skip what it fetched from a partition with nothing committed yet
            // ... and tells the ledger which partitions this worker's consumers hold (it restores their state)
            // and its requests and retry consumers get the same partition numbers (kafka.WorkerAlignedAssignor)
            main.bind("mailpipeKafkaClientFactory", new io.mailpipe.kafka.ResumeSafeClientFactory(config.kafka().properties(),
                    ledger, workerId()));
            OutcomeWriter writer = new OutcomeWriter(service, new OutcomeRecords(config.kafka().topics()), publisher, ops.metrics);
            ErrorPolicy errorPolicy = new ErrorPolicy(service, writer, shutdown);
            main.bind("prepareDelivery", new PrepareDeliveryProcessor(service, quota.gate()));
            main.bind("publishOutcome", new PublishOutcomeProcessor(writer, shutdown));
            main.bind("awaitRetryTime", new RetryGateProcessor(clock, shutdown, config.retry().maxBackoff()));
            main.bind("errorPolicy", errorPolicy);
            main.setInitialProperties(properties(config));
            main.configure().withRoutesIncludePattern(config.worker().routes());
            main.configure().withName("mailpipe");
            main.configure().withJmxEnabled(false);
            main.configure().withShutdownTimeout((int) Math.max(1, config.worker().shutdownTimeout().toSeconds()));
            main.init();
            CamelContext context = main.getCamelContext();
            MailSend send = new MailSend(service, endpoints, context, new RouteSender(context), ops.metrics);
            main.bind("sendMail", new SendMailProcessor(send));
            batches = new DeliverBatchProcessor(new RecordDelivery(service, send, writer, errorPolicy, quota.gate()), service,
                    publisher, shutdown, config.worker().sendThreads());
            main.bind("deliverBatch", batches);
            quota.gate().bind(context);
            main.start();
            try {
                MailpipeMetrics metrics = ops.metrics;
                bounces.addRoutes(context, publisher, e -> metrics.bounceReceived(e.account(), e.kind(), e.hard(),
                        e.reason() == null ? "undefined" : e.reason()));
            } catch (Exception e) {
                main.stop();
                throw e;
            }
            ops.started(context);
            LOG.info("mailpipe worker started: {} account(s), broker {}, consuming {}", config.accounts().size(), bootstrap,
                    config.kafka().topics().requests());
            return new Worker(main, publisher, ledger, quota, shutdown, config.worker().shutdownTimeout(), bounces, ops, composer,
                    batches, senders);
        } catch (Exception e) {
            if (batches != null) {
                batches.close();
            }
            if (bounces != null) {
                bounces.close();
            }
            if (quota != null) {
                quota.close();
            }
            if (ledger != null) {
                ledger.close();
            }
            if (composer != null) {
                composer.close();
            }
            senders.close();
            publisher.close();
            if (ops != null) {
                ops.close();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("Could not start the worker: " + e.getMessage(), e);
        }
    }

    private static Quota startQuota(MailpipeConfig config, Clock clock) {
        var q = config.quota();
        String worker = workerId();
        KafkaQuotaLedger quotaLedger = KafkaQuotaLedger.forAccounts(config, worker, clock);
        // cool-downs announced before this start may be about a configuration that has changed since
        quotaLedger.book().shareCooldownsSince(clock.instant());
        QuotaRouter router = null;
        try {
            quotaLedger.start(Duration.ofMinutes(2));
            // every sending thread plus the retry consumer may send at once
            router = new QuotaRouter(quotaLedger, new AccountHealth(q.coolDown(), q.maxCoolDown(), clock), q, worker,
                    config.worker().sendThreads() + 1, clock);
            return new Quota(quotaLedger, router, new ConsumptionGate(router, clock));
        } catch (RuntimeException e) {
            new Quota(quotaLedger, router, null).close();
            throw e;
        }
    }

    /** The worker's metrics: other parts register their gauges here (see {@link MailpipeMetrics}). */
    public MailpipeMetrics metrics() {
        return ops.metrics;
    }

    /** The port of the management server (metrics, health), or -1 when it is disabled. */
    public int managementPort() {
        return ops.server == null ? -1 : ops.server.port();
    }

    static Properties properties(MailpipeConfig config) {
        Properties p = new Properties();
        var kafka = config.kafka();
        p.setProperty("camel.component.kafka.brokers", kafka.bootstrapServers());
        p.setProperty("camel.component.kafka.kafkaClientFactory", "#mailpipeKafkaClientFactory");
        p.setProperty("camel.component.kafka.keyDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.setProperty("camel.component.kafka.valueDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.setProperty("mailpipe.topics.requests", kafka.topics().requests());
        p.setProperty("mailpipe.topics.retry", kafka.topics().retry());
        p.setProperty("mailpipe.kafka.groupId", kafka.groupId());
        p.setProperty("mailpipe.kafka.maxPollRecords", String.valueOf(kafka.maxPollRecords()));
        p.setProperty("mailpipe.kafka.consumers", String.valueOf(kafka.consumers()));
        p.setProperty("mailpipe.kafka.maxPollIntervalMs", String.valueOf(batchPollInterval(config).toMillis()));
        p.setProperty("mailpipe.kafka.sessionTimeoutMs", String.valueOf(kafka.sessionTimeout().toMillis()));
        p.setProperty("mailpipe.kafka.heartbeatIntervalMs", String.valueOf(Math.max(1000, kafka.sessionTimeout().toMillis() / 3)));
        // a retry record may wait up to retry.maxBackoff before it is processed; keep the group from evicting us
        long retryPollInterval = config.retry().maxBackoff().plusMinutes(5).toMillis();
        p.setProperty("mailpipe.retry.maxPollIntervalMs", String.valueOf(retryPollInterval));
        return p;
    }

    /**
     * How long a batch of mail.requests may take before the group evicts the worker: every round of
     * {@code worker.sendThreads} requests may wait {@code quota.maxInlineWait} for room and then take up to four
     * SMTP timeouts (connect, commands, data, reply) of the slowest account; at least Kafka's default 5 minutes.
     */
    static Duration batchPollInterval(MailpipeConfig config) {
        int threads = config.worker().sendThreads();
        long rounds = (config.kafka().maxPollRecords() + threads - 1) / threads;
        Duration slowest = config.accounts().stream().map(Account::timeout).max(Duration::compareTo).orElse(Duration.ofSeconds(30));
        Duration perRound = slowest.multipliedBy(4).plus(config.quota().maxInlineWait());
        Duration interval = perRound.multipliedBy(rounds).plusMinutes(1);
        return interval.compareTo(Duration.ofMinutes(5)) < 0 ? Duration.ofMinutes(5) : interval;
    }

    /** Stops consuming, lets in-flight sends finish and their outcomes be committed, then releases everything. */
    @Override
    public void close() {
        LOG.info("mailpipe worker stopping (waiting up to {} s for in-flight sends)", shutdownTimeout.toSeconds());
        shutdown.fire();
        ops.stopping();
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly: {}", e.toString());
        } finally {
            batches.close();
            bounces.close();
            quota.close();
            ledger.close();
            publisher.close();
            ops.close();
            composer.close();
            senders.close();
        }
        LOG.info("mailpipe worker stopped");
    }
}
