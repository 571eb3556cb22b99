package io.mailpipe.status;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.inbox.InboxJson;
import io.mailpipe.kafka.KafkaConnection;
import io.mailpipe.outcome.OutcomeJson;

/** Reads one campaign's {@link CampaignReport} from {@code mail.outcomes} and {@code mail.bounces}. */
public final class ReportReader {
    private final KafkaSettings kafka;
    private final Duration timeout;

    public ReportReader(KafkaSettings kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    /** The report over {@code [from, to)}; {@code from} null: from the oldest record kept. */
    public CampaignReport read(String campaign, Instant from, Instant to) {
        KafkaConnection connection = kafka.connection();
        TopicReads reads = new TopicReads(connection, timeout);
        CampaignReport report = new CampaignReport(campaign, from, to);
        Instant start = from == null ? Instant.EPOCH : from;
        if (!reads.since(kafka.topics().outcomes(), start, r -> {
            try {
                if (r.value() != null) {
                    report.outcome(OutcomeJson.read(r.value()));
                }
            } catch (IOException | RuntimeException e) {
                // not an outcome event: skipped
            }
        })) {
            throw new IllegalStateException("topic " + kafka.topics().outcomes() + " does not exist");
        }
        reads.since(kafka.topics().bounces(), start, r -> {
            try {
                report.bounce(InboxJson.readEvent(r.value()));
            } catch (RuntimeException e) {
                // not a bounce event: skipped
            }
        });
        return report;
    }
}
