package io.mailpipe.inbox;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;

/**
 * Which request (and account) sent a message: Message-ID to request id, and request id to account, learnt from
 * {@code mail.outcomes} (every event with a {@code messageId}). Used to correlate a report whose original message
 * is quoted without its X-Mailpipe-Id header. In memory, about 150 bytes per sent request. Thread-safe.
 */
public final class MessageIndex implements BounceIntake.Correlator {

    /** The request that sent a message, and its account when known. */
    public record Origin(String requestId, String account) {
    }

    private final Map<String, String> requestByMessageId = new ConcurrentHashMap<>();
    private final Map<String, String> accountByRequest = new ConcurrentHashMap<>();
    private final Map<String, String> requestByVerpToken = new ConcurrentHashMap<>();
    private static final java.util.regex.Pattern VERP = java.util.regex.Pattern.compile("\\+([a-z2-7]{24})@");

    /** Applies one record of {@code mail.outcomes}. */
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            learn(OutcomeJson.read(record.value()));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable outcome", e);
        }
    }

    /** Learns from one outcome event. */
    public void learn(OutcomeEvent e) {
        if (e.id() == null) {
            return;
        }
        if (e.messageId() != null) {
            requestByMessageId.put(normalise(e.messageId()), e.id());
            requestByVerpToken.put(io.mailpipe.compose.MessageComposer.verpToken(e.id()), e.id());
        }
        if (e.account() != null && e.messageId() != null) {
            accountByRequest.put(e.id(), e.account());
        }
    }

    /**
     * The origin of a report: the request id quoted in the original's X-Mailpipe-Id header when there is one, else
     * the request whose Message-ID the report quotes, else the request whose VERP token ({@code +<token>@}) is in an
     * address the report was delivered to or in the original's envelope sender; null when none is known.
     */
    @Override
    public Origin correlate(String quotedRequestId, String originalMessageId, List<String> verpAddresses) {
        if (quotedRequestId != null && !quotedRequestId.isBlank()) {
            return new Origin(quotedRequestId, accountByRequest.get(quotedRequestId));
        }
        if (originalMessageId != null) {
            String requestId = requestByMessageId.get(normalise(originalMessageId));
            if (requestId != null) {
                return new Origin(requestId, accountByRequest.get(requestId));
            }
        }
        for (String address : verpAddresses == null ? List.<String>of() : verpAddresses) {
            java.util.regex.Matcher m = address == null ? null : VERP.matcher(address.toLowerCase(Locale.ROOT));
            if (m != null && m.find()) {
                String requestId = requestByVerpToken.get(m.group(1));
                if (requestId != null) {
                    return new Origin(requestId, accountByRequest.get(requestId));
                }
            }
        }
        return null;
    }

    public int size() {
        return requestByMessageId.size();
    }

    /** Without angle brackets, lower case. */
    static String normalise(String messageId) {
        String s = messageId.strip();
        if (s.startsWith("<")) {
            s = s.substring(1);
        }
        if (s.endsWith(">")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.strip().toLowerCase(Locale.ROOT);
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
}
