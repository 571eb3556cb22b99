package io.mailpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StaleRecordsTest {
    private static final TopicPartition P0 = new TopicPartition("mail.requests", 0);
    private static final TopicPartition P1 = new TopicPartition("mail.requests", 1);

    private static ConsumerRecords<byte[], byte[]> polled(TopicPartition tp, long... offsets) {
        List<ConsumerRecord<byte[], byte[]>> list = new java.util.ArrayList<>();
        for (long o : offsets) {
            list.add(new ConsumerRecord<>(tp.topic(), tp.partition(), o, null, new byte[0]));
        }
        return new ConsumerRecords<>(Map.of(tp, list));
    }

    @Test
    void nothingIsStaleWhilePositionsOnlyMoveForward() {
        StaleRecords stale = new StaleRecords();
        stale.polled(polled(P0, 1, 2, 3));
        assertThat(stale.isStale(P0, 1)).isFalse();
        assertThat(stale.isStale(P0, 3)).isFalse();
    }

    @Test
    void afterARewindRecordsFetchedBeforeItAreStaleUntilTheFirstOneReadAgain() {
        StaleRecords stale = new StaleRecords();
        stale.polled(polled(P0, 10, 11, 12, 13, 14));
        stale.moved(List.of(P0)); // rewound to 12 while 13 and 14 were still waiting
        assertThat(stale.isStale(P0, 13)).isTrue();
        assertThat(stale.isStale(P1, 5)).isFalse();
        stale.polled(polled(P0, 12, 13, 14, 15));
        assertThat(stale.isStale(P0, 14)).as("still one fetched before the rewind").isTrue();
        assertThat(stale.isStale(P0, 12)).as("the first record read again").isFalse();
        assertThat(stale.isStale(P0, 13)).isFalse();
        assertThat(stale.isStale(P0, 14)).isFalse();
    }

    @Test
    void aRebalanceOrSeekWithoutAPollSinceKeepsEverythingOfThePartitionStale() {
        StaleRecords stale = new StaleRecords();
        stale.moved(List.of(P1));
        assertThat(stale.isStale(P1, 0)).isTrue();
        assertThat(stale.isStale(P1, 99)).isTrue();
        stale.polled(polled(P1, 40));
        assertThat(stale.isStale(P1, 40)).isFalse();
    }
}
