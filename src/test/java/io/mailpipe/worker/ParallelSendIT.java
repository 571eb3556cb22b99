package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailpipe.account.Limits;
import io.mailpipe.config.WorkerSettings;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.RunningPipeline;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestKafka;
import io.mailpipe.testing.TestWorkers;

/**
 * A worker delivers a batch's requests with several sends in flight (worker.sendThreads, bounded per account by
 * limits.concurrency), sends each exactly once, and commits every partition up to its end once all outcomes are
 * written.
 */
class ParallelSendIT {

    ScriptedSmtpServer smtp;
    RunningPipeline pipeline;

    @AfterEach
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void sendsInParallelUpToTheAccountsConcurrencyAndCommitsEverything() throws Exception {
        smtp = new ScriptedSmtpServer().slowData(Duration.ofMillis(150));
        pipeline = RunningPipeline.start("parallel", List.of(TestWorkers.account("wide", smtp.port(),
                        "Shop <shop@wide.example>", false, new Limits(null, null, null, 6))),
                c -> c.withWorker(new WorkerSettings(null, null, null, null, 8)));
        List<String> ids = IntStream.range(0, 60).mapToObj(i -> "par-" + i).toList();
        ids.forEach(id -> pipeline.send(id, "{\"id\":\"" + id + "\",\"to\":[\"r@example.org\"],\"subject\":\"s\",\"text\":\"t\"}"));

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> !pipeline.outcomesFor(id).isEmpty()));
        for (String id : ids) {
            List<OutcomeEvent> outcomes = pipeline.outcomesFor(id);
            assertThat(outcomes).as(id).hasSize(1);
            assertThat(outcomes.get(0).status()).as(id).isEqualTo(Status.SENT);
            assertThat(smtp.acceptedFor(id)).as("copies of " + id).isEqualTo(1);
        }
        assertThat(smtp.mostOpenAtOnce()).as("sessions open at once").isBetween(3, 6);

        // every partition committed up to its end
        String group = "g-" + pipeline.topics.requests();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                long total = ends.values().stream().mapToLong(Long::longValue).sum();
                assertThat(total).isEqualTo(ids.size());
                committed.forEach((tp, o) -> assertThat(o.offset()).as(tp.toString()).isEqualTo(ends.get(tp)));
            });
        }
    }
}
