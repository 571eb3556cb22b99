package io.mailpipe.inbox;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one worker that polls the bounce mailboxes, through Kafka group membership: every worker joins the
 * group {@code <kafka.groupId>.bounce-poller} on a one-partition topic (the quota ledger), and the worker that owns
 * the partition polls. When it stops or dies, the group gives the partition to another worker after
 * {@code kafka.sessionTimeout}, which starts polling. Two workers never poll at once except around a handover, and
 * then the published-report ids keep a report from being published twice. The records of the topic are not read:
 * the consumer seeks to the end and only keeps its membership alive. The assignment is cooperative and sticky: a worker
 * joining or leaving does not move the partition away from the poller.
 */
public final class PollerLeadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollerLeadership.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Runnable elected;
    private final Runnable deposed;
    private volatile boolean running = true;
    private volatile boolean leader;

    /**
     * @param bootstrapServers Kafka brokers
     * @param topic            a topic with exactly one partition
     * @param groupId          the election's consumer group
     * @param sessionTimeout   how long the group waits for a silent worker before another takes over
     * @param elected          called (on the election thread) when this worker becomes the poller
     * @param deposed          called (on the election thread) when it stops being the poller
     */
    public PollerLeadership(String bootstrapServers, String topic, String groupId, Duration sessionTimeout, Runnable elected,
                            Runnable deposed) {
        this(io.mailpipe.kafka.KafkaConnection.of(bootstrapServers), topic, groupId, sessionTimeout, elected, deposed);
    }

    /** As the other constructor, with the configured Kafka client settings. */
    public PollerLeadership(io.mailpipe.kafka.KafkaConnection connection, String topic, String groupId, Duration sessionTimeout,
                            Runnable elected, Runnable deposed) {
        this.elected = elected;
        this.deposed = deposed;
        Properties p = connection.asProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "mailpipe-bounce-poller-election");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(sessionTimeout.toMillis()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(500, sessionTimeout.toMillis() / 3)));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // the poller keeps its partition while other workers join or leave (the default eager protocol took it away at
        // every rebalance and could hand it to the newcomer): each election makes the poller read its bounce views anew
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(() -> run(topic), "mailpipe-bounce-poller-election");
        this.thread.setDaemon(true);
    }

    public PollerLeadership start() {
        thread.start();
        return this;
    }

    /** Whether this worker polls the bounce mailboxes now. */
    public boolean isLeader() {
        return leader;
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        consumer.seekToEnd(partitions);
                        step(true);
                    }
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        step(false);
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    onPartitionsRevoked(partitions);
                }
            });
            while (running) {
                consumer.poll(Duration.ofMillis(500)); // keeps the membership; the records do not matter
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            LOG.error("The bounce poller election stopped: {}; this worker no longer polls bounce mailboxes", e.toString());
        } finally {
            step(false);
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void step(boolean lead) {
        if (lead == leader) {
            return;
        }
        leader = lead;
        try {
            if (lead) {
                LOG.info("This worker polls the bounce mailboxes now");
                elected.run();
            } else {
                LOG.info("This worker stops polling the bounce mailboxes");
                deposed.run();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not {} the bounce mailbox routes: {}", lead ? "start" : "stop", e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
