package io.mailpipe.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The set of request ids (ledger keys) that reached a terminal status, kept compact: each id as the first 128 bits
 * of its SHA-256 in an open-addressing table of longs, 32 bytes per id at most (a set of strings takes about 100
 * to 150). Two different ids collide with a probability of about n² / 2¹²⁹: never, for any number of ids a worker
 * will see, and no one can make two ids collide on purpose. Thread-safe.
 */
final class FinishedIds {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    });

    /** Pairs of longs (high, low); a pair of zeros is an empty slot. */
    private long[] table = new long[2 * 1024];
    private int size;

    /** Adds the id; false when it was there already. */
    boolean add(String id) {
        long[] h = hash(id);
        synchronized (this) {
            if (2 * (size + 1) > table.length / 2) {
                grow();
            }
            if (insert(table, h[0], h[1])) {
                size++;
                return true;
            }
            return false;
        }
    }

    boolean contains(String id) {
        long[] h = hash(id);
        synchronized (this) {
            int mask = table.length / 2 - 1;
            for (int slot = (int) (h[0] & mask); ; slot = (slot + 1) & mask) {
                long hi = table[2 * slot];
                long lo = table[2 * slot + 1];
                if (hi == 0 && lo == 0) {
                    return false;
                }
                if (hi == h[0] && lo == h[1]) {
                    return true;
                }
            }
        }
    }

    synchronized int size() {
        return size;
    }

    private static boolean insert(long[] table, long hi, long lo) {
        int mask = table.length / 2 - 1;
        for (int slot = (int) (hi & mask); ; slot = (slot + 1) & mask) {
            long h = table[2 * slot];
            long l = table[2 * slot + 1];
            if (h == 0 && l == 0) {
                table[2 * slot] = hi;
                table[2 * slot + 1] = lo;
                return true;
            }
            if (h == hi && l == lo) {
                return false;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[table.length * 2];
        for (int i = 0; i < table.length; i += 2) {
            if (table[i] != 0 || table[i + 1] != 0) {
                insert(bigger, table[i], table[i + 1]);
            }
        }
        table = bigger;
    }

    /** The first 128 bits of the id's SHA-256; never the all-zero pair that marks an empty slot. */
    static long[] hash(String id) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        byte[] d = digest.digest(id.getBytes(StandardCharsets.UTF_8));
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (d[i] & 0xff);
            lo = (lo << 8) | (d[8 + i] & 0xff);
        }
        if (hi == 0 && lo == 0) {
            lo = 1;
        }
        return new long[] {hi, lo};
    }
}
