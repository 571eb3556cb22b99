package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    private static final TopicPartition P0 = new TopicPartition("mail.requests", 0);
    private static final TopicPartition P1 = new TopicPartition("mail.requests", 1);

    private static BatchPlan.Item done(TopicPartition tp, long offset) {
        return new BatchPlan.Item(tp, offset, true);
    }

    private static BatchPlan.Item open(TopicPartition tp, long offset) {
        return new BatchPlan.Item(tp, offset, false);
    }

    @Test
    void aFinishedBatchCommitsPastItsLastRecordPerPartition() {
        BatchPlan plan = BatchPlan.of(List.of(done(P0, 10), done(P1, 3), done(P0, 11), done(P1, 4)));
        assertThat(plan.commits()).isEqualTo(Map.of(P0, 12L, P1, 5L));
        assertThat(plan.rewinds()).isEmpty();
    }

    @Test
    void commitsStopBelowTheLowestUnfinishedRecordAndThePartitionIsReadAgainFromIt() {
        BatchPlan plan = BatchPlan.of(List.of(done(P0, 10), done(P0, 11), open(P0, 12), done(P0, 13), open(P0, 14),
                done(P1, 7)));
        assertThat(plan.commits()).isEqualTo(Map.of(P0, 12L, P1, 8L));
        assertThat(plan.rewinds()).isEqualTo(Map.of(P0, 12L));
    }

    @Test
    void anUnfinishedFirstRecordCommitsNothingForItsPartition() {
        BatchPlan plan = BatchPlan.of(List.of(open(P0, 10), done(P0, 11), done(P1, 0)));
        assertThat(plan.commits()).isEqualTo(Map.of(P1, 1L));
        assertThat(plan.rewinds()).isEqualTo(Map.of(P0, 10L));
    }
}
