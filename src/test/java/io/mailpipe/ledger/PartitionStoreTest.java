package io.mailpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionStoreTest {

    private final PartitionStore.Resources resources = new PartitionStore.Resources(8L * 1024 * 1024, 8L * 1024 * 1024);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        resources.close();
    }

    @Test
    void idsAndCheckpointSurviveAReopen() {
        long[] a = FinishedIds.hash("a");
        long[] b = FinishedIds.hash("b");
        try (PartitionStore store = PartitionStore.open(dir, 3600, resources)) {
            assertThat(store.checkpoint()).as("a new store has no checkpoint").isEqualTo(-1);
            store.apply(List.of(a), 17);
            store.add(b);
            assertThat(store.contains(a)).isTrue();
            assertThat(store.contains(b)).isTrue();
            assertThat(store.contains(FinishedIds.hash("c"))).isFalse();
        }
        try (PartitionStore again = PartitionStore.open(dir, 3600, resources)) {
            assertThat(again.checkpoint()).isEqualTo(17);
            assertThat(again.contains(a)).isTrue();
            assertThat(again.contains(b)).isTrue();
        }
    }

    @Test
    void aStoreInUseByAnotherOpenerIsRefusedWithAClearMessage() {
        try (PartitionStore store = PartitionStore.open(dir, 3600, resources)) {
            assertThatThrownBy(() -> PartitionStore.open(dir, 3600, resources))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by another mailpipe process")
                    .hasMessageContaining("worker.stateDir");
        }
    }

    @Test
    void destroyedStoreStartsEmpty() {
        PartitionStore store = PartitionStore.open(dir.resolve("p"), 3600, resources);
        store.apply(List.of(FinishedIds.hash("x")), 5);
        store.destroy();
        try (PartitionStore fresh = PartitionStore.open(dir.resolve("p"), 3600, resources)) {
            assertThat(fresh.checkpoint()).isEqualTo(-1);
            assertThat(fresh.contains(FinishedIds.hash("x"))).isFalse();
        }
    }

    @Test
    void partitionOfIsKafkasDefaultPartitionerForTheRequestKey() {
        for (int i = 0; i < 1000; i++) {
            String id = i % 2 == 0 ? UUID.randomUUID().toString() : "req-" + i;
            for (int partitions : new int[] {1, 3, 4, 12}) {
                assertThat(OutcomeState.partitionOf(id, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
