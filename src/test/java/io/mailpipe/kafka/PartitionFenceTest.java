package io.mailpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The fence's own rules on a mock consumer (the zombie itself, frozen with SIGSTOP, is {@code ClusterFaultsIT}).
 */
class PartitionFenceTest {

    static final TopicPartition P0 = new TopicPartition("mail.requests", 0);
    static final TopicPartition P1 = new TopicPartition("mail.requests", 1);

    static MockConsumer<byte[], byte[]> consumerOf(TopicPartition... assigned) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.of(assigned));
        return consumer;
    }

    @Test
    void aLeaseHoldsThePartitionsAssignedAtThePollAndNoOther() {
        PartitionFence fence = new PartitionFence(Duration.ofSeconds(10), Duration.ofMinutes(5));
        PartitionFence.Lease lease = fence.lease(consumerOf(P0));
        assertThat(lease.holds(P0)).isTrue();
        assertThat(lease.holds(P1)).isFalse();
        assertThat(lease.holds(P0)).as("a partition not ours does not break the lease for the others").isTrue();
    }

    @Test
    void aBatchRunningPastThePollIntervalStopsSendingAndStaysStopped() {
        // deadline: max(poll interval - session timeout, half the poll interval) = 1.5 s
        PartitionFence fence = new PartitionFence(Duration.ofSeconds(3), Duration.ofSeconds(3));
        PartitionFence.Lease lease = fence.lease(consumerOf(P0));
        assertThat(lease.holds(P0)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !lease.holds(P0));
        assertThat(lease.holds(P0)).as("broken for good").isFalse();
        assertThat(fence.lease(consumerOf(P0)).holds(P0)).as("the next poll's lease holds again").isTrue();
    }

    @Test
    void timeoutsComeFromTheConsumersProperties() {
        PartitionFence fence = PartitionFence.of(Map.of("session.timeout.ms", "3000", "max.poll.interval.ms", "3000"));
        PartitionFence.Lease lease = fence.lease(consumerOf(P0));
        await().atMost(Duration.ofSeconds(10)).until(() -> !lease.holds(P0));
    }
}
