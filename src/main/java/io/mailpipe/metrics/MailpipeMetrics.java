package io.mailpipe.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;

/**
 * mailpipe's metrics, in one place: the Prometheus registry that the management server scrapes, and one method per
 * thing worth counting. Created by {@code worker.Worker} and handed to whatever records something. Other parts of
 * mailpipe register their gauges here ({@link #registerQuota}, {@link #registerAccountHealth}) or use
 * {@link #registry()} directly. Every name is documented in docs/operations.md.
 *
 * <p>Labels are bounded: account names come from the configuration, statuses and reasons from the reason-code
 * table, SMTP codes are three digits. No label ever holds an address, a request id or a subject.
 */
public final class MailpipeMetrics {

    /** Outcome events published, by status, reason code and account ({@code mailpipe_messages_total}). */
    public static final String MESSAGES = "mailpipe.messages";
    /** SMTP replies that decided an attempt, by account and code ({@code mailpipe_smtp_replies_total}). */
    public static final String SMTP_REPLIES = "mailpipe.smtp.replies";
    /** Time of one SMTP send, by account and result ({@code mailpipe_send_seconds}, a histogram). */
    public static final String SEND_TIME = "mailpipe.send";
    /** Records written to {@code mail.dlq}, by reason code and status ({@code mailpipe_dead_letters_total}). */
    public static final String DEAD_LETTERS = "mailpipe.dead.letters";
    /** Bounce reports read, by kind and reason ({@code mailpipe_bounces_total}). */
    public static final String BOUNCES = "mailpipe.bounces";
    /** Hard bounces, soft bounces and complaints per account ({@code mailpipe_account_bounces_total}), 0 from the start. */
    public static final String ACCOUNT_BOUNCES = "mailpipe.account.bounces";
    /** Requests waiting, per pool ({@code mailpipe_backlog_requests}). */
    public static final String BACKLOG_REQUESTS = "mailpipe.backlog.requests";
    /** When the backlog of a pool is estimated to be out, Unix seconds ({@code mailpipe_backlog_finish_timestamp_seconds}). */
    public static final String BACKLOG_FINISH = "mailpipe.backlog.finish.timestamp.seconds";
    /** The earliest notAfter among a pool's waiting requests, Unix seconds ({@code mailpipe_backlog_not_after_timestamp_seconds}). */
    public static final String BACKLOG_NOT_AFTER = "mailpipe.backlog.not.after.timestamp.seconds";
    /** Requests of the backlog that go out within the next hour ({@code mailpipe_backlog_next_hour_requests}). */
    public static final String BACKLOG_NEXT_HOUR = "mailpipe.backlog.next.hour.requests";
    /** Accounts a pool's requests may use ({@code mailpipe_pool_accounts}). */
    public static final String POOL_ACCOUNTS = "mailpipe.pool.accounts";
    /** Of them, the accounts with no room left in a window now ({@code mailpipe_pool_accounts_at_limit}). */
    public static final String POOL_ACCOUNTS_AT_LIMIT = "mailpipe.pool.accounts.at.limit";

    /** The kinds of {@link #ACCOUNT_BOUNCES}. */
    public static final java.util.List<String> BOUNCE_TYPES = java.util.List.of("hard", "soft", "complaint");
    /** Sends counted against an account's limit in a window ({@code mailpipe_quota_used}). */
    public static final String QUOTA_USED = "mailpipe.quota.used";
    /** Sends left in an account's window ({@code mailpipe_quota_remaining}). */
    public static final String QUOTA_REMAINING = "mailpipe.quota.remaining";
    /**
     * An account's limit in a window ({@code mailpipe_quota_limit}): {@code kind="configured"}, and
     * {@code kind="effective"}, lower while a limit learned from the provider's pushback applies.
     */
    public static final String QUOTA_LIMIT = "mailpipe.quota.limit";
    /** 1 for an account's current health state, 0 for its other states ({@code mailpipe_account_health}). */
    public static final String ACCOUNT_HEALTH = "mailpipe.account.health";
    /** 1 when the account's SMTP server answered the last readiness probe ({@code mailpipe_account_reachable}). */
    public static final String ACCOUNT_REACHABLE = "mailpipe.account.reachable";
    /** 1 when the last Kafka probe succeeded ({@code mailpipe_kafka_reachable}). */
    public static final String KAFKA_REACHABLE = "mailpipe.kafka.reachable";
    /** 1 while the worker reports ready ({@code mailpipe_ready}). */
    public static final String READY = "mailpipe.ready";
    /** Records not yet consumed, per group, topic and partition ({@code mailpipe_consumer_lag}). */
    public static final String CONSUMER_LAG = "mailpipe.consumer.lag";

    /** Records on the dead-letter topic, from every worker (end minus start offsets; {@code mailpipe_dead_letter_topic_records}). */
    public static final String DEAD_LETTER_TOPIC_RECORDS = "mailpipe.dead.letter.topic.records";

    /** Label value for "no account was chosen" (e.g. an invalid request). */
    public static final String NO_ACCOUNT = "none";

    /** Bucket bounds of the send-time histogram. */
    static final Duration[] SEND_BUCKETS = {
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final PrometheusMeterRegistry registry;
    private final Map<String, AtomicLong> longGauges = new ConcurrentHashMap<>();

    private MailpipeMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** A fresh registry with the JVM and process metrics bound. */
    public static MailpipeMetrics create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return new MailpipeMetrics(registry);
    }

    /** The registry, for meters this class does not name. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Everything in the Prometheus text format (what {@code /observe/metrics} serves). */
    public String scrape() {
        return registry.scrape();
    }

    /** An outcome event Kafka acknowledged: counts it, its SMTP reply, and its dead letter. */
    public void outcomePublished(OutcomeEvent event) {
        if (event == null) {
            return;
        }
        String account = event.account() == null ? NO_ACCOUNT : event.account();
        Counter.builder(MESSAGES).description("Outcome events published, by status, reason code and account")
                .tags("status", event.status().name(), "reason", String.valueOf(event.reasonCode()), "account", account)
                .register(registry).increment();
        if (event.smtp() != null && event.smtp().code() != null) {
            Counter.builder(SMTP_REPLIES).description("SMTP replies that decided an attempt, by account and reply code")
                    .tags("account", account, "code", String.valueOf(event.smtp().code()))
                    .register(registry).increment();
        }
        if (event.status() == Status.REJECTED || event.status() == Status.EXPIRED || event.status() == Status.UNCERTAIN) {
            Counter.builder(DEAD_LETTERS).description("Records written to the dead-letter topic, by reason code")
                    .tags("reason", String.valueOf(event.reasonCode()), "status", event.status().name())
                    .register(registry).increment();
        }
    }

    /** One SMTP send through an account took {@code time}; {@code ok} when the server accepted it. */
    public void sendTimed(String account, boolean ok, Duration time) {
        Timer.builder(SEND_TIME).description("Time of one SMTP send (connect to final reply), by account and result")
                .tags("account", account, "result", ok ? "accepted" : "failed")
                .serviceLevelObjectives(SEND_BUCKETS)
                .register(registry).record(time);
    }

    /**
     * A bounce report was read (for the IMAP bounce pipeline): {@code kind} bounce, delay, complaint, autoreply or
     * delivered; {@code reason} the parser's reason name. A bounce also counts as {@code hard} or {@code soft}, a
     * complaint as {@code complaint}, for its account ({@code unknown} when the report names no request of ours).
     */
    public void bounceReceived(String account, String kind, boolean hard, String reason) {
        Counter.builder(BOUNCES).description("Bounce reports read, by kind and reason")
                .tags("kind", label(kind), "reason", label(reason))
                .register(registry).increment();
        String type = "complaint".equals(kind) ? "complaint" : "bounce".equals(kind) ? (hard ? "hard" : "soft") : null;
        if (type != null) {
            accountBounces(account == null ? "unknown" : account, type).increment();
        }
    }

    /**
     * Starts the counters that rates are taken of at 0 for every account (a counter that first appears at 1 loses that
     * first event to {@code increase()}): SENT outcomes and the hard bounces, soft bounces and complaints.
     */
    public void presetAccounts(java.util.Collection<String> accounts) {
        for (String account : accounts) {
            Counter.builder(MESSAGES).description("Outcome events published, by status, reason code and account")
                    .tags("status", Status.SENT.name(), "reason", "accepted", "account", account).register(registry);
            BOUNCE_TYPES.forEach(type -> accountBounces(account, type));
        }
    }

    private Counter accountBounces(String account, String type) {
        return Counter.builder(ACCOUNT_BOUNCES).description("Hard bounces, soft bounces and complaints reported, by the account that sent")
                .tags("account", account, "type", type).register(registry);
    }

    /** A gauge of one pool (or {@code any}, or {@code account:NAME}) read at every scrape. */
    public void registerPoolGauge(String name, String pool, DoubleSupplier value, String description) {
        Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(description).tags("pool", pool)
                .strongReference(true).register(registry);
    }

    /**
     * Gauges of one account's quota in one window (such as {@code hour}, {@code day}): sends used and sends left.
     * The suppliers are read at every scrape; registering the same account and window again replaces nothing
     * (the first registration stays), so call it once per account and window.
     */
    public void registerQuota(String account, String window, DoubleSupplier used, DoubleSupplier remaining) {
        Tags tags = Tags.of("account", account, "window", window);
        Gauge.builder(QUOTA_USED, used, DoubleSupplier::getAsDouble).description("Sends counted against the account's limit in the window")
                .tags(tags).strongReference(true).register(registry);
        Gauge.builder(QUOTA_REMAINING, remaining, DoubleSupplier::getAsDouble).description("Sends left in the account's window")
                .tags(tags).strongReference(true).register(registry);
    }

    /** A gauge of one account's limit in a window, of one kind (configured or effective). */
    public void registerQuotaLimit(String account, String window, String kind, DoubleSupplier limit) {
        Gauge.builder(QUOTA_LIMIT, limit, DoubleSupplier::getAsDouble).description("The account's limit in the window")
                .tags("account", account, "window", window, "kind", kind).strongReference(true).register(registry);
    }

    /**
     * Gauges of one account's health: one series per state, 1 for the current one and 0 for the others
     * ({@code mailpipe_account_health{account="x",state="COOLING_DOWN"} 1}).
     */
    public <S extends Enum<S>> void registerAccountHealth(String account, Class<S> states, Supplier<S> current) {
        for (S state : states.getEnumConstants()) {
            Gauge.builder(ACCOUNT_HEALTH, current, c -> c.get() == state ? 1 : 0)
                    .description("1 for the account's current health state, 0 for the others")
                    .tags("account", account, "state", state.name())
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** Sets whether the account's SMTP server answered the last probe. */
    public void accountReachable(String account, boolean reachable) {
        setGauge(ACCOUNT_REACHABLE, Tags.of("account", account), reachable ? 1 : 0,
                "1 when the account's SMTP server accepted a connection at the last probe");
    }

    /** Sets whether Kafka answered the last probe. */
    public void kafkaReachable(boolean reachable) {
        setGauge(KAFKA_REACHABLE, Tags.empty(), reachable ? 1 : 0, "1 when Kafka answered the last probe");
    }

    /** Sets whether the worker reports ready. */
    public void ready(boolean ready) {
        setGauge(READY, Tags.empty(), ready ? 1 : 0, "1 while the worker reports ready");
    }

    /** Sets the lag of one partition for one consumer group. */
    public void consumerLag(String group, String topic, int partition, long lag) {
        setGauge(CONSUMER_LAG, Tags.of("group", group, "topic", topic, "partition", String.valueOf(partition)), lag,
                "Records not yet consumed by the group (end offset minus committed offset)");
    }

    /** Sets how many records the dead-letter topic holds. */
    public void deadLetterTopicRecords(String topic, long records) {
        setGauge(DEAD_LETTER_TOPIC_RECORDS, Tags.of("topic", topic), records,
                "Records on the dead-letter topic, written by any worker (end offsets minus start offsets)");
    }

    private void setGauge(String name, Tags tags, long value, String description) {
        String key = name + tags;
        longGauges.computeIfAbsent(key, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(name, holder, AtomicLong::get).description(description).tags(tags).register(registry);
            return holder;
        }).set(value);
    }

    private static String label(String value) {
        return value == null || value.isBlank() ? "unknown" : value.toLowerCase(Locale.ROOT);
    }
}
