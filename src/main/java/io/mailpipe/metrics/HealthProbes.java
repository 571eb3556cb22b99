package io.mailpipe.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.config.ManagementSettings;

/**
 * Keeps {@link Health} and the consumer-lag gauges current: every {@code management.probeInterval} it asks Kafka for
 * its cluster id, opens (and closes) one TCP connection to each account's SMTP server, and reads the committed
 * offsets of the worker's consumer groups against the end offsets; an OAuth2 account must also get an access token from
 * its token source (the cached one while valid). A probe that takes longer than
 * {@code management.probeTimeout} counts as unreachable. Nothing is sent to the SMTP servers: the connection is
 * closed before their greeting is read.
 */
public final class HealthProbes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthProbes.class);

    /** A consumer group and the topic it reads (whose lag is reported). */
    public record ConsumedTopic(String group, String topic) {
    }

    private final Health health;
    private final MailpipeMetrics metrics;
    private final List<Account> accounts;
    private final List<ConsumedTopic> consumed;
    private final String deadLetterTopic;
    private final Duration timeout;
    private final Duration interval;
    private final Admin admin;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Boolean> lastAccountState = new HashMap<>();
    private final Map<String, String> lastLoginError = new HashMap<>();
    private Boolean lastKafkaState;

    public HealthProbes(Health health, MailpipeMetrics metrics, io.mailpipe.kafka.KafkaConnection kafka, List<Account> accounts,
                        List<ConsumedTopic> consumed, String deadLetterTopic, ManagementSettings settings) {
        this.deadLetterTopic = deadLetterTopic;
        this.health = health;
        this.metrics = metrics;
        this.accounts = List.copyOf(accounts);
        this.consumed = List.copyOf(consumed);
        this.timeout = settings.probeTimeout();
        this.interval = settings.probeInterval();
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> adminProps = kafka.clientProperties();
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "mailpipe-health");
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        this.admin = Admin.create(adminProps);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailpipe-health");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the first round now (in the background) and then every interval. */
    public HealthProbes start() {
        scheduler.scheduleWithFixedDelay(this::probeAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One round of every probe (also for tests). */
    void probeAll() {
        try {
            boolean kafka = probeKafka();
            if (lastKafkaState == null || lastKafkaState != kafka) {
                LOG.info("Kafka is {}", kafka ? "reachable" : "NOT reachable");
                lastKafkaState = kafka;
            }
            health.kafkaReachable(kafka);
            for (Account account : accounts) {
                boolean reachable = probeSmtp(account) && probeToken(account);
                Boolean before = lastAccountState.put(account.name(), reachable);
                if (before == null || before != reachable) {
                    if (reachable) {
                        LOG.info("SMTP server of account {} ({}:{}) is reachable", account.name(), account.host(), account.port());
                    } else {
                        LOG.warn("SMTP server of account {} ({}:{}) is NOT reachable", account.name(), account.host(), account.port());
                    }
                }
                health.accountReachable(account.name(), reachable);
            }
            if (kafka) {
                readLag();
                readDeadLetterCount();
            }
        } catch (RuntimeException e) {
            LOG.warn("Health probe failed: {}", e.toString());
        }
    }

    private boolean probeKafka() {
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * An OAuth2 account: whether its token source gives a token (the cached one while it is valid). A refusal is a
     * login error that fails readiness, logged once with the account, the endpoint and its answer; an endpoint that
     * cannot be reached only makes the account unreachable.
     */
    private boolean probeToken(Account account) {
        if (!account.usesOAuth2()) {
            return true;
        }
        String error = null;
        boolean ok = false;
        try {
            account.oauth2().current();
            ok = true;
        } catch (io.mailpipe.oauth.TokenException e) {
            if (e.kind() == io.mailpipe.oauth.TokenException.Kind.REFUSED) {
                error = e.getMessage();
            } else {
                LOG.warn("Account {}: no OAuth2 access token for now: {}", account.name(), e.getMessage());
            }
        }
        String before = lastLoginError.put(account.name(), error == null ? "" : error);
        if (error != null && !error.equals(before)) {
            LOG.error("Account {} cannot log in: {}. The worker is not ready until the account's oauth2 settings are fixed"
                    + " (or the account is removed).", account.name(), error);
        } else if (error == null && before != null && !before.isEmpty()) {
            LOG.info("Account {} gets OAuth2 access tokens again", account.name());
        }
        health.loginError(account.name(), error);
        return ok;
    }

    private boolean probeSmtp(Account account) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(account.host(), account.port()), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private void readLag() {
        for (ConsumedTopic c : consumed) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(c.group())
                        .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                List<TopicPartition> partitions = new ArrayList<>();
                admin.describeTopics(List.of(c.topic())).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .get(c.topic()).partitions()
                        .forEach(p -> partitions.add(new TopicPartition(c.topic(), p.partition())));
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                for (TopicPartition tp : partitions) {
                    long end = ends.get(tp).offset();
                    OffsetAndMetadata at = committed.get(tp);
                    // nothing committed yet: the group starts at the beginning (autoOffsetReset earliest)
                    long position = at == null ? earliest(tp) : at.offset();
                    metrics.consumerLag(c.group(), c.topic(), tp.partition(), Math.max(0, end - position));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.debug("Could not read the lag of group {} on {}: {}", c.group(), c.topic(), e.toString());
            }
        }
    }

    private void readDeadLetterCount() {
        try {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(deadLetterTopic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(deadLetterTopic).partitions().forEach(p -> {
                        TopicPartition tp = new TopicPartition(deadLetterTopic, p.partition());
                        earliest.put(tp, OffsetSpec.earliest());
                        latest.put(tp, OffsetSpec.latest());
                    });
            long start = 0;
            for (var info : admin.listOffsets(earliest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).values()) {
                start += info.offset();
            }
            long end = 0;
            for (var info : admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).values()) {
                end += info.offset();
            }
            metrics.deadLetterTopicRecords(deadLetterTopic, end - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Could not count the records of {}: {}", deadLetterTopic, e.toString());
        }
    }

    private long earliest(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(tp).offset();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
