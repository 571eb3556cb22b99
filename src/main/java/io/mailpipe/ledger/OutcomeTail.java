package io.mailpipe.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.kafka.TopicFollower;
import io.mailpipe.outcome.OutcomeJson;

/**
 * Feeds a {@link RequestLedger} from {@code mail.outcomes}: reads every partition from the beginning (no consumer
 * group, a {@link TopicFollower}) and keeps reading while the worker runs, so it also learns what other workers
 * finished. A worker starts consuming requests only after the tail has read the topic to its end ({@link #start}),
 * and waits for it to catch up again before a record that does not directly follow the last one it processed on its
 * partition.
 */
public final class OutcomeTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeTail.class);

    private final String topic;
    private final RequestLedger ledger;
    private final TopicFollower follower;

    public OutcomeTail(String bootstrapServers, String outcomesTopic) {
        this(bootstrapServers, outcomesTopic, null);
    }

    /**
     * @param alsoTo another view built from the same records (the bounce pipeline's message index), so that the
     *               topic is read once; null for none
     */
    public OutcomeTail(String bootstrapServers, String outcomesTopic, Consumer<ConsumerRecord<byte[], byte[]>> alsoTo) {
        this(io.mailpipe.kafka.KafkaConnection.of(bootstrapServers), outcomesTopic, alsoTo);
    }

    /** As the other constructor, with the configured Kafka client settings. */
    public OutcomeTail(io.mailpipe.kafka.KafkaConnection connection, String outcomesTopic, Consumer<ConsumerRecord<byte[], byte[]>> alsoTo) {
        this.topic = outcomesTopic;
        this.ledger = new RequestLedger(this::awaitCaughtUp);
        this.follower = new TopicFollower("ledger", connection, List.of(outcomesTopic), alsoTo == null ? this::apply
                : record -> {
                    apply(record);
                    alsoTo.accept(record);
                }, java.time.Duration.ofSeconds(30), true);
    }

    /** The ledger this tail feeds. */
    public RequestLedger ledger() {
        return ledger;
    }

    /** Starts tailing and returns once everything already on the topic has been read. */
    public OutcomeTail start(Duration timeout) {
        try {
            follower.start(timeout);
        } catch (TopicFollower.NotCaughtUpException e) {
            throw new RequestLedger.LedgerUnavailableException("The delivery ledger could not read " + topic + ": "
                    + e.getMessage(), e);
        }
        LOG.info("Delivery ledger read {}: {} request ids already finished", topic, ledger.size());
        return this;
    }

    /** Waits until every outcome written before this call has been read. */
    public void awaitCaughtUp(Duration timeout) {
        try {
            follower.awaitCaughtUp(timeout);
        } catch (TopicFollower.NotCaughtUpException e) {
            throw new RequestLedger.LedgerUnavailableException("The delivery ledger is behind on " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        try {
            io.mailpipe.outcome.Status status = OutcomeJson.readStatus(record.value());
            if (status != null && status.isTerminal()) {
                var replay = record.headers().lastHeader(MailpipeHeaders.REPLAY);
                ledger.markFinished(RequestLedger.lineage(new String(record.key(), StandardCharsets.UTF_8),
                        replay == null || replay.value() == null ? null : new String(replay.value(), StandardCharsets.UTF_8)));
            }
        } catch (Exception e) {
            LOG.warn("Skipping an unreadable outcome at {}-{}@{}", record.topic(), record.partition(), record.offset());
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
