package io.mailpipe.kafka;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-kafka's client factory, with one fix for pausing a route and one aid for batch processing. When a suspended camel-kafka consumer resumes, it
 * seeks each partition back to its committed offset, so that records it had fetched but not processed are read
 * again; but a partition of which nothing was ever committed is left where the fetch ended, and those records would
 * be skipped. This factory's consumers seek such a partition back to its beginning first, which is what the
 * consumer's {@code auto.offset.reset=earliest} would have done: nothing was processed from it yet.
 *
 * <p>Its consumers also keep {@link StaleRecords} (see {@link #staleRecords}): which records they handed out were
 * fetched before a seek or a rebalance moved their partition's position, so that a batch processor that rewinds a
 * partition does not process the records it will read again; and a {@link PartitionFence} (see {@link #lease}),
 * so that a worker that may have lost its partitions while delivering a batch sends no more of it.
 */
public final class ResumeSafeClientFactory extends DefaultKafkaClientFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeSafeClientFactory.class);

    /**
     * Told which partitions each consumer made by this factory holds: the delivery ledger restores the state of the
     * partitions a worker consumes ({@code ledger.OutcomeState}). Called on the consumer's thread, during its poll.
     */
    public interface PartitionOwnership {
        /** The consumer {@code holder} was given these partitions. */
        void assigned(Object holder, Collection<TopicPartition> partitions);

        /** The consumer {@code holder} gave these partitions up (revoked, lost, or closed). */
        void released(Object holder, Collection<TopicPartition> partitions);

        PartitionOwnership NONE = new PartitionOwnership() {
            @Override
            public void assigned(Object holder, Collection<TopicPartition> partitions) {
            }

            @Override
            public void released(Object holder, Collection<TopicPartition> partitions) {
            }
        };
    }

    private final Map<String, String> clientSettings;
    private final PartitionOwnership ownership;
    private final String workerId;

    /** A factory adding no client settings. */
    public ResumeSafeClientFactory() {
        this(Map.of());
    }

    public ResumeSafeClientFactory(Map<String, String> clientSettings) {
        this(clientSettings, PartitionOwnership.NONE, null);
    }

    /**
     * @param clientSettings {@code kafka.properties} (security.protocol, sasl.*, ssl.*): added to the properties
     *                       camel-kafka builds for every consumer and producer, winning over camel-kafka's own defaults
     *                       (its {@code securityProtocol=PLAINTEXT}); kept out of Camel's configuration, so never logged
     * @param ownership      told which partitions each consumer holds (assigned, revoked, lost, closed)
     * @param workerId       this worker's id: its consumers use {@link WorkerAlignedAssignor} with it, so that its
     *                       requests and retry consumers get the same partition numbers (unless
     *                       {@code kafka.properties} names another {@code partition.assignment.strategy}); null: the
     *                       assignor camel-kafka configures
     */
    public ResumeSafeClientFactory(Map<String, String> clientSettings, PartitionOwnership ownership, String workerId) {
        this.clientSettings = Map.copyOf(clientSettings);
        this.ownership = ownership;
        this.workerId = workerId;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public org.apache.kafka.clients.producer.Producer getProducer(Properties kafkaProps) {
        kafkaProps.putAll(clientSettings);
        return super.getProducer(kafkaProps);
    }

    /** Implemented by this factory's consumers. */
    public interface Tracked {
        StaleRecords staleRecords();

        PartitionFence partitionFence();
    }

    /**
     * A {@link PartitionFence.Lease} for the batch a consumer made by this factory has just returned, or null for
     * another consumer. Call on the consumer's thread.
     */
    public static PartitionFence.Lease lease(Object consumer) {
        return consumer instanceof Tracked t ? t.partitionFence().lease((Consumer<?, ?>) consumer) : null;
    }

    /** The stale-record tracking of a consumer made by this factory, or null for another consumer. */
    public static StaleRecords staleRecords(Object consumer) {
        return consumer instanceof Tracked t ? t.staleRecords() : null;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Consumer getConsumer(Properties kafkaProps) {
        if (workerId != null && !clientSettings.containsKey(org.apache.kafka.clients.consumer.ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
            // Kafka's range assignor second: a group whose members do not all offer the first (workers of an earlier
            // version, during a rolling upgrade) agrees on range instead of refusing the newcomers
            kafkaProps.put(org.apache.kafka.clients.consumer.ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    WorkerAlignedAssignor.class.getName() + "," + org.apache.kafka.clients.consumer.RangeAssignor.class.getName());
            kafkaProps.put(WorkerAlignedAssignor.WORKER_CONFIG, workerId);
        }
        kafkaProps.putAll(clientSettings);
        Consumer delegate = super.getConsumer(kafkaProps);
        StaleRecords stale = new StaleRecords();
        PartitionFence fence = PartitionFence.of(kafkaProps);
        java.util.concurrent.atomic.AtomicReference<Collection<TopicPartition>> held =
                new java.util.concurrent.atomic.AtomicReference<>(List.of());
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            int arity = args == null ? 0 : args.length;
            if (name.equals("staleRecords") && arity == 0) {
                return stale;
            }
            if (name.equals("partitionFence") && arity == 0) {
                return fence;
            }
            if (name.equals("close")) {
                fence.close();
                ownership.released(proxy, held.get());
                held.set(List.of());
            }
            if (name.equals("resume") && arity == 1 && args[0] instanceof Collection<?> c) {
                // through the proxy, so that the seek is tracked too
                seekUncommittedToBeginning((Consumer) proxy, (Collection<TopicPartition>) c);
            } else if (name.equals("seek") && arity == 2 && args[0] instanceof TopicPartition tp) {
                stale.moved(List.of(tp));
            } else if ((name.equals("seekToBeginning") || name.equals("seekToEnd")) && arity == 1
                    && args[0] instanceof Collection<?> c) {
                stale.moved((Collection<TopicPartition>) c);
            } else if (name.equals("subscribe") && arity == 2 && args[1] instanceof ConsumerRebalanceListener l) {
                args = new Object[] {args[0], tracking(l, stale, (Consumer) proxy, held)};
            }
            Object result = invoke(delegate, method, args);
            if (name.equals("poll") && result instanceof ConsumerRecords<?, ?> records) {
                stale.polled(records);
            }
            return result;
        };
        return (Consumer) Proxy.newProxyInstance(Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class, Tracked.class},
                handler);
    }

    /** A rebalance moves the positions of the partitions it revokes and assigns. */
    private ConsumerRebalanceListener tracking(ConsumerRebalanceListener listener, StaleRecords stale,
                                               Consumer<?, ?> consumer,
                                               java.util.concurrent.atomic.AtomicReference<Collection<TopicPartition>> held) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                stale.moved(partitions);
                listener.onPartitionsRevoked(partitions);
                release(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                stale.moved(partitions);
                held.set(new HashSet<>(consumer.assignment()));
                ownership.assigned(consumer, partitions);
                listener.onPartitionsAssigned(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                stale.moved(partitions);
                listener.onPartitionsLost(partitions);
                release(partitions);
            }

            private void release(Collection<TopicPartition> partitions) {
                var now = new HashSet<>(held.get());
                now.removeAll(partitions);
                held.set(now);
                ownership.released(consumer, partitions);
            }
        };
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static void seekUncommittedToBeginning(Consumer consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> never = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (committed == null || committed.get(tp) == null) {
                never.add(tp);
            }
        }
        if (!never.isEmpty()) {
            LOG.debug("Resuming {} with nothing committed: reading them from the beginning", never);
            consumer.seekToBeginning(never);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
