package io.mailpipe.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a "zombie" worker from sending records of partitions the group may already have given to another worker.
 *
 * <p>The group moves a worker's partitions away when the coordinator stops hearing from it (no heartbeat for
 * {@code session.timeout.ms}: the process was frozen, or its network was cut) or when it did not poll for
 * {@code max.poll.interval.ms}. A consumer only learns that inside its next {@code poll()}; while it delivers a
 * batch it does not poll, so by itself it would go on sending the rest of the batch after it came back, while its
 * successor sends the same records. The fence tells, before each send, whether that can have happened since the
 * batch was polled:
 * <ul>
 *   <li>a {@link Lease} is taken on the consumer's thread right after the poll: the assigned partitions and the
 *   group generation then (no generation: nothing is ours);</li>
 *   <li>one watch thread per JVM ticks every {@link #TICK}; a tick that comes more than half a session timeout late
 *   means the whole process stood still (SIGSTOP, a frozen VM, a long GC pause): every lease taken before is broken.
 *   A send thread that runs before the watch has woken up sees the late tick itself;</li>
 *   <li>the watch also reads the consumer's counts of answers from the group coordinator ({@code heartbeat-total},
 *   {@code join-total}, {@code sync-total}); when none came for {@link #HEARTBEAT_SHARE} of the session timeout (the
 *   network to the brokers is gone), the coordinator may have dropped the member: broken;</li>
 *   <li>a lease is also broken once the batch has run for {@code max.poll.interval.ms} minus a session timeout.</li>
 * </ul>
 * A broken lease stays broken: the batch sends nothing more, its unsent records stay uncommitted, and the next poll
 * (which rejoins the group if the member was dropped) decides who has them. Only sends already under way when the
 * process froze can still go out twice: the documented window of a crash. All of this is read-only towards Kafka;
 * the consumer itself is only touched on its own thread ({@link #lease}).
 */
public final class PartitionFence {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionFence.class);
    /** How often the watch thread ticks. */
    static final Duration TICK = Duration.ofMillis(100);
    /** No heartbeat response for this share of the session timeout breaks the leases. */
    static final double HEARTBEAT_SHARE = 0.8;
    /** The watch stood still for this share of the session timeout: the process was frozen. */
    static final double FREEZE_SHARE = 0.5;
    /** The consumer metrics ({@code consumer-coordinator-metrics}) that count answers of the group coordinator. */
    private static final Set<String> ANSWER_COUNTS = Set.of("heartbeat-total", "join-total", "sync-total");

    private static final Set<PartitionFence> WATCHED = ConcurrentHashMap.newKeySet();
    private static final AtomicLong LAST_TICK = new AtomicLong(System.nanoTime());
    private static volatile Thread watch;

    private final long sessionTimeoutNanos;
    private final long maxPollIntervalNanos;
    /** Incremented whenever membership may have been lost; a lease holds only while it is unchanged. */
    private final AtomicLong breaks = new AtomicLong();
    private volatile String lastBreak = "";
    /** The consumer's counts of coordinator responses; null until the first lease. */
    private volatile List<Metric> coordinatorAnswers;
    private double lastAnswerCount = -1;
    private long lastAnswer = System.nanoTime();

    /**
     * @param sessionTimeout     the consumer's {@code session.timeout.ms}
     * @param maxPollInterval    the consumer's {@code max.poll.interval.ms}
     */
    public PartitionFence(Duration sessionTimeout, Duration maxPollInterval) {
        this.sessionTimeoutNanos = sessionTimeout.toNanos();
        this.maxPollIntervalNanos = maxPollInterval.toNanos();
    }

    /** A fence for a consumer built from these properties (Kafka's defaults where they are not set). */
    static PartitionFence of(Map<?, ?> consumerProperties) {
        return new PartitionFence(millis(consumerProperties, "session.timeout.ms", 45_000),
                millis(consumerProperties, "max.poll.interval.ms", 300_000));
    }

    private static Duration millis(Map<?, ?> props, String key, long fallback) {
        Object value = props.get(key);
        return Duration.ofMillis(value == null ? fallback : Long.parseLong(value.toString().trim()));
    }

    /** What a batch may send: taken on the consumer's thread right after the poll that returned the batch. */
    public final class Lease {
        private final Set<TopicPartition> assigned;
        private final long breaksAtStart;
        private final long deadline;
        /** Why the lease no longer holds; null while it does. */
        private volatile String broken;
        private volatile boolean logged;

        private Lease(Set<TopicPartition> assigned, long breaksAtStart, long deadline, String broken) {
            this.assigned = assigned;
            this.breaksAtStart = breaksAtStart;
            this.deadline = deadline;
            this.broken = broken;
        }

        /**
         * Whether a record of this partition may still be sent: the partition was ours when the batch was polled and
         * nothing since suggests the group can have moved it. Cheap; safe on any thread.
         */
        public boolean holds(TopicPartition partition) {
            String why = broken;
            if (why == null) {
                long now = System.nanoTime();
                if (!assigned.contains(partition)) {
                    return false; // not ours at the poll (cannot happen for records the consumer handed out)
                } else if (breaks.get() != breaksAtStart) {
                    why = lastBreak;
                } else if (now - LAST_TICK.get() > freezeNanos()) {
                    why = "the process stood still for " + (now - LAST_TICK.get()) / 1_000_000 + " ms";
                } else if (now - deadline > 0) {
                    why = "the batch ran longer than max.poll.interval.ms minus a session timeout";
                }
                if (why == null) {
                    return true;
                }
                broken = why;
            }
            if (!logged) {
                logged = true;
                LOG.warn("Fenced: not sending the rest of this batch ({}); its records stay uncommitted and are read again"
                        + " by whichever worker the group gives them to", why);
            }
            return false;
        }
    }

    /**
     * A lease for the batch the consumer has just returned. Call on the consumer's own thread, right after its poll.
     */
    public Lease lease(Consumer<?, ?> consumer) {
        watchStarted();
        if (coordinatorAnswers == null) {
            synchronized (this) {
                coordinatorAnswers = coordinatorAnswers(consumer.metrics());
                lastAnswerCount = answers();
                lastAnswer = System.nanoTime();
            }
            WATCHED.add(this);
        }
        int generation;
        try {
            generation = consumer.groupMetadata().generationId();
        } catch (RuntimeException e) {
            generation = -1; // no group (assigned by hand): nothing to fence against
        }
        long now = System.nanoTime();
        long deadline = now + Math.max(maxPollIntervalNanos - sessionTimeoutNanos, maxPollIntervalNanos / 2);
        String broken = generation < 0 && !consumer.subscription().isEmpty() ? "the consumer is not a member of its group" : null;
        synchronized (this) {
            double count = answers();
            if (count != lastAnswerCount) { // e.g. the join that this poll completed, before the watch saw it
                lastAnswerCount = count;
                lastAnswer = now;
            }
            if (!coordinatorAnswers.isEmpty() && now - lastAnswer > heartbeatNanos()) {
                broken = "the group coordinator has not answered for " + (now - lastAnswer) / 1_000_000 + " ms";
            }
        }
        return new Lease(Set.copyOf(consumer.assignment()), breaks.get(), deadline, broken);
    }

    /** Stops watching this fence (its consumer was closed). */
    void close() {
        WATCHED.remove(this);
    }

    private long freezeNanos() {
        return (long) (sessionTimeoutNanos * FREEZE_SHARE);
    }

    private long heartbeatNanos() {
        return (long) (sessionTimeoutNanos * HEARTBEAT_SHARE);
    }

    private void breakLeases(String why) {
        lastBreak = why;
        breaks.incrementAndGet();
    }

    /** One look of the watch thread at this fence. */
    private synchronized void sample(long now, long sinceLastTick) {
        if (sinceLastTick > freezeNanos()) {
            breakLeases("the process stood still for " + sinceLastTick / 1_000_000 + " ms");
        }
        if (coordinatorAnswers.isEmpty()) {
            return; // a consumer without coordinator metrics: only the freeze and the poll interval count
        }
        double count = answers();
        if (count != lastAnswerCount) {
            lastAnswerCount = count;
            lastAnswer = now;
        } else if (now - lastAnswer > heartbeatNanos()) {
            breakLeases("the group coordinator has not answered for " + (now - lastAnswer) / 1_000_000 + " ms");
        }
    }

    /** Heartbeat, join and sync responses the consumer has had from its group coordinator so far. */
    private double answers() {
        double sum = 0;
        for (Metric metric : coordinatorAnswers) {
            Object value = metric.metricValue();
            sum += value instanceof Number n ? n.doubleValue() : 0;
        }
        return sum;
    }

    private static List<Metric> coordinatorAnswers(Map<MetricName, ? extends Metric> metrics) {
        List<Metric> out = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (ANSWER_COUNTS.contains(name.name()) && name.group().endsWith("coordinator-metrics")) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    private static synchronized void watchStarted() {
        if (watch != null) {
            return;
        }
        LAST_TICK.set(System.nanoTime());
        Thread t = new Thread(PartitionFence::watchLoop, "mailpipe-partition-fence");
        t.setDaemon(true);
        t.start();
        watch = t;
    }

    private static void watchLoop() {
        while (true) {
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long since = now - LAST_TICK.get();
            for (PartitionFence fence : WATCHED) {
                fence.sample(now, since);
            }
            LAST_TICK.set(now);
        }
    }

}
