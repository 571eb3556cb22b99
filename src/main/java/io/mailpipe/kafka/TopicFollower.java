package io.mailpipe.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of some topics from the beginning, without a consumer group, and hands each record to a
 * handler on its own thread while the worker runs: the in-memory views of the bounce pipeline (message-id index from
 * {@code mail.outcomes}, published bounce ids, the suppression list) are built this way, so they survive a restart
 * and see what other workers wrote. {@link #awaitCaughtUp}
 * waits until everything written before the call is read.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    /** The follower stopped or could not catch up in time; the caller must not act on a stale view. */
    public static final class NotCaughtUpException extends RuntimeException {
        public NotCaughtUpException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String name;
    private final List<String> topics;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final List<TopicPartition> partitions;
    private final Object progress = new Object();
    private final KafkaConsumer<byte[], byte[]> tailConsumer;
    private final KafkaConsumer<byte[], byte[]> offsetsConsumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile RuntimeException failure;

    public TopicFollower(String name, String bootstrapServers, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this(name, KafkaConnection.of(bootstrapServers), topics, handler, Duration.ofSeconds(30));
    }

    public TopicFollower(String name, KafkaConnection connection, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this(name, connection, topics, handler, Duration.ofSeconds(30));
    }

    public TopicFollower(String name, String bootstrapServers, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> handler,
                         Duration topicWait) {
        this(name, KafkaConnection.of(bootstrapServers), topics, handler, topicWait);
    }

    /**
     * @param topicWait how long to wait for a topic to appear (a topic created a moment ago may not be in every
     *                  broker's metadata yet)
     */
    public TopicFollower(String name, KafkaConnection connection, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> handler,
                         Duration topicWait) {
        String bootstrapServers = connection.bootstrapServers();
        this.name = name;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        // each fetch answered at once: views wait on awaitCaughtUp, and gathering (fetch.min.bytes) would make every
        // wait as long as fetch.max.wait.ms (the delivery ledger, reading the busy mail.outcomes, gathers: OutcomeState)
        this.tailConsumer = consumer(connection, "mailpipe-" + name + "-tail", 1);
        this.offsetsConsumer = consumer(connection, "mailpipe-" + name + "-offsets", 1);
        try {
            this.partitions = partitions(tailConsumer, bootstrapServers, topicWait);
        } catch (RuntimeException e) {
            tailConsumer.close(Duration.ofSeconds(1));
            offsetsConsumer.close(Duration.ofSeconds(1));
            throw e;
        }
        tailConsumer.assign(partitions);
        tailConsumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "mailpipe-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts reading and returns once everything already on the topics has been handled. */
    public TopicFollower start(Duration timeout) {
        started = true;
        thread.start();
        awaitCaughtUp(timeout);
        return this;
    }

    /** Waits until every record written before this call has been handled. */
    public void awaitCaughtUp(Duration timeout) {
        Map<TopicPartition, Long> end;
        synchronized (offsetsConsumer) {
            end = offsetsConsumer.endOffsets(partitions, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!reached(end)) {
                if (failure != null) {
                    throw new NotCaughtUpException("The " + name + " view stopped reading " + topics, failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NotCaughtUpException("The " + name + " view did not catch up with " + topics + " within " + timeout, null);
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new NotCaughtUpException("Interrupted while waiting for the " + name + " view", e);
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

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : tailConsumer.poll(Duration.ofMillis(200))) {
                    try {
                        handler.accept(record);
                    } catch (RuntimeException e) {
                        LOG.warn("{}: skipping an unreadable record at {}-{}@{} ({})", name, record.topic(), record.partition(),
                                record.offset(), e.getClass().getSimpleName());
                    }
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
            // close() stops the thread
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("The {} view stopped reading {}: {}", name, topics, e.toString());
            synchronized (progress) {
                progress.notifyAll();
            }
        } finally {
            tailConsumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String bootstrapServers, Duration wait) {
        List<TopicPartition> result = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        for (String topic : topics) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            for (PartitionInfo info : awaitPartitions(consumer, topic, bootstrapServers, left)) {
                result.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        return List.copyOf(result);
    }

    /**
     * The partitions of a topic, waiting up to {@code wait} for it to appear (a topic created a moment ago may not be
     * in every broker's metadata yet); a missing topic is an error that says how to create it.
     */
    public static List<PartitionInfo> awaitPartitions(KafkaConsumer<byte[], byte[]> consumer, String topic, String bootstrapServers,
                                                      Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        while ((infos == null || infos.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        }
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist on " + bootstrapServers
                    + " (create it, or let mailpipe create it: kafka.createTopics)");
        }
        return infos;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection connection, String clientId, int fetchMinBytes) {
        return viewConsumer(connection, clientId, fetchMinBytes, 2000);
    }

    /**
     * A consumer for a view that reads topics itself (no group, no commits, committed transactions only, never creating
     * a missing topic: a suppression topic must be compacted); {@code fetchMinBytes} above 1 makes the broker gather
     * up to that much or 50 ms per fetch.
     */
    public static KafkaConsumer<byte[], byte[]> viewConsumer(KafkaConnection connection, String clientId, int fetchMinBytes,
                                                             int maxPollRecords) {
        Properties props = connection.asProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(fetchMinBytes));
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        running = false;
        tailConsumer.wakeup();
        if (started) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            tailConsumer.close(Duration.ofSeconds(1));
        }
        synchronized (offsetsConsumer) {
            offsetsConsumer.close(Duration.ofSeconds(5));
        }
    }
}
