package io.mailpipe.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.kafka.PartitionFence;
import io.mailpipe.kafka.ResumeSafeClientFactory;
import io.mailpipe.kafka.StaleRecords;
import io.mailpipe.pipeline.DeliveryService;
import io.mailpipe.pipeline.InboundRecord;
import io.mailpipe.quota.QuotaPauseException;

/**
 * Route step {@code deliverBatch}: delivers a batch of request records (camel-kafka's batching consumer) with many
 * sends in flight, and commits each partition only below its lowest unfinished record.
 * <ul>
 *   <li>Each record goes through the attempt in plain Java ({@link RecordDelivery}: prepare, send through camel-mail,
 *   hand the outcome to Kafka, the error policy) on one of {@code worker.sendThreads} threads; the batch waits for
 *   all of them. One INFO line per batch sums it up.</li>
 *   <li>A record is finished when its outcome is written (or it was dead-lettered): the error policy handled it.
 *   A record left unhandled (Kafka could not take its outcome, no account has room, the worker is stopping) is not
 *   finished: its partition is committed up to it and rewound to it, so it and the records after it are read
 *   again. Records of that partition already fetched are then skipped as stale ({@link StaleRecords}); the request
 *   ledger keeps a record that had finished from being sent twice.</li>
 *   <li>After a batch in which Kafka refused outcomes, the next batch starts with one record alone, and sends
 *   nothing more while that one cannot be recorded: no mail goes out that cannot be recorded.</li>
 * </ul>
 */
public final class DeliverBatchProcessor implements Processor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliverBatchProcessor.class);
    /** An outcome Kafka has not answered for this long means Kafka cannot take outcomes now. */
    static final java.time.Duration STALLED = java.time.Duration.ofSeconds(1);
    /** How long a record waits for Kafka to answer again before it is left unsent, to be read again. */
    static final java.time.Duration STALL_WAIT = java.time.Duration.ofSeconds(5);

    private final RecordDelivery delivery;
    private final io.mailpipe.kafka.RecordPublisher publisher;
    private final DeliveryService service;
    private final ShutdownSignal shutdown;
    private final ExecutorService senders;
    /** Kafka refused the outcomes of the previous batch (or something else left records unfinished). */
    private volatile boolean lastBatchFailed;

    DeliverBatchProcessor(RecordDelivery delivery, DeliveryService service, io.mailpipe.kafka.RecordPublisher publisher,
                          ShutdownSignal shutdown, int sendThreads) {
        this.delivery = delivery;
        this.publisher = publisher;
        this.service = service;
        this.shutdown = shutdown;
        this.senders = Executors.newFixedThreadPool(Math.max(1, sendThreads), threads());
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "mailpipe-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One record of the batch. */
    private record Record(InboundRecord record, TopicPartition partition, long offset) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange batch) {
        List<Exchange> exchanges = batch.getMessage().getBody(List.class);
        if (exchanges == null || exchanges.isEmpty()) {
            return;
        }
        Consumer<?, ?> consumer = consumerOf(exchanges.get(0));
        StaleRecords stale = ResumeSafeClientFactory.staleRecords(consumer);
        // what this batch may send: nothing more once the group may have given its partitions to another worker
        PartitionFence.Lease lease = ResumeSafeClientFactory.lease(consumer);
        List<Record> records = new ArrayList<>(exchanges.size());
        boolean moved = stale == null;
        for (Exchange e : exchanges) {
            Message m = e.getMessage();
            TopicPartition tp = new TopicPartition(m.getHeader(KafkaConstants.TOPIC, String.class),
                    m.getHeader(KafkaConstants.PARTITION, Integer.class));
            long offset = m.getHeader(KafkaConstants.OFFSET, Long.class);
            StaleRecords.Position position = stale == null ? StaleRecords.Position.MOVED : stale.check(tp, offset);
            if (position == StaleRecords.Position.STALE) {
                continue; // fetched before its partition was rewound: it comes again
            }
            moved |= position == StaleRecords.Position.MOVED;
            records.add(new Record(ExchangeRecords.inbound(e), tp, offset));
        }
        if (records.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Map<Record, RecordDelivery.Done> done;
        try {
            if (moved) {
                // the first records after an assignment or a rewind may have been processed elsewhere or before
                service.awaitLedger();
            }
            done = deliver(records, lease);
        } catch (RuntimeException e) {
            LOG.warn("Batch of {} record(s) not delivered, read again: {}", records.size(), e.toString());
            done = Map.of();
        }
        List<BatchPlan.Item> items = new ArrayList<>(records.size());
        boolean stopping = shutdown.isFired();
        boolean failed = false;
        int finishedCount = 0;
        for (Record r : records) {
            RecordDelivery.Done d = done.getOrDefault(r, RecordDelivery.Done.NOT_STARTED);
            items.add(new BatchPlan.Item(r.partition(), r.offset(), d.finished()));
            if (d.finished()) {
                finishedCount++;
            }
            Throwable error = d.error();
            // unfinished without waiting for quota or a shutdown: Kafka refused or did not answer outcomes (a record
            // left unsent for that has no error), or the infrastructure failed
            if (!d.finished() && !(error instanceof QuotaPauseException) && !(error instanceof ShutdownSignal.ShuttingDownException)
                    && !(error == null && stopping)) {
                failed = true;
            }
        }
        LOG.info("Batch of {} record(s): {} finished in {} ms", records.size(), finishedCount,
                (System.nanoTime() - started) / 1_000_000);
        lastBatchFailed = failed;
        if (failed) {
            LOG.warn("Batch of {} record(s): {} not finished (outcomes not written or not sent); their partitions are read"
                    + " again from the first of them", records.size(), items.stream().filter(i -> !i.finished()).count());
        }
        apply(consumer, BatchPlan.of(items));
        if (failed) {
            // what failed (most often Kafka refusing outcomes) may fail again at once: no busy loop
            shutdown.pause(PublishOutcomeProcessor.PAUSE_AFTER_PUBLISH_FAILURE);
        }
    }

    /** Runs every record through the attempt, as far as the lease allows; how each one ended. */
    private Map<Record, RecordDelivery.Done> deliver(List<Record> records, PartitionFence.Lease lease) {
        Map<Record, RecordDelivery.Done> done = new HashMap<>();
        int start = 0;
        if (lastBatchFailed) {
            // Kafka refused outcomes last time: one record first, and nothing more while it cannot be recorded
            Record first = records.get(0);
            RecordDelivery.Done d = deliverOne(first, lease).join();
            done.put(first, d);
            if (!d.finished()) {
                return done;
            }
            start = 1;
        }
        List<CompletableFuture<RecordDelivery.Done>> futures = new ArrayList<>(records.size() - start);
        for (int i = start; i < records.size(); i++) {
            Record r = records.get(i);
            futures.add(CompletableFuture.supplyAsync(() -> deliverOne(r, lease), senders).thenCompose(f -> f));
        }
        for (int i = start; i < records.size(); i++) {
            done.put(records.get(i), futures.get(i - start).join());
        }
        return done;
    }

    /**
     * Delivers one record on the calling (sending) thread, without waiting for Kafka's acknowledgement of its
     * outcome; the future tells how it ended.
     */
    private CompletableFuture<RecordDelivery.Done> deliverOne(Record r, PartitionFence.Lease lease) {
        if (shutdown.isFired()) {
            return CompletableFuture.completedFuture(RecordDelivery.Done.NOT_STARTED); // read again after the restart
        }
        if (lease != null && !lease.holds(r.partition())) {
            // a zombie's record: read again by its partition's owner; nothing was sent for it
            return CompletableFuture.completedFuture(RecordDelivery.Done.NOT_STARTED);
        }
        if (!outcomesAnswered()) {
            // read again once Kafka takes outcomes; nothing was sent for it
            return CompletableFuture.completedFuture(RecordDelivery.Done.NOT_STARTED);
        }
        try {
            return delivery.deliver(r.record());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new RecordDelivery.Done(false, e));
        }
    }

    /**
     * Whether Kafka answers the outcomes written so far. When the oldest unanswered one waits longer than
     * {@link #STALLED}, Kafka cannot take outcomes right now: no further mail of the batch is sent (it could not be
     * recorded); this waits up to {@link #STALL_WAIT} for Kafka to answer before giving the record up for now.
     */
    private boolean outcomesAnswered() {
        long deadline = System.nanoTime() + STALL_WAIT.toNanos();
        while (publisher.oldestUnanswered().compareTo(STALLED) > 0) {
            if (System.nanoTime() > deadline || shutdown.isFired()) {
                return false;
            }
            shutdown.pause(java.time.Duration.ofMillis(50));
        }
        return true;
    }

    private static void apply(Consumer<?, ?> consumer, BatchPlan plan) {
        if (consumer == null) {
            return;
        }
        if (!plan.commits().isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            plan.commits().forEach((tp, next) -> offsets.put(tp, new OffsetAndMetadata(next)));
            try {
                consumer.commitSync(offsets);
            } catch (KafkaException e) {
                // a rebalance moved the partitions, or the broker is away: the records are read again (by this
                // worker or another), and the request ledger keeps them from being sent twice
                LOG.warn("Could not commit {} partition(s) after a batch: {}", offsets.size(), e.toString());
            }
        }
        plan.rewinds().forEach((tp, offset) -> {
            try {
                consumer.seek(tp, offset);
            } catch (IllegalStateException e) {
                LOG.debug("Partition {} is no longer assigned; not rewinding it", tp);
            }
        });
    }

    private static Consumer<?, ?> consumerOf(Exchange exchange) {
        Object manual = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT);
        if (manual instanceof DefaultKafkaManualCommit commit && commit.getCamelExchangePayload() != null) {
            return commit.getCamelExchangePayload().consumer;
        }
        return null;
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
