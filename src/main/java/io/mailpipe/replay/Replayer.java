package io.mailpipe.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.mailpipe.account.Account;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.request.InvalidRequestException;
import io.mailpipe.request.MailRequest;
import io.mailpipe.request.RequestReader;

/**
 * {@code mailpipe replay}: finds failed requests (in {@code mail.dlq}, or FAILED/EXPIRED events on
 * {@code mail.outcomes}), decides which can be sent again, and re-publishes their original records to
 * {@code mail.requests} with the {@code mailpipe.replay} header. Each replay is recorded in {@code mail.replays}
 * so that the same failure is never replayed twice; the worker's ledger additionally processes each replayed
 * failure once, should a crash between publishing and recording make the tool publish it again.
 */
public final class Replayer {

    /** Where failed requests are looked for. */
    public enum Source { DLQ, OUTCOMES }

    /** What the tool does with one failed request, and why. */
    public record Decision(FailedRequest request, boolean replay, String why) {
    }

    /** Called after each replayed request. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);
    }

    /** The result of a run: how many were replayed, and skipped counts by why. */
    public record Summary(int replayed, Map<String, Integer> skipped) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MailpipeConfig config;
    private final Clock clock;
    private final io.mailpipe.kafka.KafkaConnection bootstrap;
    private final ReplayLog log;
    private final RequestReader reader;
    private final Set<String> accounts = new HashSet<>();

    public Replayer(MailpipeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.bootstrap = config.kafka().connection();
        this.log = new ReplayLog(bootstrap, config.kafka().topics().replays());
        this.reader = new RequestReader(config.worker().maxRequestBytes());
        config.accounts().stream().map(Account::name).forEach(accounts::add);
    }

    /** Looks for failed requests and decides, without writing anything. */
    public List<Decision> plan(Source source, ReplayFilter filter) {
        Map<String, History> histories = new HashMap<>();
        List<FailedRequest> found = new ArrayList<>();
        String outcomes = config.kafka().topics().outcomes();
        if (!TopicSnapshot.read(bootstrap, outcomes, r -> readOutcome(r, histories, source == Source.OUTCOMES ? found : null))) {
            throw new IllegalStateException("Topic " + outcomes + " does not exist on " + bootstrap.bootstrapServers());
        }
        if (source == Source.DLQ) {
            String dlq = config.kafka().topics().dlq();
            if (!TopicSnapshot.read(bootstrap, dlq, r -> found.add(fromDeadLetter(r, histories)))) {
                throw new IllegalStateException("Topic " + dlq + " does not exist on " + bootstrap.bootstrapServers());
            }
        }
        Map<String, String> replayed = log.read();
        Set<String> planned = new HashSet<>();
        List<Decision> decisions = new ArrayList<>();
        for (FailedRequest r : found) {
            if (r == null || !filter.matches(r)) {
                continue;
            }
            if (source == Source.OUTCOMES && !replayed.containsKey(r.replayKey())) {
                r = withOriginal(r);
            }
            decisions.add(decide(r, histories.get(r.requestId()), replayed, planned));
        }
        return decisions;
    }

    private Decision decide(FailedRequest r, History history, Map<String, String> replayed, Set<String> planned) {
        if (replayed.containsKey(r.replayKey())) {
            return new Decision(r, false, "already replayed");
        }
        if (!planned.add(r.replayKey())) {
            return new Decision(r, false, "listed twice");
        }
        if (r.value() == null) {
            return new Decision(r, false, "original record no longer on its topic");
        }
        if (history != null && history.sent) {
            return new Decision(r, false, "already sent");
        }
        MailRequest request;
        try {
            request = reader.read(r.value());
        } catch (InvalidRequestException e) {
            return new Decision(r, false, "still invalid: " + e.reasonCode().code());
        }
        if (request.account() != null && !accounts.contains(request.account())) {
            return new Decision(r, false, "still invalid: " + ReasonCode.UNKNOWN_ACCOUNT.code());
        }
        if (request.notAfter() != null && clock.instant().isAfter(request.notAfter())) {
            return new Decision(r, false, "notAfter has passed");
        }
        return new Decision(r, true, "replay");
    }

    /**
     * Re-publishes every decision marked for replay, at most {@code perSecond} per second (0: no limit), recording
     * each in {@code mail.replays} once Kafka acknowledged it.
     */
    public Summary execute(List<Decision> plan, double perSecond, Progress progress) {
        Map<String, Integer> skipped = new LinkedHashMap<>();
        List<FailedRequest> todo = new ArrayList<>();
        for (Decision d : plan) {
            if (d.replay()) {
                todo.add(d.request());
            } else {
                skipped.merge(d.why(), 1, Integer::sum);
            }
        }
        if (todo.isEmpty()) {
            return new Summary(0, skipped);
        }
        log.ensureTopic(config.kafka());
        RateLimiter limiter = new RateLimiter(perSecond);
        int done = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (FailedRequest r : todo) {
                limiter.acquire();
                Headers headers = new RecordHeaders();
                for (Header h : r.headers()) {
                    headers.add(h.key(), h.value());
                }
                headers.add(MailpipeHeaders.REPLAY, r.replayKey().getBytes(StandardCharsets.UTF_8));
                RecordMetadata published = producer.send(new ProducerRecord<>(config.kafka().topics().requests(), null,
                        r.key(), r.value(), headers)).get();
                producer.send(log.entry(r, published, clock.instant())).get();
                done++;
                progress.update(done, todo.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted after replaying " + done + " of " + todo.size(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused a record after " + done + " of " + todo.size() + " were replayed: "
                    + e.getCause().getMessage(), e.getCause());
        }
        return new Summary(done, skipped);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = bootstrap.asProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "mailpipe-replay");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                String.valueOf(TopicAdmin.maxRecordBytes(config.worker().maxRequestBytes())));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** What the outcomes say about one request id. */
    private static final class History {
        boolean sent;
        String lastAccount;
    }

    private void readOutcome(ConsumerRecord<byte[], byte[]> record, Map<String, History> histories, List<FailedRequest> failed) {
        if (record.value() == null) {
            return;
        }
        OutcomeEvent e;
        try {
            e = OutcomeJson.read(record.value());
        } catch (IOException | RuntimeException ex) {
            return;
        }
        if (e.id() == null || e.status() == null) {
            return;
        }
        History h = histories.computeIfAbsent(e.id(), k -> new History());
        // a partially deferred attempt reached some recipients: sending it again would reach them twice
        if (e.status() == Status.SENT || ReasonCode.PARTIALLY_DEFERRED.code().equals(e.reasonCode())) {
            h.sent = true;
        }
        if (e.account() != null) {
            h.lastAccount = e.account();
        }
        if (failed != null && (e.status() == Status.FAILED || e.status() == Status.EXPIRED || e.status() == Status.UNCERTAIN) && e.source() != null) {
            // the original bytes are fetched later, for the ones the filter keeps
            failed.add(new FailedRequest(e.id(), record.key(), null, new RecordHeaders(), e.status().name(), e.reasonCode(),
                    e.at(), e.account(), e.campaign(), e.source().topic() + "-" + e.source().partition() + "@" + e.source().offset(),
                    record.topic() + "-" + record.partition() + "@" + record.offset()));
        }
    }

    /** The failed request with its original record, read from where the outcome says it was (null value: gone). */
    private FailedRequest withOriginal(FailedRequest r) {
        int at = r.failedRecord().lastIndexOf('@');
        int dash = r.failedRecord().lastIndexOf('-', at);
        ConsumerRecord<byte[], byte[]> original = TopicSnapshot.fetch(bootstrap, r.failedRecord().substring(0, dash),
                Integer.parseInt(r.failedRecord().substring(dash + 1, at)), Long.parseLong(r.failedRecord().substring(at + 1)));
        if (original == null) {
            return r;
        }
        JsonNode request = tree(original.value());
        return new FailedRequest(r.requestId(), original.key(), original.value(), strip(original.headers()), r.status(),
                r.reasonCode(), r.failedAt(), r.account() != null ? r.account() : text(request, "account"),
                r.campaign() != null ? r.campaign() : text(request, "campaign"), r.failedRecord(), r.foundAt());
    }

    private FailedRequest fromDeadLetter(ConsumerRecord<byte[], byte[]> r, Map<String, History> histories) {
        String id = header(r, MailpipeHeaders.DLQ_REQUEST_ID);
        if (id == null) {
            id = r.key() == null ? r.topic() + "-" + r.partition() + "@" + r.offset() : new String(r.key(), StandardCharsets.UTF_8);
        }
        Instant at = null;
        try {
            String text = header(r, MailpipeHeaders.DLQ_AT);
            at = text == null ? Instant.ofEpochMilli(r.timestamp()) : Instant.parse(text);
        } catch (DateTimeParseException e) {
            at = Instant.ofEpochMilli(r.timestamp());
        }
        JsonNode request = tree(r.value());
        String account = text(request, "account");
        History h = histories.get(id);
        if (account == null && h != null) {
            account = h.lastAccount;
        }
        String failedRecord = header(r, MailpipeHeaders.DLQ_SOURCE_TOPIC) + "-" + header(r, MailpipeHeaders.DLQ_SOURCE_PARTITION)
                + "@" + header(r, MailpipeHeaders.DLQ_SOURCE_OFFSET);
        return new FailedRequest(id, r.key(), r.value(), strip(r.headers()), header(r, MailpipeHeaders.DLQ_STATUS),
                header(r, MailpipeHeaders.DLQ_REASON_CODE), at, account, text(request, "campaign"), failedRecord,
                r.topic() + "-" + r.partition() + "@" + r.offset());
    }

    /** The producer's own headers: everything mailpipe added (dead-letter details, retry state, an earlier replay key) goes. */
    private static Headers strip(Headers headers) {
        RecordHeaders copy = new RecordHeaders();
        for (Header h : headers) {
            if (!h.key().startsWith(MailpipeHeaders.PREFIX)) {
                copy.add(h.key(), h.value());
            }
        }
        return copy;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode tree(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.isObject() && node.path(field).isTextual() ? node.get(field).asText() : null;
    }
}
