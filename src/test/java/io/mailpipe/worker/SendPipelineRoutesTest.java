package io.mailpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Kafka consumers of routes/send-pipeline.yaml reconnect after a failed poll. camel-kafka's default
 * ({@code pollOnError=ERROR_HANDLER}) seeks every assigned partition to one partition's next offset, which skipped
 * the unprocessed records of the other partitions when a commit timed out during a Kafka outage (KafkaOutageIT with
 * -Dmailpipe.faults.big=true lost 23 of 3,000 requests).
 */
class SendPipelineRoutesTest {

    @Test
    void everyKafkaConsumerReconnectsAfterAFailedPollAndNeverSkipsAFailedRecord() throws Exception {
        JsonNode routes = new YAMLMapper().readTree(Path.of("routes/send-pipeline.yaml").toFile());
        List<String> kafkaRoutes = new ArrayList<>();
        for (JsonNode entry : routes) {
            JsonNode from = entry.path("route").path("from");
            if (from.path("uri").asText().startsWith("kafka:")) {
                kafkaRoutes.add(entry.path("route").path("id").asText());
                assertThat(from.path("parameters").path("pollOnError").asText()).as("pollOnError of " + entry.path("route").path("id"))
                        .isEqualTo("RECONNECT");
                JsonNode p = from.path("parameters");
                // a failed record is read again: camel-kafka seeks back to it (breakOnFirstError), or the batch
                // consumer's deliverBatch rewinds its partition to it and commits itself (no commit by camel-kafka)
                boolean batching = p.path("batching").asBoolean();
                assertThat(batching ? "deliverBatch".equals(from.path("steps").path(0).path("process")
                        .path("ref").asText()) && !p.path("autoCommitEnable").asBoolean(true)
                        : p.path("breakOnFirstError").asBoolean()).as("failed records of " + entry.path("route").path("id")
                        + " are read again").isTrue();
            }
        }
        assertThat(kafkaRoutes).containsExactly("consume-requests", "consume-retries");
    }
}
