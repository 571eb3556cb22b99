package io.mailpipe.config;

/**
 * How mailpipe talks to Kafka ({@code kafka:} in mailpipe.yaml).
 *
 * @param bootstrapServers  broker list; empty means "start the local single-node broker" (default: the
 *                          environment variable KAFKA_BOOTSTRAP_SERVERS, else empty)
 * @param groupId           consumer group of the workers (default {@code mailpipe})
 * @param topics            topic names
 * @param partitions        partitions of topics mailpipe creates (default 4); at most this many workers consume at once
 * @param replicationFactor replication factor of topics mailpipe creates (default 1; use 3 in production)
 * @param createTopics      create missing topics at start-up (default true)
 * @param maxPollRecords    records fetched per poll and delivered as one batch (default 500); the group's poll interval is derived from it
 * @param consumers         consumer threads per worker for {@code mail.requests} (default 1)
 * @param sessionTimeout    how long the group waits for a silent worker before its partitions move (default 10 s)
 * @param properties        further Kafka client settings for every producer, consumer and admin client mailpipe creates,
 *                          e.g. {@code security.protocol: SASL_SSL}, {@code sasl.mechanism: SCRAM-SHA-512},
 *                          {@code sasl.jaas.config: ${KAFKA_JAAS}}, {@code ssl.truststore.location}; passed through
 *                          unchanged, secrets never logged (default: none). See docs/security.md
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        Topics topics,
        Integer partitions,
        Short replicationFactor,
        Boolean createTopics,
        Integer maxPollRecords,
        Integer consumers,
        java.time.Duration sessionTimeout,
        java.util.Map<String, String> properties) {

    public KafkaSettings {
        properties = properties == null ? java.util.Map.of() : java.util.Map.copyOf(properties);
        for (String key : properties.keySet()) {
            if (io.mailpipe.kafka.KafkaConnection.RESERVED.contains(key)) {
                throw new ConfigException("kafka.properties: '" + key + "' is set by mailpipe"
                        + (key.equals("bootstrap.servers") ? "; use kafka.bootstrapServers" : key.equals("group.id") ? "; use kafka.groupId" : ""));
            }
        }
        if (bootstrapServers == null) {
            String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            bootstrapServers = env == null ? "" : env.trim();
        }
        groupId = groupId == null ? "mailpipe" : groupId;
        topics = topics == null ? new Topics(null, null, null, null) : topics;
        partitions = partitions == null ? 4 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        createTopics = createTopics == null ? Boolean.TRUE : createTopics;
        maxPollRecords = maxPollRecords == null ? 500 : maxPollRecords;
        consumers = consumers == null ? 1 : consumers;
        sessionTimeout = sessionTimeout == null ? java.time.Duration.ofSeconds(10) : sessionTimeout;
        if (sessionTimeout.toMillis() < 3000) {
            throw new ConfigException("kafka.sessionTimeout must be at least 3 s");
        }
        if (partitions < 1 || replicationFactor < 1 || maxPollRecords < 1 || consumers < 1) {
            throw new ConfigException("kafka: partitions, replicationFactor, maxPollRecords and consumers must be at least 1");
        }
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings(null, null, null, null, null, null, null, null, null, null);
    }

    /** The broker list and client settings every Kafka client of mailpipe starts from. */
    public io.mailpipe.kafka.KafkaConnection connection() {
        return new io.mailpipe.kafka.KafkaConnection(bootstrapServers, properties);
    }

    /** The same settings with these Kafka client properties (tests). */
    public KafkaSettings withProperties(java.util.Map<String, String> newProperties) {
        return new KafkaSettings(bootstrapServers, groupId, topics, partitions, replicationFactor, createTopics, maxPollRecords, consumers, sessionTimeout, newProperties);
    }

    /** Never shows secret client settings (sasl.jaas.config, passwords, keys). */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", topics=" + topics
                + ", partitions=" + partitions + ", replicationFactor=" + replicationFactor + ", createTopics=" + createTopics
                + ", maxPollRecords=" + maxPollRecords + ", consumers=" + consumers + ", sessionTimeout=" + sessionTimeout
                + ", properties=" + io.mailpipe.kafka.KafkaConnection.masked(properties) + "]";
    }

    /** True when no broker is configured and the local one must be started. */
    public boolean useLocalBroker() {
        return bootstrapServers.isBlank();
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, groupId, topics, partitions, replicationFactor, createTopics, maxPollRecords, consumers, sessionTimeout, properties);
    }

    public KafkaSettings withTopics(Topics newTopics) {
        return new KafkaSettings(bootstrapServers, groupId, newTopics, partitions, replicationFactor, createTopics, maxPollRecords, consumers, sessionTimeout, properties);
    }

    public KafkaSettings withGroupId(String newGroupId) {
        return new KafkaSettings(bootstrapServers, newGroupId, topics, partitions, replicationFactor, createTopics, maxPollRecords, consumers, sessionTimeout, properties);
    }

    /**
     * Topic names ({@code kafka.topics:}). Public contract; defaults are the documented names.
     *
     * @param requests        send requests in (default {@code mail.requests})
     * @param outcomes        one event per attempt result (default {@code mail.outcomes})
     * @param dlq             records that could not be processed, original bytes kept (default {@code mail.dlq})
     * @param retry           deferred requests waiting for their next attempt (default {@code mail.retry})
     * @param bounces         one event per recipient of a bounce report read from IMAP (default {@code mail.bounces})
     * @param bouncesUnparsed bounce mailbox messages that could not be parsed, raw (default {@code mail.bounces.unparsed})
     * @param suppressions    the suppression list, compacted, key = address (default {@code mail.suppressions})
     * @param quota           the quota ledger: send reservations of all workers, one partition (default {@code mail.quota})
     * @param replays         what {@code mailpipe replay} re-published, compacted, so nothing is replayed twice
     *                        (default {@code mail.replays})
     */
    public record Topics(String requests, String outcomes, String dlq, String retry, String bounces, String bouncesUnparsed,
                         String suppressions, String quota, String replays) {
        public Topics {
            requests = requests == null ? "mail.requests" : requests;
            outcomes = outcomes == null ? "mail.outcomes" : outcomes;
            dlq = dlq == null ? "mail.dlq" : dlq;
            retry = retry == null ? "mail.retry" : retry;
            bounces = bounces == null ? "mail.bounces" : bounces;
            bouncesUnparsed = bouncesUnparsed == null ? "mail.bounces.unparsed" : bouncesUnparsed;
            suppressions = suppressions == null ? "mail.suppressions" : suppressions;
            quota = quota == null ? "mail.quota" : quota;
            replays = replays == null ? "mail.replays" : replays;
        }

        /** The send pipeline's four topics; the other topics get their default names. */
        public Topics(String requests, String outcomes, String dlq, String retry) {
            this(requests, outcomes, dlq, retry, null, null, null, null, null);
        }

        /** All topics with the same prefix before the default names, e.g. {@code test1.mail.requests}. */
        public static Topics withPrefix(String prefix) {
            return new Topics(prefix + "mail.requests", prefix + "mail.outcomes", prefix + "mail.dlq", prefix + "mail.retry",
                    prefix + "mail.bounces", prefix + "mail.bounces.unparsed", prefix + "mail.suppressions",
                    prefix + "mail.quota", prefix + "mail.replays");
        }
    }
}
