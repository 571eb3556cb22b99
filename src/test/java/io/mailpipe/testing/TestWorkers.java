package io.mailpipe.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.ManagementSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.RetrySettings;
import io.mailpipe.config.WorkerSettings;
import io.mailpipe.kafka.TopicAdmin;

/** Configurations for workers in tests: own topics and group per test, accounts on local SMTP servers. */
public final class TestWorkers {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private TestWorkers() {
    }

    /** Fresh topic names for one test. */
    public static KafkaSettings.Topics topics(String testName) {
        return KafkaSettings.Topics.withPrefix(testName + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + ".");
    }

    /** A plain-SMTP account on 127.0.0.1:port. */
    public static Account account(String name, int port, String from, boolean allowSenderOverride, Limits limits) {
        return new Account(name, "127.0.0.1", port, Security.NONE, null, null, from, allowSenderOverride,
                limits == null ? Limits.NONE : limits, null, null, Duration.ofSeconds(10));
    }

    /** A configuration on the test broker with fast retries; topics are created. */
    public static MailpipeConfig config(KafkaSettings.Topics topics, List<Account> accounts) {
        KafkaSettings kafka = KafkaSettings.defaults()
                .withBootstrapServers(TestKafka.bootstrapServers())
                .withTopics(topics)
                .withGroupId("g-" + topics.requests());
        RetrySettings retry = new RetrySettings(4, Duration.ofMillis(500), 2.0, Duration.ofSeconds(3), Duration.ofMinutes(10));
        MailpipeConfig config = new MailpipeConfig(kafka, WorkerSettings.defaults(), retry, accounts)
                .withManagement(new ManagementSettings(true, "127.0.0.1", 0, null, null));
        TopicAdmin.ensureTopics(kafka, config.worker().maxRequestBytes());
        return config;
    }

    /** The {@code kafka:} section of a mailpipe.yaml for a worker process on the test broker with these topics. */
    public static String kafkaYaml(KafkaSettings.Topics topics) {
        return """
                kafka:
                  bootstrapServers: %s
                  groupId: g-%s
                  topics: {requests: %s, outcomes: %s, dlq: %s, retry: %s, bounces: %s, bouncesUnparsed: %s, suppressions: %s, quota: %s}
                """.formatted(TestKafka.bootstrapServers(), topics.requests(), topics.requests(), topics.outcomes(),
                topics.dlq(), topics.retry(), topics.bounces(), topics.bouncesUnparsed(), topics.suppressions(),
                topics.quota());
    }
}
