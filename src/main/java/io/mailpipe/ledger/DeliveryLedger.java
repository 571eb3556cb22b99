package io.mailpipe.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;

/**
 * Which request ids already reached a terminal status, so that a redelivered request is not sent twice.
 *
 * <p>The ledger tails {@code mail.outcomes} (every partition, no consumer group) from the beginning: a worker that
 * starts reads it to the end before it consumes a request, and keeps reading while it runs, so it also learns what
 * other workers finished. Before a worker processes a record that does not directly follow the last record it
 * processed on that partition (its first record after start or after a rebalance, or a redelivery), it waits
 * until the ledger has read up to the current end of {@code mail.outcomes} ({@link #awaitCaughtUp}).
 *
 * <p>Within one worker, a request id is processed by one thread at a time ({@link #claim}); records of a send
 * whose outcome could not be published yet are kept ({@link #pending}) and re-published instead of sending again.
 */
public final class DeliveryLedger implements AutoCloseable {

    /** The ledger cannot tell right now whether a request finished; the record must be processed again later. */
    public static final class LedgerUnavailableException extends RuntimeException {
        LedgerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);

    private final String topic;
    private final String bootstrapServers;
    private final Set<String> terminal = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final KafkaConsumer<byte[], byte[]> tailConsumer;
    private final KafkaConsumer<byte[], byte[]> offsetsConsumer;
    private final Thread tailer;
    private volatile boolean running = true;
    private volatile RuntimeException tailFailure;

    public DeliveryLedger(String bootstrapServers, String outcomesTopic) {
        this.topic = outcomesTopic;
        this.bootstrapServers = bootstrapServers;
        this.tailConsumer = consumer("mailpipe-ledger-tail");
        this.offsetsConsumer = consumer("mailpipe-ledger-offsets");
        List<TopicPartition> partitions = partitions(tailConsumer);
        tailConsumer.assign(partitions);
        tailConsumer.seekToBeginning(partitions);
        this.tailer = new Thread(this::tail, "mailpipe-ledger");
        this.tailer.setDaemon(true);
    }

    /** Starts tailing and returns once everything already on the topic has been read. */
    public DeliveryLedger start(Duration timeout) {
        tailer.start();
        awaitCaughtUp(timeout);
        LOG.info("Delivery ledger read {}: {} request ids already finished", topic, terminal.size());
        return this;
    }

    /** True when the request id already has a terminal outcome on {@code mail.outcomes} (or published by this worker). */
    public boolean isFinished(String requestId) {
        return terminal.contains(requestId);
    }

    /** Number of finished request ids known. */
    public int size() {
        return terminal.size();
    }

    /** Waits until every outcome written before this call has been read. */
    public void awaitCaughtUp(Duration timeout) {
        Map<TopicPartition, Long> end;
        synchronized (offsetsConsumer) {
            end = offsetsConsumer.endOffsets(positions.keySet().isEmpty() ? partitions(offsetsConsumer) : positions.keySet(),
                    timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!reached(end)) {
                if (tailFailure != null) {
                    throw new LedgerUnavailableException("The delivery ledger stopped reading " + topic, tailFailure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new LedgerUnavailableException("The delivery ledger did not catch up with " + topic + " within " + timeout, null);
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LedgerUnavailableException("Interrupted while waiting for the delivery ledger", e);
                }
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            Long pos = positions.get(e.getKey());
            if (pos == null || pos < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Claims a request id for processing in this worker. Returns empty when the id already finished; waits while
     * another thread of this worker processes the same id.
     */
    public Optional<Claim> claim(String requestId, Duration maxWait) {
        while (true) {
            if (terminal.contains(requestId)) {
                return Optional.empty();
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> other = inFlight.putIfAbsent(requestId, mine);
            if (other == null) {
                if (terminal.contains(requestId)) {
                    inFlight.remove(requestId, mine);
                    mine.complete(null);
                    return Optional.empty();
                }
                return Optional.of(new Claim(requestId, mine));
            }
            try {
                other.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerUnavailableException("Interrupted while waiting for request " + requestId, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new LedgerUnavailableException("Request " + requestId + " is still being processed by another thread", e);
            }
        }
    }

    /** Records of a finished send that are not acknowledged by Kafka yet, to publish again instead of sending again. */
    public Optional<Pending> pending(String requestId) {
        return Optional.ofNullable(pending.get(requestId));
    }

    /** Records to publish for a send that happened, and whether they end the request. */
    public record Pending(List<ProducerRecord<byte[], byte[]>> records, boolean terminal) {
        public Pending {
            records = List.copyOf(records);
        }
    }

    /** A processing claim on one request id; {@link #close()} releases it. */
    public final class Claim implements AutoCloseable {
        private final String requestId;
        private final CompletableFuture<Void> done;

        private Claim(String requestId, CompletableFuture<Void> done) {
            this.requestId = requestId;
            this.done = done;
        }

        /** Remembers records that must be published for a send that happened, until {@link #published}. */
        public void sendHappened(Pending records) {
            pending.put(requestId, records);
        }

        /** The records were acknowledged; a terminal status makes the id finished. */
        public void published(boolean terminalStatus) {
            pending.remove(requestId);
            if (terminalStatus) {
                terminal.add(requestId);
            }
        }

        /** Releases the claim; calling it again does nothing. */
        @Override
        public void close() {
            inFlight.remove(requestId, done);
            done.complete(null);
        }
    }

    private void tail() {
        try {
            while (running) {
                var records = tailConsumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    apply(record);
                }
                Map<TopicPartition, Long> now = new HashMap<>();
                for (TopicPartition tp : tailConsumer.assignment()) {
                    now.put(tp, tailConsumer.position(tp));
                }
                synchronized (progress) {
                    positions.putAll(now);
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // close() stops the tailer
        } catch (RuntimeException e) {
            tailFailure = e;
            LOG.error("The delivery ledger stopped reading {}: {}", topic, e.toString());
            synchronized (progress) {
                progress.notifyAll();
            }
        } finally {
            tailConsumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        try {
            OutcomeEvent event = OutcomeJson.read(record.value());
            if (event.status() != null && event.status().isTerminal()) {
                terminal.add(new String(record.key(), StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            LOG.warn("Skipping an unreadable outcome at {}-{}@{}", record.topic(), record.partition(), record.offset());
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist on " + bootstrapServers);
        }
        List<TopicPartition> result = new ArrayList<>();
        for (PartitionInfo info : infos) {
            result.add(new TopicPartition(info.topic(), info.partition()));
        }
        return result;
    }

    private KafkaConsumer<byte[], byte[]> consumer(String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        running = false;
        tailConsumer.wakeup();
        try {
            tailer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (offsetsConsumer) {
            offsetsConsumer.close(Duration.ofSeconds(5));
        }
    }
}
