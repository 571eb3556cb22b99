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
        byte[] a = PartitionStore.key("a");
        byte[] b = PartitionStore.key("b" + "x".repeat(PartitionStore.MAX_RAW)); // stored as a digest
        try (PartitionStore store = PartitionStore.open(dir, 3600, resources)) {
            assertThat(store.checkpoint()).as("a new store has no checkpoint").isEqualTo(-1);
            store.apply(List.of(a), 17);
            store.restored(); // compactions start
            store.restored();
            store.add(b);
            assertThat(store.contains(a)).isTrue();
            assertThat(store.contains(b)).isTrue();
            assertThat(store.contains(PartitionStore.key("c"))).isFalse();
            assertThat(store.contains(PartitionStore.key("b"))).isFalse();
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
        store.apply(List.of(PartitionStore.key("x")), 5);
        store.destroy();
        try (PartitionStore fresh = PartitionStore.open(dir.resolve("p"), 3600, resources)) {
            assertThat(fresh.checkpoint()).isEqualTo(-1);
            assertThat(fresh.contains(PartitionStore.key("x"))).isFalse();
        }
    }

    @Test
    void anOutcomeRecordFinishesTheKeyTheClaimAsksAbout() {
        String longId = "id-" + "é".repeat(150);
        for (String id : List.of("req-1", "a-\u00fc-\u4e2d", longId)) {
            for (String replay : java.util.Arrays.asList(null, "dlq-3-17")) {
                for (boolean header : new boolean[] {true, false}) {
                    var record = new org.apache.kafka.clients.consumer.ConsumerRecord<>("o", 0, 0L,
                            id.getBytes(StandardCharsets.UTF_8), "{\"id\":\"x\",\"status\":\"SENT\"}".getBytes(StandardCharsets.UTF_8));
                    if (header) {
                        record.headers().add(io.mailpipe.kafka.MailpipeHeaders.STATUS, "SENT".getBytes(StandardCharsets.US_ASCII));
                    }
                    if (replay != null) {
                        record.headers().add(io.mailpipe.kafka.MailpipeHeaders.REPLAY, replay.getBytes(StandardCharsets.UTF_8));
                    }
                    assertThat(OutcomeState.finishedKey(record))
                            .isEqualTo(PartitionStore.key(RequestLedger.lineage(id, replay)));
                }
            }
        }
    }

    @Test
    void theStatusHeaderDecidesWhetherAnOutcomeFinishesAndTheJsonWhenThereIsNone() {
        var deferred = new org.apache.kafka.clients.consumer.ConsumerRecord<>("o", 0, 0L, "r".getBytes(StandardCharsets.UTF_8),
                "{\"id\":\"r\",\"status\":\"DEFERRED\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(OutcomeState.finishedKey(deferred)).isNull();
        deferred.headers().add(io.mailpipe.kafka.MailpipeHeaders.STATUS, "DEFERRED".getBytes(StandardCharsets.US_ASCII));
        assertThat(OutcomeState.finishedKey(deferred)).isNull();
        var unreadable = new org.apache.kafka.clients.consumer.ConsumerRecord<>("o", 0, 0L, "r".getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8));
        assertThat(OutcomeState.finishedKey(unreadable)).isNull();
        unreadable.headers().add(io.mailpipe.kafka.MailpipeHeaders.STATUS, "FAILED".getBytes(StandardCharsets.US_ASCII));
        assertThat(OutcomeState.finishedKey(unreadable)).as("the header alone is enough").isNotNull();
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
