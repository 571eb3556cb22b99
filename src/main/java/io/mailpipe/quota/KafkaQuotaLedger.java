package io.mailpipe.quota;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.config.MailpipeConfig;

/**
 * The quota ledger on Kafka: writes this worker's reservations, confirmations and releases to {@code mail.quota}
 * and reads the whole topic back into a {@link QuotaBook}, in log order, on its own thread. A reservation is decided
 * when the reader reaches it, from everything before it in the log ({@link #reserve}).
 *
 * <p>The topic must have exactly one partition (a single order for all reservations); mailpipe creates it with
 * log-append timestamps so that every reservation is timed by the broker's clock. Thread-safe.
 */
public final class KafkaQuotaLedger implements QuotaLedger {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaQuotaLedger.class);

    private final String topic;
    private final TopicPartition partition;
    private final QuotaBook book;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final Map<String, java.util.concurrent.CompletableFuture<QuotaBook.Grant>> waiting = new ConcurrentHashMap<>();
    private final Duration requestTimeout;
    private volatile long position = -1;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    /**
     * @param bootstrapServers Kafka brokers
     * @param topic            the ledger topic (one partition)
     * @param book             the book to feed; its worker id marks this worker's reservations
     * @param lookBack         how far back to start reading: longer than the longest window plus the longest hold
     * @param clock            for the start position
     */
    public KafkaQuotaLedger(String bootstrapServers, String topic, QuotaBook book, Duration lookBack, Clock clock) {
        this(io.mailpipe.kafka.KafkaConnection.of(bootstrapServers), topic, book, lookBack, clock, Duration.ofSeconds(15));
    }

    /** As the other constructor, with the configured Kafka client settings. */
    public KafkaQuotaLedger(io.mailpipe.kafka.KafkaConnection connection, String topic, QuotaBook book, Duration lookBack, Clock clock) {
        this(connection, topic, book, lookBack, clock, Duration.ofSeconds(15));
    }

    KafkaQuotaLedger(io.mailpipe.kafka.KafkaConnection connection, String topic, QuotaBook book, Duration lookBack, Clock clock,
                Duration requestTimeout) {
        String bootstrapServers = connection.bootstrapServers();
        this.topic = topic;
        this.book = book;
        this.requestTimeout = requestTimeout;
        this.consumer = new KafkaConsumer<>(consumerProps(connection), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("The quota ledger topic " + topic + " does not exist on " + bootstrapServers
                    + " (kafka.createTopics creates it)");
        }
        if (infos.size() != 1) {
            consumer.close();
            throw new IllegalStateException("The quota ledger topic " + topic + " has " + infos.size()
                    + " partitions; it must have exactly 1 (reservations are decided in its order)");
        }
        this.partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        long from = clock.instant().minus(lookBack).toEpochMilli();
        Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(Map.of(partition, from), Duration.ofSeconds(30));
        OffsetAndTimestamp at = start.get(partition);
        if (at != null) {
            consumer.seek(partition, at.offset());
        } else {
            consumer.seekToEnd(List.of(partition));
        }
        this.producer = new KafkaProducer<>(producerProps(connection), new ByteArraySerializer(), new ByteArraySerializer());
        this.reader = new Thread(this::read, "mailpipe-quota-ledger");
        this.reader.setDaemon(true);
    }

    /**
     * A ledger for these accounts, feeding a fresh book: it reads back far enough for every lease that can still
     * count (the longest window plus the longest hold, and a margin). Call {@link #start} next.
     *
     * @param worker the id of this reader in the book (its own reservations are decided by it)
     */
    public static KafkaQuotaLedger forAccounts(MailpipeConfig config, String worker, Clock clock) {
        LedgerScope scope = LedgerScope.of(config);
        return new KafkaQuotaLedger(config.kafka().connection(), config.kafka().topics().quota(),
                scope.book(worker, config.quota()), scope.lookBack().plusMinutes(5), clock);
    }

    /** Starts reading and returns once the ledger has been read to its current end. */
    public KafkaQuotaLedger start(Duration timeout) {
        // the reader thread owns the consumer once started; ask for the end before that
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        reader.start();
        awaitPosition(end, timeout);
        LOG.info("Quota ledger {} read up to offset {}", topic, end);
        return this;
    }

    /**
     * Reserves up to {@code sends} sends of an account and returns what this worker may use: the decision made when
     * the reservation was read back in log order. When it got less than it asked for (or the account has a rate),
     * a confirmation is written so that other workers stop counting the whole request.
     *
     * @throws QuotaUnavailableException when the ledger cannot be written or read in time
     */
    @Override
    public QuotaBook.Grant reserve(QuotaRecord.Reserve request) {
        var future = new java.util.concurrent.CompletableFuture<QuotaBook.Grant>();
        waiting.put(request.lease(), future);
        try {
            RecordMetadata written = write(request);
            QuotaBook.Grant grant;
            try {
                grant = future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // it may still be decided later: count it as used by this worker in full (others do the same)
                throw new QuotaUnavailableException("The quota ledger did not read back reservation " + request.lease()
                        + " (offset " + written.offset() + ") within " + requestTimeout, e);
            }
            if (grant.needsConfirm()) {
                confirm(new QuotaRecord.Confirm(grant.lease(), grant.account(), grant.granted(), grant.slotStart(), grant.rate()));
            }
            return grant;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuotaUnavailableException("Interrupted while reserving quota", e);
        } catch (ExecutionException e) {
            throw new QuotaUnavailableException("The quota ledger failed: " + e.getCause(), e.getCause());
        } finally {
            waiting.remove(request.lease());
        }
    }

    /** Hands a lease back, stating how many sends it used. Waits for Kafka's acknowledgement. */
    @Override
    public void release(QuotaRecord.Release release) {
        try {
            write(release);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuotaUnavailableException("Interrupted while releasing a lease", e);
        }
    }

    @Override
    public void announce(QuotaRecord news) {
        String what = news instanceof QuotaRecord.Learned ? "learned limits" : "cool-down";
        try {
            producer.send(record(news), (md, e) -> {
                if (e != null) {
                    LOG.warn("Could not share the {} of account {} on {}: {}", what, news.account(), topic, e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not share the {} of account {} on {}: {}", what, news.account(), topic, e.toString());
        }
    }

    private void confirm(QuotaRecord.Confirm confirm) {
        producer.send(record(confirm), (md, e) -> {
            if (e != null) {
                // harmless for the limits: others keep counting the whole request until it ages out
                LOG.warn("Could not confirm lease {} of account {} on {}: {}", confirm.lease(), confirm.account(), topic, e.toString());
            }
        });
    }

    private RecordMetadata write(QuotaRecord r) throws InterruptedException {
        if (failure != null) {
            throw new QuotaUnavailableException("The quota ledger stopped reading " + topic, failure);
        }
        try {
            return producer.send(record(r)).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new QuotaUnavailableException("Could not write to the quota ledger " + topic + ": "
                    + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    private ProducerRecord<byte[], byte[]> record(QuotaRecord r) {
        return new ProducerRecord<>(topic, 0, r.account().getBytes(StandardCharsets.UTF_8), QuotaJson.write(r));
    }

    @Override
    public QuotaBook book() {
        return book;
    }

    /**
     * Waits until the book changed since {@code seen} or {@code deadline} passed.
     *
     * @return true when it changed
     */
    @Override
    public void nudge() {
        synchronized (book) {
            book.touch();
            book.notifyAll();
        }
    }

    @Override
    public boolean awaitChange(long seen, Instant deadline, Clock clock) throws InterruptedException {
        synchronized (book) {
            while (book.changes() == seen) {
                long ms = Duration.between(clock.instant(), deadline).toMillis();
                if (ms <= 0 || !running) {
                    return false;
                }
                book.wait(ms);
            }
            return true;
        }
    }

    private void awaitPosition(long offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (book) {
            while (position < offset) {
                if (failure != null) {
                    throw new QuotaUnavailableException("The quota ledger stopped reading " + topic, failure);
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new QuotaUnavailableException("The quota ledger did not read " + topic + " to offset " + offset
                            + " within " + timeout, null);
                }
                try {
                    book.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QuotaUnavailableException("Interrupted while reading the quota ledger", e);
                }
            }
        }
    }

    private void read() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                synchronized (book) {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        apply(record);
                    }
                    position = consumer.position(partition);
                    book.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // close() stops the reader
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("The quota ledger stopped reading {}: {}", topic, e.toString());
            waiting.values().forEach(f -> f.completeExceptionally(e));
            synchronized (book) {
                book.notifyAll();
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        QuotaRecord r;
        try {
            r = QuotaJson.read(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warn("Skipping an unreadable quota ledger record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        QuotaBook.Grant grant = book.apply(r, Instant.ofEpochMilli(record.timestamp()));
        if (grant != null) {
            var future = waiting.get(grant.lease());
            if (future != null) {
                future.complete(grant);
            } else {
                // asked for by this worker, but nobody waits any more (timed out): give it back at once
                LOG.warn("Reservation {} of account {} was decided after its requester gave up; releasing it",
                        grant.lease(), grant.account());
                producer.send(record(new QuotaRecord.Release(grant.lease(), grant.account(), 0)));
            }
        }
    }

    private static Properties consumerProps(io.mailpipe.kafka.KafkaConnection connection) {
        Properties props = connection.asProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "mailpipe-quota-ledger");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        return props;
    }

    private static Properties producerProps(io.mailpipe.kafka.KafkaConnection connection) {
        Properties props = connection.asProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "mailpipe-quota-ledger");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return props;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
