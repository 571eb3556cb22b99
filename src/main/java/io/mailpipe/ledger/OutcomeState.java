package io.mailpipe.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.kafka.KafkaConnection;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.kafka.ResumeSafeClientFactory;
import io.mailpipe.kafka.TopicFollower;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.Status;

/**
 * The delivery ledger's state in a worker, partitioned like the work (issue 16): which request ids finished, for the
 * partitions of {@code mail.outcomes} that match the partitions of {@code mail.requests} and {@code mail.retry} this
 * worker consumes, each kept in a {@link PartitionStore} on local disk.
 *
 * <p><b>Co-partitioning.</b> {@code mail.outcomes} is keyed by request id, so Kafka's default partitioner puts every
 * outcome of a request in partition {@code murmur2(id) % n}. Requests keyed by their id land in the same partition
 * number of {@code mail.requests} and {@code mail.retry} when the topics have the same number of partitions (mailpipe
 * creates them so): the worker consuming requests partition {@code p} finds everything it must know in outcomes
 * partition {@code p}. A request whose id belongs to a partition this worker does not hold (an upstream keying its
 * records otherwise, or topics with different partition counts) is still checked correctly: that partition is restored
 * on demand, at the cost of restoring more than this worker's share; such partitions are released again after
 * {@value #ON_DEMAND_IDLE_MINUTES} minutes without use, and each on-demand restore is logged.
 *
 * <p><b>Restore.</b> When a consumer is given a partition ({@link ResumeSafeClientFactory.PartitionOwnership}), its
 * store is opened and this worker reads outcomes from the store's checkpoint (or the beginning) to the end offset of
 * that moment; a record is checked only once its partition is restored ({@link #isFinished} waits). Afterwards it
 * keeps following the partition, so it also learns what other workers finish. When no consumer holds the partition any
 * more, its store is closed (kept on disk when {@code worker.stateDir} is set, so a restart or a rebalance that brings
 * it back reads only the tail).
 */
public final class OutcomeState implements RequestLedger.Store, ResumeSafeClientFactory.PartitionOwnership, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeState.class);
    static final int ON_DEMAND_IDLE_MINUTES = 5;
    private static final Duration RESTORE_WAIT = Duration.ofMinutes(2);
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final String ON_DEMAND = "on-demand";

    /**
     * What {@link #progress()} reports: per partition held, whether it is restored, how far the restore is, and the
     * totals since start.
     */
    public record Progress(SortedMap<Integer, PartitionProgress> partitions, long restoredRecords, int partitionCount) {
        public boolean restoring() {
            return partitions.values().stream().anyMatch(p -> !p.restored());
        }

        public List<Integer> restoringPartitions() {
            return partitions.entrySet().stream().filter(e -> !e.getValue().restored()).map(Map.Entry::getKey).toList();
        }
    }

    /** One partition: restored or not, records read so far of the restore, records the restore has to read. */
    public record PartitionProgress(boolean restored, long read, long toRead, boolean onDemand) {
    }

    /** One partition held: its store, what is read, and who holds it. */
    private static final class Part {
        final int partition;
        final PartitionStore store;
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final long restoreFrom;
        final long restoreTo;
        final long startedNanos = System.nanoTime();
        volatile long position;
        volatile boolean restored;
        volatile boolean closed;
        boolean seeked;
        volatile long lastUsedNanos = System.nanoTime();
        long lastLogNanos = System.nanoTime();

        Part(int partition, PartitionStore store, long restoreFrom, long restoreTo) {
            this.partition = partition;
            this.store = store;
            this.restoreFrom = restoreFrom;
            this.restoreTo = restoreTo;
            this.position = restoreFrom;
            this.restored = restoreFrom >= restoreTo;
        }
    }

    private final String topic;
    private final Set<String> consumedTopics;
    private final Path stateDir;
    private final boolean temporaryDir;
    private final int retentionSeconds;
    private final PartitionStore.Resources resources;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<byte[], byte[]> offsets;
    private final int partitionCount;
    /** Partition of mail.outcomes -> who holds it (consumer + topic, or ON_DEMAND). */
    private final Map<Integer, Set<Object>> holders = new HashMap<>();
    private final Map<Integer, Part> parts = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final Thread thread;
    private volatile boolean holdersChanged;
    private volatile boolean assignedOnce;
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private volatile long restoredRecords;

    /**
     * @param connection     the brokers
     * @param outcomesTopic  {@code mail.outcomes}
     * @param consumedTopics the topics whose partitions map to this state ({@code mail.requests}, {@code mail.retry})
     * @param stateDir       where the stores live; null for a fresh temporary folder, removed on close (every start
     *                       then restores its partitions from the beginning)
     * @param retention      how long a finished id is kept at least
     */
    public OutcomeState(KafkaConnection connection, String outcomesTopic, Collection<String> consumedTopics, Path stateDir,
                        Duration retention) {
        this.topic = outcomesTopic;
        this.consumedTopics = Set.copyOf(consumedTopics);
        this.retentionSeconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, retention.toSeconds()));
        try {
            this.temporaryDir = stateDir == null;
            this.stateDir = stateDir == null ? Files.createTempDirectory("mailpipe-ledger-")
                    : Files.createDirectories(stateDir.resolve(outcomesTopic));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the ledger's state folder " + stateDir, e);
        }
        this.resources = new PartitionStore.Resources(32L * 1024 * 1024, 32L * 1024 * 1024);
        // mail.outcomes gets a record per attempt: the broker gathers up to 64 KB or 50 ms per fetch
        this.consumer = TopicFollower.viewConsumer(connection, "mailpipe-ledger-state", 64 * 1024, 5000);
        this.offsets = TopicFollower.viewConsumer(connection, "mailpipe-ledger-offsets", 1, 1);
        try {
            this.partitionCount = partitionCount(connection.bootstrapServers());
        } catch (RuntimeException e) {
            closeClients();
            throw e;
        }
        this.thread = new Thread(this::run, "mailpipe-ledger");
        this.thread.setDaemon(true);
    }

    /** Starts reading (nothing yet: partitions come with assignments or on demand). */
    public OutcomeState start() {
        for (String consumed : consumedTopics) {
            int count;
            try {
                synchronized (offsets) {
                    var infos = offsets.partitionsFor(consumed, Duration.ofSeconds(10));
                    count = infos == null ? 0 : infos.size();
                }
            } catch (RuntimeException e) {
                continue; // the consumer will say what is wrong with the topic
            }
            if (count != 0 && count != partitionCount) {
                LOG.warn("Delivery ledger: {} has {} partitions and {} has {}: the state of a worker's partitions no longer "
                        + "matches the requests it consumes, so requests are checked through partitions restored on demand "
                        + "(correct, but each worker restores more than its share). Give both the same number of partitions "
                        + "(docs/architecture.md, \"Delivery ledger state\")", consumed, count, topic, partitionCount);
            }
        }
        thread.start();
        LOG.info("Delivery ledger: {} has {} partitions; each is restored when this worker is given the matching "
                + "partition of {} (stores in {}{})", topic, partitionCount, consumedTopics, stateDir,
                temporaryDir ? ", temporary: set worker.stateDir to keep them across restarts" : "");
        return this;
    }

    /** Number of partitions of {@code mail.outcomes}. */
    public int partitionCount() {
        return partitionCount;
    }

    /** The partition of {@code mail.outcomes} that holds the outcomes of this request id (Kafka's default partitioner). */
    public static int partitionOf(String requestId, int partitions) {
        return org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                requestId.getBytes(StandardCharsets.UTF_8), partitions);
    }

    private int partitionOfLineage(String lineage) {
        int cut = lineage.indexOf('\u0000');
        return partitionOf(cut < 0 ? lineage : lineage.substring(0, cut), partitionCount);
    }

    // ---- PartitionOwnership: what the consumers of mail.requests and mail.retry hold

    @Override
    public void assigned(Object holder, Collection<TopicPartition> partitions) {
        assignedOnce = true;
        change(holder, partitions, true);
    }

    /**
     * Whether a consumer of this worker has had its partitions assigned at least once (possibly none): before that,
     * nothing says which partitions this worker will need, and it is not ready.
     */
    public boolean assignedOnce() {
        return assignedOnce;
    }

    @Override
    public void released(Object holder, Collection<TopicPartition> partitions) {
        change(holder, partitions, false);
    }

    private void change(Object holder, Collection<TopicPartition> partitions, boolean add) {
        synchronized (holders) {
            for (TopicPartition tp : partitions) {
                if (!consumedTopics.contains(tp.topic())) {
                    continue;
                }
                int p = tp.partition() % partitionCount;
                List<Object> key = List.of(holder, tp.topic(), tp.partition());
                if (add) {
                    holders.computeIfAbsent(p, k -> new HashSet<>()).add(key);
                } else {
                    Set<Object> h = holders.get(p);
                    if (h != null) {
                        h.remove(key);
                    }
                }
            }
            holdersChanged = true;
            holders.notifyAll();
        }
        consumer.wakeup();
    }

    // ---- Store

    @Override
    public boolean isFinished(String lineage) {
        byte[] key = PartitionStore.key(lineage);
        while (true) {
            Part part = awaitRestored(partitionOfLineage(lineage), RESTORE_WAIT);
            part.lock.readLock().lock();
            try {
                if (!part.closed) {
                    part.lastUsedNanos = System.nanoTime();
                    return part.store.contains(key);
                }
            } finally {
                part.lock.readLock().unlock();
            }
        }
    }

    @Override
    public void markFinished(String lineage) {
        Part part = parts.get(partitionOfLineage(lineage));
        if (part == null) {
            return; // not held here: whoever holds it reads the outcome from Kafka
        }
        part.lock.readLock().lock();
        try {
            if (!part.closed) {
                part.store.add(PartitionStore.key(lineage));
            }
        } finally {
            part.lock.readLock().unlock();
        }
    }

    @Override
    public void awaitCaughtUp(String lineage, Duration timeout) {
        int p = partitionOfLineage(lineage);
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitRestored(p, timeout);
        awaitPositions(List.of(p), deadline, timeout);
    }

    @Override
    public void awaitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Integer> held;
        synchronized (holders) {
            held = holders.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        }
        for (int p : held) {
            awaitRestored(p, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        awaitPositions(held, deadline, timeout);
    }

    @Override
    public long size() {
        long n = 0;
        for (Part part : parts.values()) {
            part.lock.readLock().lock();
            try {
                if (!part.closed) {
                    n += Math.max(0, part.store.estimatedSize());
                }
            } finally {
                part.lock.readLock().unlock();
            }
        }
        return n;
    }

    /** Partitions held and how far their restores are. */
    public Progress progress() {
        SortedMap<Integer, PartitionProgress> map = new TreeMap<>();
        Set<Integer> onDemand = new HashSet<>();
        synchronized (holders) {
            holders.forEach((p, h) -> {
                if (h.contains(ON_DEMAND) && h.size() == 1) {
                    onDemand.add(p);
                }
                if (!h.isEmpty() && !parts.containsKey(p)) {
                    map.put(p, new PartitionProgress(false, 0, -1, h.contains(ON_DEMAND) && h.size() == 1));
                }
            });
        }
        parts.forEach((p, part) -> map.put(p, new PartitionProgress(part.restored,
                Math.max(0, Math.min(part.position, part.restoreTo) - part.restoreFrom),
                Math.max(0, part.restoreTo - part.restoreFrom), onDemand.contains(p))));
        return new Progress(map, restoredRecords, partitionCount);
    }

    private Part awaitRestored(int p, Duration timeout) {
        Part part = parts.get(p);
        if (part != null && part.restored && !part.closed) {
            return part;
        }
        boolean held;
        synchronized (holders) {
            Set<Object> h = holders.get(p);
            held = h != null && !h.isEmpty();
            if (!held) {
                holders.computeIfAbsent(p, k -> new HashSet<>()).add(ON_DEMAND);
                holdersChanged = true;
                holders.notifyAll();
            }
        }
        if (!held) {
            LOG.info("Delivery ledger: restoring partition {} of {} on demand (a record whose id belongs to a partition this "
                    + "worker does not consume: requests keyed otherwise than by request id, or partition counts differ)", p, topic);
            consumer.wakeup();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (true) {
                part = parts.get(p);
                if (part != null && part.restored && !part.closed) {
                    part.lastUsedNanos = System.nanoTime();
                    return part;
                }
                throwIfStopped();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RequestLedger.LedgerUnavailableException("The delivery ledger has not restored partition " + p
                            + " of " + topic + " within " + timeout + describe(part), null);
                }
                waitOnProgress(left);
            }
        }
    }

    private static String describe(Part part) {
        return part == null ? " (not opened yet)" : " (" + Math.max(0, part.position - part.restoreFrom) + " of "
                + (part.restoreTo - part.restoreFrom) + " records read)";
    }

    private void awaitPositions(List<Integer> partitions, long deadline, Duration timeout) {
        if (partitions.isEmpty()) {
            return;
        }
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        Map<TopicPartition, Long> end;
        try {
            synchronized (offsets) {
                end = offsets.endOffsets(tps, timeout);
            }
        } catch (RuntimeException e) {
            throw new RequestLedger.LedgerUnavailableException("The delivery ledger cannot read the end of " + topic + ": " + e, e);
        }
        synchronized (progress) {
            while (true) {
                boolean reached = true;
                for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                    Part part = parts.get(e.getKey().partition());
                    // a partition released meanwhile: nothing to wait for here
                    if (part != null && !part.closed && part.position < e.getValue()) {
                        reached = false;
                        break;
                    }
                }
                if (reached) {
                    return;
                }
                throwIfStopped();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RequestLedger.LedgerUnavailableException("The delivery ledger is behind on " + topic
                            + " (did not catch up within " + timeout + ")", null);
                }
                waitOnProgress(left);
            }
        }
    }

    private void throwIfStopped() {
        RuntimeException f = failure;
        if (f != null) {
            throw new RequestLedger.LedgerUnavailableException("The delivery ledger stopped reading " + topic + ": "
                    + f.getMessage(), f);
        }
    }

    private void waitOnProgress(long nanos) {
        try {
            progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestLedger.LedgerUnavailableException("Interrupted while waiting for the delivery ledger", e);
        }
    }

    // ---- the reader thread

    private void run() {
        try {
            while (running) {
                try {
                    if (holdersChanged) {
                        reassign();
                    }
                    if (parts.isEmpty()) {
                        idle();
                        continue;
                    }
                    apply(consumer.poll(Duration.ofMillis(200)));
                    releaseIdle();
                } catch (WakeupException e) {
                    // holders changed (reassign again: it may have been cut short), or close()
                    holdersChanged = true;
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                failure = e;
                LOG.error("The delivery ledger stopped reading {}: {}", topic, e.toString());
            }
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
            for (Part part : parts.values()) {
                close(part);
            }
            parts.clear();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Nothing held: waits for a change of holders (or close) instead of polling, which would fail. */
    private void idle() {
        synchronized (holders) {
            if (!holdersChanged && running) {
                try {
                    holders.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private void reassign() {
        Set<Integer> wanted = new HashSet<>();
        synchronized (holders) {
            holdersChanged = false;
            holders.forEach((p, h) -> {
                if (!h.isEmpty()) {
                    wanted.add(p);
                }
            });
        }
        for (Part part : List.copyOf(parts.values())) {
            if (!wanted.contains(part.partition)) {
                parts.remove(part.partition);
                close(part);
                LOG.info("Delivery ledger: partition {} of {} released (no consumer of this worker holds it)", part.partition, topic);
            }
        }
        List<TopicPartition> added = new ArrayList<>();
        for (int p : wanted) {
            if (!parts.containsKey(p)) {
                added.add(new TopicPartition(topic, p));
            }
        }
        if (!added.isEmpty()) {
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(added);
            Map<TopicPartition, Long> end = consumer.endOffsets(added);
            for (TopicPartition tp : added) {
                Part part = open(tp, begin.get(tp), end.get(tp));
                parts.put(tp.partition(), part);
            }
        }
        List<TopicPartition> assignment = parts.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(assignment);
        for (Part part : parts.values()) {
            if (!part.seeked) {
                consumer.seek(new TopicPartition(topic, part.partition), part.restoreFrom);
                part.seeked = true;
            }
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private Part open(TopicPartition tp, long begin, long end) {
        Path dir = stateDir.resolve("partition-" + tp.partition());
        PartitionStore store = PartitionStore.open(dir, retentionSeconds, resources);
        long checkpoint = store.checkpoint();
        if (checkpoint > end) {
            LOG.warn("Delivery ledger: the store of partition {} is ahead of {} (checkpoint {}, end {}): the topic was "
                    + "recreated or is another cluster's; restoring from the beginning", tp.partition(), topic, checkpoint, end);
            store.destroy();
            store = PartitionStore.open(dir, retentionSeconds, resources);
            checkpoint = -1;
        }
        long from = checkpoint < 0 ? begin : Math.max(checkpoint, begin);
        Part part = new Part(tp.partition(), store, from, end);
        if (part.restored) {
            store.restored();
            LOG.info("Delivery ledger: partition {} of {} ready (store up to date at offset {})", tp.partition(), topic, from);
        } else {
            LOG.info("Delivery ledger: restoring partition {} of {} from offset {} to {} ({} records{})", tp.partition(), topic,
                    from, end, end - from, checkpoint < 0 ? ", no local store" : ", local store kept its earlier state");
        }
        return part;
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            Part part = parts.get(tp.partition());
            if (part == null) {
                continue;
            }
            List<byte[]> keys = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                byte[] key = finishedKey(record);
                if (key != null) {
                    keys.add(key);
                }
            }
            long next = consumer.position(tp);
            part.lock.readLock().lock();
            try {
                if (!part.closed) {
                    part.store.apply(keys, next);
                }
            } finally {
                part.lock.readLock().unlock();
            }
            if (!part.restored) {
                restoredRecords += records.records(tp).size();
            }
        }
        synchronized (progress) {
            for (Part part : parts.values()) {
                TopicPartition tp = new TopicPartition(topic, part.partition);
                part.position = consumer.position(tp);
                if (!part.restored) {
                    long now = System.nanoTime();
                    if (part.position >= part.restoreTo) {
                        markRestored(part);
                        double seconds = (now - part.startedNanos) / 1e9;
                        long n = part.restoreTo - part.restoreFrom;
                        LOG.info("Delivery ledger: partition {} of {} restored: {} records in {} s ({} records/s)", part.partition,
                                topic, n, String.format("%.1f", seconds), Math.round(n / Math.max(seconds, 0.001)));
                    } else if (now - part.lastLogNanos > PROGRESS_LOG_NANOS) {
                        part.lastLogNanos = now;
                        LOG.info("Delivery ledger: restoring partition {} of {}: {} of {} records", part.partition, topic,
                                part.position - part.restoreFrom, part.restoreTo - part.restoreFrom);
                    }
                }
            }
            progress.notifyAll();
        }
    }

    /**
     * The store key of the ledger key an outcome record finishes, or null (not terminal, unreadable): the status from
     * the {@code mailpipe.status} header when the record has one (written since issue 16), else from the JSON; the key
     * built from the record's key bytes (the request id) and its replay header without decoding them.
     */
    static byte[] finishedKey(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null || !terminal(record)) {
            return null;
        }
        var replay = record.headers().lastHeader(MailpipeHeaders.REPLAY);
        byte[] id = record.key();
        if (replay == null || replay.value() == null || replay.value().length == 0) {
            return PartitionStore.key(id);
        }
        byte[] suffix = REPLAY_SEPARATOR;
        byte[] lineage = new byte[id.length + suffix.length + replay.value().length];
        System.arraycopy(id, 0, lineage, 0, id.length);
        System.arraycopy(suffix, 0, lineage, id.length, suffix.length);
        System.arraycopy(replay.value(), 0, lineage, id.length + suffix.length, replay.value().length);
        return PartitionStore.key(lineage);
    }

    /** What {@link RequestLedger#lineage} puts between a request id and its replay key, in UTF-8. */
    private static final byte[] REPLAY_SEPARATOR = RequestLedger.REPLAY_SEPARATOR.getBytes(StandardCharsets.UTF_8);

    private static boolean terminal(ConsumerRecord<byte[], byte[]> record) {
        var header = record.headers().lastHeader(MailpipeHeaders.STATUS);
        if (header != null && header.value() != null) {
            try {
                return Status.valueOf(new String(header.value(), StandardCharsets.US_ASCII)).isTerminal();
            } catch (IllegalArgumentException e) {
                // an unknown status in the header: the JSON decides
            }
        }
        try {
            Status status = OutcomeJson.readStatus(record.value());
            return status != null && status.isTerminal();
        } catch (Exception e) {
            LOG.warn("Skipping an unreadable outcome at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return false;
        }
    }

    private void releaseIdle() {
        long idle = TimeUnit.MINUTES.toNanos(ON_DEMAND_IDLE_MINUTES);
        long now = System.nanoTime();
        synchronized (holders) {
            holders.forEach((p, h) -> {
                Part part = parts.get(p);
                if (h.contains(ON_DEMAND) && part != null && part.restored && now - part.lastUsedNanos > idle) {
                    h.remove(ON_DEMAND);
                    holdersChanged = true;
                }
            });
        }
    }

    private static void markRestored(Part part) {
        part.lock.readLock().lock();
        try {
            if (!part.closed) {
                part.store.restored();
            }
        } finally {
            part.lock.readLock().unlock();
        }
        part.restored = true;
    }

    private void close(Part part) {
        part.lock.writeLock().lock();
        try {
            if (!part.closed) {
                part.closed = true;
                part.store.close();
            }
        } finally {
            part.lock.writeLock().unlock();
        }
    }

    private int partitionCount(String bootstrapServers) {
        return TopicFollower.awaitPartitions(offsets, topic, bootstrapServers, Duration.ofSeconds(30)).size();
    }

    private void closeClients() {
        consumer.close(Duration.ofSeconds(1));
        offsets.close(Duration.ofSeconds(1));
        resources.close();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        synchronized (holders) {
            holders.notifyAll();
        }
        if (thread.isAlive()) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(1));
            for (Part part : parts.values()) {
                close(part);
            }
        }
        synchronized (offsets) {
            offsets.close(Duration.ofSeconds(5));
        }
        resources.close();
        if (temporaryDir) {
            PartitionStore.deleteTree(stateDir);
        }
    }
}
