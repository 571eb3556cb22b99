package io.mailpipe.inbox;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.mailpipe.suppression.SoftBounceHistory;

/**
 * What the bounce pipeline already published, read back from {@code mail.bounces} and {@code mail.bounces.unparsed}:
 * the event ids (so a report read again after a restart is not published twice) and the soft bounces per address
 * (for the soft-bounce rule). In memory, about 100 bytes per event. Thread-safe.
 */
public final class BounceHistory {

    private final String bouncesTopic;
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private final SoftBounceHistory softBounces;

    /** @param softWindow how far back soft bounces are counted (null: not at all) */
    public BounceHistory(String bouncesTopic, Duration softWindow) {
        this.bouncesTopic = bouncesTopic;
        this.softBounces = new SoftBounceHistory(softWindow);
    }

    /** Applies one record of either topic. */
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        if (record.topic().equals(bouncesTopic)) {
            remember(InboxJson.readEvent(record.value()));
        } else {
            published.add(InboxJson.readUnparsed(record.value()).reportId());
        }
    }

    /** Remembers a published event. */
    public void remember(BounceEvent e) {
        if (e.eventId() != null && published.add(e.eventId()) && e.isSoftBounce()) {
            softBounces.record(e.recipient(), e.receivedAt());
        }
    }

    /** Remembers a published unparsed message. */
    public void remember(UnparsedMessage m) {
        published.add(m.reportId());
    }

    /** True when an event (or unparsed message) with this id was published. */
    public boolean published(String id) {
        return published.contains(id);
    }

    public SoftBounceHistory softBounces() {
        return softBounces;
    }

    public int size() {
        return published.size();
    }
}
