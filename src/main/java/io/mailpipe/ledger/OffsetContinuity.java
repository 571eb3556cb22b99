package io.mailpipe.ledger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether a record directly follows the last record this worker processed on the same partition. A record
 * that does not (the first after start or after a rebalance, or a redelivery) may have been processed elsewhere,
 * so the ledger must catch up before it is handled.
 */
public final class OffsetContinuity {
    private final Map<String, Long> last = new ConcurrentHashMap<>();

    /** Records the offset and returns true when it is the previous offset of that partition plus one. */
    public boolean follows(String topic, int partition, long offset) {
        Long previous = last.put(topic + "-" + partition, offset);
        return previous != null && previous + 1 == offset;
    }
}
