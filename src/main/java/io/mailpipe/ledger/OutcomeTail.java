package io.mailpipe.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;

/**
 * Feeds a {@link RequestLedger} from {@code mail.outcomes}: reads every partition from the beginning (no consumer
 * group) and keeps reading while the worker runs, so it also learns what other workers finished. A worker starts
 * consuming requests only after the tail has read the topic to its end ({@link #start}), and waits for it to catch
 * up again before a record that does not directly follow the last one it processed on its partition.
 */
public final class OutcomeTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeTail.class);

    private final String topic;
    private final String bootstrapServers;
    private final RequestLedger ledger;
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final KafkaConsumer<byte[], byte[]> tailConsumer;
    private final KafkaConsumer<byte[], byte[]> offsetsConsumer;
    private final Thread tailer;
    private volatile boolean running = true;
    private volatile RuntimeException tailFailure;

    public OutcomeTail(String bootstrapServers, String outcomesTopic) {
        this.topic = outcomesTopic;
        this.bootstrapServers = bootstrapServers;
        this.ledger = new RequestLedger(this::awaitCaughtUp);
        this.tailConsumer = consumer("mailpipe-ledger-tail");
        this.offsetsConsumer = consumer("mailpipe-ledger-offsets");
        List<TopicPartition> partitions = partitions(tailConsumer);
        tailConsumer.assign(partitions);
        tailConsumer.seekToBeginning(partitions);
        this.tailer = new Thread(this::tail, "mailpipe-ledger");
        this.tailer.setDaemon(true);
    }

    /** The ledger this tail feeds. */
    public RequestLedger ledger() {
        return ledger;
    }

    /** Starts tailing and returns once everything already on the topic has been read. */
    public OutcomeTail start(Duration timeout) {
        tailer.start();
        awaitCaughtUp(timeout);
        LOG.info("Delivery ledger read {}: {} request ids already finished", topic, ledger.size());
        return this;
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
                    throw new RequestLedger.LedgerUnavailableException("The delivery ledger stopped reading " + topic, tailFailure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RequestLedger.LedgerUnavailableException(
                            "The delivery ledger did not catch up with " + topic + " within " + timeout, null);
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RequestLedger.LedgerUnavailableException("Interrupted while waiting for the delivery ledger", e);
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
                var replay = record.headers().lastHeader(io.mailpipe.kafka.MailpipeHeaders.REPLAY);
                ledger.markFinished(RequestLedger.lineage(new String(record.key(), StandardCharsets.UTF_8),
                        replay == null || replay.value() == null ? null : new String(replay.value(), StandardCharsets.UTF_8)));
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
