package io.mailpipe.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one Kafka producer of a worker (outcomes, dead letters, retries): idempotent, acks=all. {@link #publish}
 * returns only once every record is acknowledged, so a caller can commit the input offset after it.
 */
public final class RecordPublisher implements AutoCloseable {

    /** Kafka could not take the records; nothing may be committed and the input must be processed again. */
    public static final class PublishFailedException extends RuntimeException {
        public PublishFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration timeout;

    /**
     * @param maxRecordBytes largest record to write (a request of {@code worker.maxRequestBytes} copied to the retry
     *                       or dead-letter topic, with headers)
     */
    public RecordPublisher(String bootstrapServers, Duration timeout, long maxRecordBytes) {
        this(KafkaConnection.of(bootstrapServers), timeout, maxRecordBytes);
    }

    /** As {@link #RecordPublisher(String, Duration, long)}, with the configured client settings ({@code kafka.properties}). */
    public RecordPublisher(KafkaConnection connection, Duration timeout, long maxRecordBytes) {
        Properties props = connection.asProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // a few milliseconds let one produce request carry the outcomes of many sends (outcomes are handed over without
        // waiting, one per message); with 0 the network thread sent nearly one request per outcome under load
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout.toMillis(), 15_000)));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "mailpipe-publisher");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Math.min(Integer.MAX_VALUE, maxRecordBytes)));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.max(32L * 1024 * 1024, 2 * maxRecordBytes)));
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.timeout = timeout;
    }

    /**
     * Sends all records without waiting: the future completes when Kafka acknowledged every one, or exceptionally
     * with a {@link PublishFailedException}. The records are handed to the producer in order, so a caller that
     * publishes one request's records per call keeps their order.
     */
    public CompletableFuture<Void> publishAsync(List<ProducerRecord<byte[], byte[]>> records) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        long seq = sequence.incrementAndGet();
        unanswered.put(seq, System.nanoTime());
        all.whenComplete((ok, error) -> unanswered.remove(seq));
        AtomicInteger left = new AtomicInteger(records.size());
        if (records.isEmpty()) {
            all.complete(null);
            return all;
        }
        try {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        all.completeExceptionally(new PublishFailedException("Kafka did not acknowledge a record for "
                                + record.topic() + ": " + error, error));
                    } else if (left.decrementAndGet() == 0) {
                        all.complete(null);
                    }
                });
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            all.completeExceptionally(new PublishFailedException("Kafka did not take " + records.size() + " record(s): " + e, e));
        }
        return all;
    }

    private final AtomicLong sequence = new AtomicLong();
    /** Publications Kafka has not answered yet, by sequence: when each was handed to the producer (nanoTime). */
    private final ConcurrentSkipListMap<Long, Long> unanswered = new ConcurrentSkipListMap<>();

    /**
     * How long the oldest publication Kafka has not answered yet has been waiting, or zero: a broker that takes
     * records answers within milliseconds, so seconds mean that outcomes cannot be written right now (the producer
     * itself gives up only after its delivery timeout).
     */
    public Duration oldestUnanswered() {
        var first = unanswered.firstEntry();
        return first == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - first.getValue()));
    }

    /** Sends all records and waits for every acknowledgement. */
    public void publish(List<ProducerRecord<byte[], byte[]>> records) {
        await(publishAsync(records));
    }

    /**
     * Waits for a {@link #publishAsync}: returns once Kafka acknowledged all its records.
     *
     * @throws PublishFailedException when Kafka refused a record or did not answer in time
     */
    public void await(CompletableFuture<Void> written) {
        try {
            written.get(timeout.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("Interrupted while publishing to Kafka", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PublishFailedException failed ? failed
                    : new PublishFailedException("Kafka did not acknowledge the records: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailedException("Kafka did not acknowledge the records in time", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
