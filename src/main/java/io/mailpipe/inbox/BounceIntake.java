package io.mailpipe.inbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.mailpipe.bounce.BounceParser;
import io.mailpipe.bounce.BounceRecord;
import io.mailpipe.bounce.ParseResult;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.suppression.Addresses;
import io.mailpipe.suppression.SuppressionEntry;
import io.mailpipe.suppression.SuppressionJson;
import io.mailpipe.suppression.SuppressionPolicy;
import io.mailpipe.suppression.SuppressionState;

/**
 * The bounce pipeline's decisions for one message of a bounce mailbox, free of Camel and IMAP: parse it, correlate
 * each recipient's record with the request that sent the original, decide suppressions, and name the records to
 * publish and the folder to move the message to. After Kafka acknowledged the records, {@link #published} updates
 * the in-memory views, so the next message sees them at once.
 *
 * <p>Exactly once across restarts: every event has an id derived from the report ({@code reportId#n}), and an id that
 * is already on {@code mail.bounces} (read back at start-up by {@link BounceHistory}) is not published again. The
 * message is moved only after the records are acknowledged, so a crash in between leads to the message being read
 * again, and then only the missing records are published.
 */
public final class BounceIntake {

    /** Which request sent the original message ({@link MessageIndex} in a worker). */
    @FunctionalInterface
    public interface Correlator {
        /**
         * @param quotedRequestId   the original's X-Mailpipe-Id, when quoted
         * @param originalMessageId the original's Message-ID, when quoted
         * @param verpAddresses     addresses that may carry a VERP token: those the report was delivered to, and the
         *                          original's envelope sender
         * @return the origin, or null when unknown
         */
        MessageIndex.Origin correlate(String quotedRequestId, String originalMessageId, List<String> verpAddresses);
    }

    /** What to do with one message. */
    public enum Disposition {
        /** A report: move it to the processed folder. */
        PROCESSED,
        /** No report could be read: published raw to mail.bounces.unparsed; move it to the unparsed folder. */
        UNPARSED
    }

    /**
     * The decision for one message.
     *
     * @param reportId     the report's id
     * @param disposition  which folder it goes to
     * @param records      what to publish (may be empty: everything was published before)
     * @param events       the new bounce events among the records
     * @param unparsed     the unparsed message among the records, or null
     * @param suppressions the suppression entries among the records
     * @param alreadyPublished events of this report published before (a message read again)
     */
    public record Decision(String reportId, Disposition disposition, List<ProducerRecord<byte[], byte[]>> records,
                           List<BounceEvent> events, UnparsedMessage unparsed, List<SuppressionEntry> suppressions,
                           int alreadyPublished) {
        /** One line for the log: no addresses, no content. */
        public String describe() {
            return disposition == Disposition.UNPARSED
                    ? "unparsed" + (unparsed == null ? " (published before)" : ": " + unparsed.error())
                    : events.size() + " new event(s), " + alreadyPublished + " published before, " + suppressions.size()
                    + " suppression(s)";
        }
    }

    private final String mailbox;
    private final KafkaSettings.Topics topics;
    private final BounceParser parser;
    private final Correlator index;
    private final BounceHistory history;
    private final SuppressionState suppressions;
    private final SuppressionPolicy policy;
    private final int maxRawBytes;

    /**
     * @param maxRawBytes largest raw message copied whole to mail.bounces.unparsed; larger ones are cut (truncated)
     */
    public BounceIntake(String mailbox, KafkaSettings.Topics topics, BounceParser parser, Correlator index,
                        BounceHistory history, SuppressionState suppressions, SuppressionPolicy policy, int maxRawBytes) {
        this.mailbox = mailbox;
        this.topics = topics;
        this.parser = parser;
        this.index = index;
        this.history = history;
        this.suppressions = suppressions;
        this.policy = policy;
        this.maxRawBytes = maxRawBytes;
    }

    /** The id of a report: {@code mailbox/<Message-ID>}, or {@code mailbox/sha256:...} of its bytes without one. */
    public static String reportId(String mailbox, byte[] raw) {
        String messageId = RawHeaders.messageId(raw);
        return mailbox + "/" + (messageId != null ? "<" + messageId + ">" : "sha256:" + RawHeaders.digest(raw));
    }

    /**
     * The id of a message whose bytes the server would not give: {@code mailbox/imap:<UIDVALIDITY>.<UID>}, else
     * {@code mailbox/sha256:...} of the error text (nothing better is known of it).
     */
    public static String unreadableReportId(String mailbox, String uid, String error) {
        return mailbox + "/" + (uid != null ? "imap:" + uid
                : "sha256:" + RawHeaders.digest(error.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A message of the mailbox that could not be read at all: it goes the unparsed way with the error (and no bytes),
     * so it leaves the folder and a person can look at it in the unparsed folder.
     */
    public Decision decideUnreadable(String uid, String error, Instant receivedAt) {
        return unparsed(unreadableReportId(mailbox, uid, error), new byte[0], receivedAt,
                "the message could not be read from the mailbox: " + error, List.of());
    }

    /** Decides what one message of the mailbox becomes. Never throws for bad input. */
    public Decision decide(byte[] raw, Instant receivedAt) {
        String reportId = reportId(mailbox, raw);
        ParseResult parsed;
        String error;
        try {
            parsed = parser.parse(raw);
            error = parsed.isReport() ? null : "no delivery report, complaint or auto-reply found";
        } catch (RuntimeException | StackOverflowError e) {
            parsed = null;
            error = "the parser failed: " + e.getClass().getSimpleName();
        }
        if (error != null) {
            return unparsed(reportId, raw, receivedAt, error, parsed == null ? List.of() : parsed.problems());
        }
        try {
            return processed(reportId, parsed, raw, receivedAt);
        } catch (RuntimeException e) {
            // a bug or an input nobody foresaw: keep the message (raw) and let the poller go on
            return unparsed(reportId, raw, receivedAt, "processing failed: " + e.getClass().getSimpleName(), parsed.problems());
        }
    }

    private Decision processed(String reportId, ParseResult parsed, byte[] raw, Instant receivedAt) {
        String[] ses = RawHeaders.sesTypes(raw);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<BounceEvent> events = new ArrayList<>();
        List<SuppressionEntry> entries = new ArrayList<>();
        Set<String> decided = new HashSet<>();
        int before = 0;
        List<BounceRecord> found = parsed.records();
        for (int i = 0; i < found.size(); i++) {
            BounceEvent event = event(reportId + "#" + i, reportId, found.get(i), receivedAt, ses);
            boolean seen = history.published(event.eventId());
            if (seen) {
                before++;
            } else {
                events.add(event);
                String key = event.requestId() != null ? event.requestId() : reportId;
                records.add(new ProducerRecord<>(topics.bounces(), key.getBytes(StandardCharsets.UTF_8), InboxJson.write(event)));
            }
            // decided again for events published before: their suppression may be what was not acknowledged
            suppression(event, seen, decided).ifPresent(entry -> {
                entries.add(entry);
                records.add(SuppressionJson.add(topics.suppressions(), entry));
            });
        }
        return new Decision(reportId, Disposition.PROCESSED, records, events, null, entries, before);
    }

    private Optional<SuppressionEntry> suppression(BounceEvent e, boolean seen, Set<String> decided) {
        String address = Addresses.normalise(e.recipient());
        if (address == null || suppressions.contains(address) || !decided.add(address)) {
            return Optional.empty();
        }
        int softBefore = 0;
        if (e.isSoftBounce() && policy.countsSoftBounces()) {
            Duration window = policy.settings().softBounceRule().within();
            softBefore = history.softBounces().countWithin(address, e.receivedAt(), window) - (seen ? 1 : 0);
        }
        String detail = e.reason() + (e.status() != null ? " " + e.status() : "")
                + (e.remoteMta() != null ? " from " + e.remoteMta() : e.reportingMta() != null ? " from " + e.reportingMta() : "");
        return policy.decide(kindOf(e), e.hard(), address, Math.max(0, softBefore), e.receivedAt(), "bounce:" + e.eventId(), detail);
    }

    private static io.mailpipe.bounce.Kind kindOf(BounceEvent e) {
        return io.mailpipe.bounce.Kind.valueOf(e.kind().toUpperCase(java.util.Locale.ROOT));
    }

    private BounceEvent event(String eventId, String reportId, BounceRecord r, Instant receivedAt, String[] ses) {
        List<String> verp = new java.util.ArrayList<>(r.reportRecipients() == null ? List.of() : r.reportRecipients());
        if (r.originalReturnPath() != null) {
            verp.add(r.originalReturnPath());
        }
        MessageIndex.Origin origin = index.correlate(r.requestId(), r.originalMessageId(), verp);
        return new BounceEvent(eventId, reportId, mailbox, r.kind().jsonName(), r.recipient(), r.status(), r.replyCode(),
                r.action(), r.reason() == null ? null : r.reason().jsonName(), r.hard(), r.diagnostic(), r.reportingMta(),
                r.remoteMta(), r.originalMessageId(), origin == null ? null : origin.requestId(),
                origin == null ? null : origin.account(), receivedAt, r.feedbackType(), ses[0], ses[1], r.detector());
    }

    private Decision unparsed(String reportId, byte[] raw, Instant receivedAt, String error, List<String> problems) {
        if (history.published(reportId)) {
            return new Decision(reportId, Disposition.UNPARSED, List.of(), List.of(), null, List.of(), 1);
        }
        boolean truncated = raw.length > maxRawBytes;
        byte[] kept = truncated ? Arrays.copyOf(raw, maxRawBytes) : raw;
        UnparsedMessage m = new UnparsedMessage(reportId, mailbox, receivedAt, error, problems, raw.length, truncated,
                Base64.getEncoder().encodeToString(kept));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.bouncesUnparsed(),
                reportId.getBytes(StandardCharsets.UTF_8), InboxJson.write(m));
        return new Decision(reportId, Disposition.UNPARSED, List.of(record), List.of(), m, List.of(), 0);
    }

    /** After Kafka acknowledged the decision's records: the views learn them at once. */
    public void published(Decision d) {
        d.events().forEach(history::remember);
        if (d.unparsed() != null) {
            history.remember(d.unparsed());
        }
        d.suppressions().forEach(suppressions::put);
    }
}
