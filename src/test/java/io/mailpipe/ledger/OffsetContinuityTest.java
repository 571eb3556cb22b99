package io.mailpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffsetContinuityTest {

    @Test
    void onlyTheNextOffsetOfTheSamePartitionFollows() {
        OffsetContinuity c = new OffsetContinuity();
        assertThat(c.follows("t", 0, 10)).as("first record of a partition").isFalse();
        assertThat(c.follows("t", 0, 11)).isTrue();
        assertThat(c.follows("t", 1, 12)).as("another partition").isFalse();
        assertThat(c.follows("t", 0, 13)).as("a gap (records processed elsewhere)").isFalse();
        assertThat(c.follows("t", 0, 13)).as("the same record again (redelivery)").isFalse();
        assertThat(c.follows("t", 0, 5)).as("back to an earlier offset").isFalse();
        assertThat(c.follows("other", 0, 6)).as("another topic").isFalse();
        assertThat(c.follows("t", 0, 6)).isTrue();
    }
}
