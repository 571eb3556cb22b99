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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-kafka's client factory, with one fix for pausing a route. When a suspended camel-kafka consumer resumes, it
 * seeks each partition back to its committed offset, so that records it had fetched but not processed are read
 * again; but a partition of which nothing was ever committed is left where the fetch ended, and those records would
 * be skipped. This factory's consumers seek such a partition back to its beginning first, which is what the
 * consumer's {@code auto.offset.reset=earliest} would have done: nothing was processed from it yet.
 */
public final class ResumeSafeClientFactory extends DefaultKafkaClientFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeSafeClientFactory.class);

    private final Map<String, String> clientSettings;

    /** A factory adding no client settings. */
    public ResumeSafeClientFactory() {
        this(Map.of());
    }

    /**
     * @param clientSettings {@code kafka.properties} (security.protocol, sasl.*, ssl.*): added to the properties
     *                       camel-kafka builds for every consumer and producer, winning over camel-kafka's own defaults
     *                       (its {@code securityProtocol=PLAINTEXT}); kept out of Camel's configuration, so never logged
     */
    public ResumeSafeClientFactory(Map<String, String> clientSettings) {
        this.clientSettings = Map.copyOf(clientSettings);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public org.apache.kafka.clients.producer.Producer getProducer(Properties kafkaProps) {
        kafkaProps.putAll(clientSettings);
        return super.getProducer(kafkaProps);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Consumer getConsumer(Properties kafkaProps) {
        kafkaProps.putAll(clientSettings);
        Consumer delegate = super.getConsumer(kafkaProps);
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("resume") && args != null && args.length == 1 && args[0] instanceof Collection<?> c) {
                seekUncommittedToBeginning(delegate, (Collection<TopicPartition>) c);
            }
            return invoke(delegate, method, args);
        };
        return (Consumer) Proxy.newProxyInstance(Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class}, handler);
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
