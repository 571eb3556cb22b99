package io.mailpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FinishedIdsTest {

    @Test
    void remembersEveryIdItWasGivenAndNoOther() {
        FinishedIds ids = new FinishedIds();
        for (int i = 0; i < 100_000; i++) {
            assertThat(ids.add("req-" + i)).isTrue();
        }
        assertThat(ids.add("req-42")).as("added twice").isFalse();
        assertThat(ids.size()).isEqualTo(100_000);
        for (int i = 0; i < 100_000; i++) {
            assertThat(ids.contains("req-" + i)).isTrue();
        }
        for (int i = 100_000; i < 200_000; i++) {
            assertThat(ids.contains("req-" + i)).isFalse();
        }
        assertThat(ids.contains("")).isFalse();
        assertThat(ids.add("")).isTrue();
        assertThat(ids.contains("")).isTrue();
    }

    @Test
    void idsThatDifferOnlyInCaseOrUnicodeFormAreDifferent() {
        FinishedIds ids = new FinishedIds();
        ids.add("Order-1");
        ids.add("zaka\u017a");
        assertThat(ids.contains("order-1")).isFalse();
        assertThat(ids.contains("zakaz\u030c")).isFalse();
        assertThat(ids.contains("zaka\u017a")).isTrue();
    }
}
