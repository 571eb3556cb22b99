package io.mailpipe.worker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What to do with a processed batch of records, per partition: commit up to the first record that did not finish
 * (its offset is the partition's new committed position) and rewind the partition to that record, so that it and
 * everything after it are read again. A record that finished after an unfinished one of its partition is read
 * again too; the request ledger knows it has an outcome and does not send it twice.
 */
record BatchPlan(Map<TopicPartition, Long> commits, Map<TopicPartition, Long> rewinds) {

    /** One record of the batch, in the order the consumer handed it out. */
    record Item(TopicPartition partition, long offset, boolean finished) {
    }

    static BatchPlan of(List<Item> items) {
        Map<TopicPartition, Long> commits = new LinkedHashMap<>();
        Map<TopicPartition, Long> rewinds = new LinkedHashMap<>();
        for (Item item : items) {
            TopicPartition tp = item.partition();
            if (rewinds.containsKey(tp)) {
                continue; // after an unfinished record: read again
            }
            if (item.finished()) {
                commits.put(tp, item.offset() + 1);
            } else {
                rewinds.put(tp, item.offset());
            }
        }
        return new BatchPlan(commits, rewinds);
    }
}
