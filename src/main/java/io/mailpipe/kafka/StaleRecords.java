package io.mailpipe.kafka;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells, for one Kafka consumer, which records it already handed out are stale: fetched before the consumer's
 * position in their partition was moved (a seek, a rebalance), so that the partition will deliver them again from
 * the new position. A batch processor that rewinds a partition (to read an unfinished record again) must not
 * process the records of that partition that were fetched before the rewind: they come again, in order.
 *
 * <p>After a position change of a partition, its records are stale until the first poll that returns records of
 * it; the first of those is the first fresh record. Records are handed out in poll order, so every stale record of
 * the partition comes before that one. {@link ResumeSafeClientFactory}'s consumers feed this from their
 * {@code seek}, {@code seekToBeginning}, {@code poll} and rebalance callbacks; everything runs on the consumer's
 * own thread.
 */
public final class StaleRecords {

    /** A partition whose position moved: stale until the record at {@code freshFirst} (unknown until the next poll). */
    private static final class Mark {
        volatile Long freshFirst;
    }

    private final Map<TopicPartition, Mark> marks = new ConcurrentHashMap<>();

    /** The consumer's position in these partitions moved (seek, rebalance). */
    void moved(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            marks.put(tp, new Mark());
        }
    }

    /** A poll returned these records: the first one of a moved partition is its first fresh record. */
    void polled(ConsumerRecords<?, ?> records) {
        if (records == null || records.isEmpty() || marks.isEmpty()) {
            return;
        }
        for (TopicPartition tp : records.partitions()) {
            Mark mark = marks.get(tp);
            if (mark != null && mark.freshFirst == null) {
                var list = records.records(tp);
                if (!list.isEmpty()) {
                    mark.freshFirst = list.get(0).offset();
                }
            }
        }
    }

    /** What a record handed out by the consumer is. */
    public enum Position {
        /** Fetched before its partition's position moved: it comes again; skip it. */
        STALE,
        /**
         * The first record read after its partition's position moved (assignment, rebalance, rewind): records of
         * this partition may have been processed elsewhere, or earlier here, since it was last read.
         */
        MOVED,
        /** Read in order after the records handed out before it. */
        IN_ORDER
    }

    /**
     * Tells what the record at this offset, handed out by the consumer, is. Ask in the order the records were
     * handed out: the first fresh record clears the partition's mark.
     */
    public Position check(TopicPartition tp, long offset) {
        Mark mark = marks.get(tp);
        if (mark == null) {
            return Position.IN_ORDER;
        }
        Long first = mark.freshFirst;
        if (first != null && first == offset) {
            marks.remove(tp, mark);
            return Position.MOVED;
        }
        return Position.STALE;
    }

    /** Whether the record is stale (see {@link #check}). */
    boolean isStale(TopicPartition tp, long offset) {
        return check(tp, offset) == Position.STALE;
    }
}
