package io.mailpipe.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Stream;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TtlDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The finished request ids of one partition of {@code mail.outcomes}, on local disk (RocksDB), with the offset up to
 * which that partition has been applied, so that a worker given the partition again (after a restart with its disk,
 * or a rebalance that brings it back) reads only what was written since.
 *
 * <p>Keys are the ledger keys' own UTF-8 bytes behind a tag byte ({@link #key}: no hashing on the restore path, which
 * reads millions of them), or for a key longer than {@value #MAX_RAW} bytes its SHA-256 (128 bits, {@link
 * FinishedIds#hash}) behind another tag; the checkpoint is stored under a third tag
 * in the same write batch as the ids it covers, so the two never disagree, also after a crash (the write-ahead log is
 * off: what was not flushed is lost as a whole, ids and checkpoint together, and read again from Kafka). Entries expire
 * after the retention ({@link TtlDB}: removed at compaction, never earlier). Memory is RocksDB's, off the Java heap,
 * bounded by the block cache and write buffers shared by all of a worker's partitions ({@link Resources}).
 */
final class PartitionStore implements AutoCloseable {

    private static final byte[] CHECKPOINT = {0, 'c', 'h', 'e', 'c', 'k', 'p', 'o', 'i', 'n', 't'};
    private static final byte RAW = 1;
    private static final byte DIGEST = 2;
    /** Ledger keys up to this many UTF-8 bytes are stored as they are (request ids are UUIDs or similar). */
    static final int MAX_RAW = 200;
    private static final byte[] PRESENT = new byte[0];

    static {
        RocksDB.loadLibrary();
    }

    /** Block cache and write-buffer budget shared by every store of a worker. */
    static final class Resources implements AutoCloseable {
        private final Cache cache;
        private final WriteBufferManager buffers;

        Resources(long cacheBytes, long writeBufferBytes) {
            RocksDB.loadLibrary(); // a nested class: PartitionStore's own initializer may not have run yet
            this.cache = new org.rocksdb.LRUCache(cacheBytes);
            this.buffers = new WriteBufferManager(writeBufferBytes, cache);
        }

        @Override
        public void close() {
            buffers.close();
            cache.close();
        }
    }

    private final Path dir;
    private final Options options;
    private final TtlDB db;
    private final WriteOptions writes = new WriteOptions().setDisableWAL(true);

    private PartitionStore(Path dir, Options options, TtlDB db) {
        this.dir = dir;
        this.options = options;
        this.db = db;
    }

    /** Opens (or creates) the store in {@code dir}; ids older than {@code retentionSeconds} may be forgotten. */
    static PartitionStore open(Path dir, int retentionSeconds, Resources resources) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the ledger store folder " + dir, e);
        }
        BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(resources.cache)
                .setFilterPolicy(new BloomFilter(10, false)).setCacheIndexAndFilterBlocks(true);
        // opened for a restore: no compaction until it is done (restored()), so that the restore's writes do not
        // share the CPU with rewriting them (it took a third of a 10M restore's CPU); the L0 triggers are raised so
        // that the flushed files of a long restore never stall the writes meanwhile
        Options options = new Options().setCreateIfMissing(true).setWriteBufferManager(resources.buffers)
                .setWriteBufferSize(8L * 1024 * 1024).setMaxWriteBufferNumber(2).setMaxBackgroundJobs(1)
                .setKeepLogFileNum(2).setMaxLogFileSize(1024 * 1024).setTableFormatConfig(table)
                .setDisableAutoCompactions(true).setLevel0SlowdownWritesTrigger(1000).setLevel0StopWritesTrigger(2000);
        try {
            return new PartitionStore(dir, options, TtlDB.open(options, dir.toString(), retentionSeconds, false));
        } catch (RocksDBException e) {
            options.close();
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (why.contains("lock")) {
                throw new IllegalStateException("The ledger store " + dir + " is in use by another mailpipe process "
                        + "(worker.stateDir must be a folder of this worker alone): " + why, e);
            }
            throw new IllegalStateException("Cannot open the ledger store " + dir + ": " + why, e);
        }
    }

    /**
     * The restore is done: compactions start (in the background), bringing the L0 files of the restore into levels and
     * dropping expired ids. Calling it again does nothing.
     */
    void restored() {
        if (compacting) {
            return;
        }
        compacting = true;
        try {
            db.setOptions(org.rocksdb.MutableColumnFamilyOptions.builder().setDisableAutoCompactions(false)
                    .setLevel0SlowdownWritesTrigger(20).setLevel0StopWritesTrigger(36).build());
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot start the compactions of " + dir + ": " + e.getMessage(), e);
        }
    }

    private volatile boolean compacting;

    /** The next offset to read from the partition: where the last applied batch ended, or -1 for none. */
    long checkpoint() {
        try {
            byte[] v = db.get(CHECKPOINT);
            return v == null || v.length != Long.BYTES ? -1 : ByteBuffer.wrap(v).getLong();
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the checkpoint of " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The store key of a ledger key given as UTF-8 bytes (a request id, plus {@code \0replay:<key>} for a replay). */
    static byte[] key(byte[] lineageUtf8) {
        if (lineageUtf8.length <= MAX_RAW) {
            byte[] k = new byte[lineageUtf8.length + 1];
            k[0] = RAW;
            System.arraycopy(lineageUtf8, 0, k, 1, lineageUtf8.length);
            return k;
        }
        long[] d = FinishedIds.hash(new String(lineageUtf8, java.nio.charset.StandardCharsets.UTF_8));
        return ByteBuffer.allocate(17).put(DIGEST).putLong(d[0]).putLong(d[1]).array();
    }

    /** The store key of a ledger key. */
    static byte[] key(String lineage) {
        return key(lineage.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Whether the id (a store {@link #key}) is known finished. */
    boolean contains(byte[] key) {
        try {
            return db.get(key) != null;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the ledger store " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Adds one id now (an outcome this worker just had acknowledged), ahead of reading it back. */
    void add(byte[] key) {
        try {
            db.put(writes, key, PRESENT);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write the ledger store " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Adds ids read from the partition, and records that everything before {@code nextOffset} is applied. */
    void apply(Collection<byte[]> keys, long nextOffset) {
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[] k : keys) {
                batch.put(k, PRESENT);
            }
            batch.put(CHECKPOINT, ByteBuffer.allocate(Long.BYTES).putLong(nextOffset).array());
            db.write(writes, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write the ledger store " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Approximate number of ids kept (RocksDB's estimate). */
    long estimatedSize() {
        try {
            return db.getLongProperty("rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** Writes what is in memory to disk and closes; the store can be opened again where it left off. */
    @Override
    public void close() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        } catch (RocksDBException e) {
            // not flushed: the unflushed tail (ids and checkpoint together) is read again from Kafka next time
        } finally {
            db.close();
            writes.close();
            options.close();
        }
    }

    /** Closes the store and removes its folder (the partition will be restored from the beginning). */
    void destroy() {
        close();
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + dir, e);
        }
    }
}
