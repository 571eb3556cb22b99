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
 * @param maxPollRecords    records fetched per poll (default 50); keep it x worst send time below 5 minutes
 * @param consumers         consumer threads per worker for {@code mail.requests} (default 1)
 * @param sessionTimeout    how long the group waits for a silent worker before its partitions move (default 10 s)
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
        java.time.Duration sessionTimeout) {

    public KafkaSettings {
        if (bootstrapServers == null) {
            String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            bootstrapServers = env == null ? "" : env.trim();
        }
        groupId = groupId == null ? "mailpipe" : groupId;
        topics = topics == null ? new Topics(null, null, null, null) : topics;
        partitions = partitions == null ? 4 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        createTopics = createTopics == null ? Boolean.TRUE : createTopics;
        maxPollRecords = maxPollRecords == null ? 50 : maxPollRecords;
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
        return new KafkaSettings(null, null, null, null, null, null, null, null, null);
    }

    /** True when no broker is configured and the local one must be started. */
    public boolean useLocalBroker() {
        return bootstrapServers.isBlank();
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, groupId, topics, partitions, replicationFactor, createTopics, maxPollRecords, consumers, sessionTimeout);
    }

    public KafkaSettings withTopics(Topics newTopics) {
        return new KafkaSettings(bootstrapServers, groupId, newTopics, partitions, replicationFactor, createTopics, maxPollRecords, consumers, sessionTimeout);
    }

    public KafkaSettings withGroupId(String newGroupId) {
        return new KafkaSettings(bootstrapServers, newGroupId, topics, partitions, replicationFactor, createTopics, maxPollRecords, consumers, sessionTimeout);
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
