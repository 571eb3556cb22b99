package io.mailpipe.loadtest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;

/**
 * The past a restoring worker reads: outcome events on the run's {@code mail.outcomes}, written as a worker writes them
 * ({@link OutcomeJson}, keyed by request id, so Kafka's default partitioner spreads them as it spreads real ones; no
 * compression, like the worker's producer). Each request id is random; a share of them get a DEFERRED outcome (not
 * terminal) just before their SENT one, as a request sent on its second attempt does.
 *
 * <p>The fill is not what is measured: it runs as fast as the broker takes it (acks=1, 100 ms linger, 1 MB batches),
 * which a worker never does. It grows: {@link #fillTo} adds only what is missing, so one broker serves every history
 * size of a run.
 */
final class OutcomeHistory implements AutoCloseable {
    private static final String[] ACCOUNTS = {"transactional-1", "transactional-2", "bulk-eu", "bulk-us"};

    private final KafkaProducer<byte[], byte[]> producer;
    private final String outcomesTopic;
    private final String requestsTopic;
    private final double deferredShare;
    private final SplittableRandom random = new SplittableRandom(16);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long terminal;
    private long records;
    private long bytes;
    private long requestOffset;

    OutcomeHistory(String bootstrapServers, String outcomesTopic, String requestsTopic, double deferredShare) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "100");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1024 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.outcomesTopic = outcomesTopic;
        this.requestsTopic = requestsTopic;
        this.deferredShare = deferredShare;
    }

    /** Terminal outcomes written so far. */
    long terminal() {
        return terminal;
    }

    /** Records written so far (terminal and DEFERRED). */
    long records() {
        return records;
    }

    /** Bytes of record values written so far. */
    long bytes() {
        return bytes;
    }

    /** Writes terminal outcomes (each maybe after a DEFERRED one) until there are {@code target}; returns once all are acknowledged. */
    void fillTo(long target) {
        Instant now = Instant.now();
        while (terminal < target) {
            String id = requestId();
            int attempt = 1;
            if (random.nextDouble() < deferredShare) {
                send(id, Status.DEFERRED, event(id, Status.DEFERRED, attempt++, now));
            }
            send(id, Status.SENT, event(id, Status.SENT, attempt, now));
            terminal++;
            if (failure.get() != null) {
                break;
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("writing the outcome history to " + outcomesTopic + " failed: " + failure.get(), failure.get());
        }
    }

    /** As a worker writes it: keyed by the request id, with the {@code mailpipe.status} header (issue 16). */
    private void send(String id, Status status, byte[] value) {
        records++;
        bytes += value.length;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(outcomesTopic, id.getBytes(StandardCharsets.UTF_8), value);
        record.headers().add(io.mailpipe.kafka.MailpipeHeaders.STATUS, status.name().getBytes(StandardCharsets.US_ASCII));
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    private String requestId() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** One outcome event as a worker writes it for a request sent through an account (DEFERRED: a 451 before). */
    byte[] event(String id, Status status, int attempt, Instant now) {
        String account = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
        String messageId = "<" + Long.toString(random.nextLong() & Long.MAX_VALUE, 32) + ".mailpipe@mail.example.com>";
        String campaign = "newsletter-2026-" + (1 + random.nextInt(52));
        OutcomeEvent.Source source = new OutcomeEvent.Source(requestsTopic, random.nextInt(8), requestOffset++);
        Instant at = now.minusMillis(random.nextInt(30 * 24 * 3600) * 1000L);
        OutcomeEvent event = status == Status.DEFERRED
                ? new OutcomeEvent(id, status, ReasonCode.TEMPORARY_FAILURE.code(),
                        "451 4.7.1 Try again later: greylisted", account, attempt,
                        new OutcomeEvent.Smtp(451, "4.7.1", "Try again later: greylisted"), messageId, campaign, null,
                        at.plusSeconds(300), source, at)
                : new OutcomeEvent(id, status, ReasonCode.ACCEPTED.code(),
                        "250 2.0.0 Ok: queued as " + Long.toString(random.nextLong() & Long.MAX_VALUE, 36), account, attempt,
                        new OutcomeEvent.Smtp(250, "2.0.0", "Ok: queued as " + Long.toString(random.nextLong() & Long.MAX_VALUE, 36)),
                        messageId, campaign, null, null, source, at);
        return OutcomeJson.write(event);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
