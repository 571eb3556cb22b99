package io.mailpipe.pipeline;

import io.mailpipe.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountSelector;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.RetrySettings;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.request.RequestReader;
import io.mailpipe.retry.RetryPolicy;
import io.mailpipe.testing.ContractSchemas;
import jakarta.mail.Session;

/**
 * One {@link DeliveryService} with everything it needs, built by hand: a clock the test moves, an in-memory ledger,
 * a quota selector that counts what it hands out and gets back, and helpers that play the Camel steps
 * (prepare, send, publish) without Camel, Kafka or SMTP.
 */
final class DeliveryHarness {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");
    static final KafkaSettings.Topics TOPICS = new KafkaSettings.Topics(null, null, null, null);
    static final String REQUESTS = TOPICS.requests();
    static final String OUTCOMES = TOPICS.outcomes();
    static final String DLQ = TOPICS.dlq();
    static final String RETRY = TOPICS.retry();
    /** Retry settings of most tests: 3 attempts, 30 s, x2, at most 10 min apart, 24 h in all. */
    static final RetrySettings RETRY_SETTINGS = new RetrySettings(3, Duration.ofSeconds(30), 2.0, Duration.ofMinutes(10),
            Duration.ofHours(24));
    /** The reply of a successful DATA. */
    static final String QUEUED = "250 2.0.0 Ok queued as X";
    /** How the worker maps conclusions to Kafka records. */
    static final io.mailpipe.worker.OutcomeRecords RECORDS = new io.mailpipe.worker.OutcomeRecords(TOPICS);

    private static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = new MutableClock(T0);
    final RequestLedger ledger = new RequestLedger();
    final List<Account> accounts;
    final CountingSelector selector;
    final RetrySettings retry;
    final DeliveryService service;
    private long nextOffset = 1000;

    DeliveryHarness(Account... accounts) {
        this(RETRY_SETTINGS, accounts);
    }

    DeliveryHarness(RetrySettings retry, Account... accounts) {
        this(retry, Session.getInstance(new Properties()), accounts);
    }

    /** With the session the composer builds messages in (null makes every composition crash). */
    DeliveryHarness(RetrySettings retry, Session composeSession, Account... accounts) {
        this(retry, composeSession, io.mailpipe.suppression.SuppressionList.NONE, accounts);
    }

    /** With a suppression list the service consults. */
    DeliveryHarness(io.mailpipe.suppression.SuppressionList suppressions, Account... accounts) {
        this(RETRY_SETTINGS, Session.getInstance(new Properties()), suppressions, accounts);
    }

    private DeliveryHarness(RetrySettings retry, Session composeSession, io.mailpipe.suppression.SuppressionList suppressions,
                            Account... accounts) {
        this.accounts = List.of(accounts);
        this.retry = retry;
        this.selector = new CountingSelector(router(this.accounts, clock));
        this.service = new DeliveryService(new RequestReader(1_000_000), new MessageComposer(clock),
                composeSession, this.accounts, selector, new RetryPolicy(retry), ledger, clock, Duration.ZERO, suppressions,
                new io.mailpipe.account.PushbackJudge(3));
    }

    // ---------------------------------------------------------------- accounts and requests

    /** An account named {@code name} sending as {@code <name>@<name>.example}. */
    static Account account(String name, Integer perHour, Integer maxRecipients, Long maxMessageBytes) {
        return new Account(name, "smtp." + name + ".example", 465, Security.SSL, name + "@" + name + ".example", "secret",
                name + "@" + name + ".example", false, new Limits(perHour, null), maxRecipients, maxMessageBytes,
                Duration.ofSeconds(30));
    }

    /** A valid request with one recipient, plus {@code extraFields} (JSON members, each starting with a comma). */
    static String request(String id, String extraFields) {
        return "{\"id\":\"" + id + "\",\"to\":[\"Ann <ann@example.org>\"],\"subject\":\"Hi\",\"text\":\"Hello\""
                + extraFields + "}";
    }

    static String request(String id) {
        return request(id, "");
    }

    /** A record on mail.requests with the next offset, keyed by {@code key}, with one header of the producer's. */
    InboundRecord onRequests(String key, String value) {
        return onRequests(key, value.getBytes(StandardCharsets.UTF_8));
    }

    InboundRecord onRequests(String key, byte[] value) {
        return new InboundRecord(REQUESTS, 0, nextOffset++, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value, pipelineHeaders(producerHeaders()));
    }

    /** A record on mail.retry, as an earlier attempt wrote it. */
    InboundRecord onRetry(String key, String value, int attempt, Instant notBefore, Instant firstAttemptAt) {
        Headers headers = producerHeaders();
        headers.add(MailpipeHeaders.ATTEMPT, utf8(String.valueOf(attempt)));
        headers.add(MailpipeHeaders.NOT_BEFORE, utf8(notBefore.toString()));
        headers.add(MailpipeHeaders.FIRST_ATTEMPT_AT, utf8(firstAttemptAt.toString()));
        return new InboundRecord(RETRY, 1, nextOffset++, utf8(key), utf8(value), pipelineHeaders(headers));
    }

    /** Kafka headers as a record's headers reach the pipeline. */
    static List<io.mailpipe.pipeline.RecordHeader> pipelineHeaders(Headers headers) {
        List<io.mailpipe.pipeline.RecordHeader> list = new java.util.ArrayList<>();
        for (org.apache.kafka.common.header.Header h : headers) {
            list.add(new io.mailpipe.pipeline.RecordHeader(h.key(), h.value()));
        }
        return list;
    }

    /** Records as comparable text: topic, key, value and headers (ProducerRecord compares byte arrays by identity). */
    static List<String> contents(List<ProducerRecord<byte[], byte[]>> records) {
        List<String> out = new java.util.ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            StringBuilder sb = new StringBuilder(r.topic()).append(" key=").append(r.key() == null ? null : text(r.key()))
                    .append(" value=").append(r.value() == null ? null : java.util.Base64.getEncoder().encodeToString(r.value()));
            for (org.apache.kafka.common.header.Header h : r.headers()) {
                sb.append(' ').append(h.key()).append('=').append(h.value() == null ? null
                        : java.util.Base64.getEncoder().encodeToString(h.value()));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** The records the worker writes for the delivery's conclusion. */
    List<ProducerRecord<byte[], byte[]>> conclude(Delivery d) {
        return RECORDS.records(service.conclude(d));
    }

    /** Headers the upstream producer set; they must survive into dead letters and retry records. */
    static Headers producerHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        headers.add("X-Source", new byte[] {1, 2, (byte) 0xff});
        return headers;
    }

    // ---------------------------------------------------------------- playing the route

    /** Starts and prepares one attempt (the {@code prepareDelivery} step). */
    Delivery prepare(InboundRecord in) {
        Delivery d = service.start(in);
        service.prepare(d);
        return d;
    }

    /** Prepares, and when the delivery is ready, lets {@code smtp} play the send (the {@code sendMail} step). */
    Delivery attempt(InboundRecord in, Consumer<Delivery> smtp) {
        Delivery d = prepare(in);
        if (d.readyToSend()) {
            smtp.accept(d);
        }
        return d;
    }

    /** An SMTP step where the server accepts the message. */
    Consumer<Delivery> accepts() {
        return d -> service.sent(d, QUEUED);
    }

    /** An SMTP step where sending fails with {@code error}. */
    Consumer<Delivery> fails(Throwable error) {
        return d -> service.failed(d, error);
    }

    /**
     * The {@code publishOutcome} step when Kafka acknowledges everything (as PublishOutcomeProcessor.publish does):
     * conclude, remember a send, mark published, release the claim.
     */
    List<ProducerRecord<byte[], byte[]>> publish(Delivery d) {
        RequestLedger.Claim claim = d.claim();
        try {
            Conclusion conclusion = service.conclude(d);
            List<ProducerRecord<byte[], byte[]>> records = RECORDS.records(conclusion);
            if (records.isEmpty()) {
                return records;
            }
            RequestLedger.Pending<Conclusion> pending = d.sendToRemember(conclusion);
            if (pending != null && claim != null) {
                claim.sendHappened(pending);
            }
            if (claim != null) {
                claim.published(d.isTerminal());
            }
            return records;
        } finally {
            if (claim != null) {
                claim.close();
            }
        }
    }

    /** The {@code publishOutcome} step when Kafka does not acknowledge: the send is remembered, the claim released. */
    List<ProducerRecord<byte[], byte[]>> publishUnacknowledged(Delivery d) {
        RequestLedger.Claim claim = d.claim();
        try {
            Conclusion conclusion = service.conclude(d);
            List<ProducerRecord<byte[], byte[]>> records = RECORDS.records(conclusion);
            RequestLedger.Pending<Conclusion> pending = d.sendToRemember(conclusion);
            if (pending != null && claim != null) {
                claim.sendHappened(pending);
            }
            return records;
        } finally {
            if (claim != null) {
                claim.close();
            }
        }
    }

    // ---------------------------------------------------------------- reading records

    static List<ProducerRecord<byte[], byte[]>> on(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    static ProducerRecord<byte[], byte[]> single(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        List<ProducerRecord<byte[], byte[]>> found = on(topic, records);
        if (found.size() != 1) {
            throw new AssertionError("expected one record on " + topic + ", found " + found.size() + " in " + topics(records));
        }
        return found.get(0);
    }

    static List<String> topics(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(ProducerRecord::topic).toList();
    }

    /** The one outcome event among {@code records}, checked against schemas/outcome-event.schema.json. */
    static JsonNode outcomeJson(List<ProducerRecord<byte[], byte[]>> records) {
        ProducerRecord<byte[], byte[]> outcome = single(OUTCOMES, records);
        ContractSchemas.assertValidOutcomes(List.of(new ConsumerRecord<>(OUTCOMES, 0, 0L, outcome.key(), outcome.value())));
        try {
            return JSON.readTree(outcome.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last value of a header as text, or null. */
    static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** All headers in order, as name and bytes rendered as a list (arrays do not compare by value). */
    static List<Map.Entry<String, List<Byte>>> headerList(Headers headers) {
        List<Map.Entry<String, List<Byte>>> list = new ArrayList<>();
        for (Header h : headers) {
            List<Byte> bytes = new ArrayList<>();
            if (h.value() != null) {
                for (byte b : h.value()) {
                    bytes.add(b);
                }
            }
            list.add(Map.entry(h.key(), bytes));
        }
        return list;
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** The real quota router over an in-memory ledger, with the harness' clock. */
    static io.mailpipe.quota.QuotaRouter router(List<Account> accounts, java.time.Clock clock) {
        java.util.Map<String, Limits> limits = new java.util.HashMap<>();
        accounts.forEach(a -> limits.put(a.name(), a.limits()));
        var settings = io.mailpipe.config.QuotaSettings.defaults();
        var book = new io.mailpipe.quota.QuotaBook("harness", settings.hourWindow(), settings.dayWindow(), limits);
        return new io.mailpipe.quota.QuotaRouter(io.mailpipe.quota.InMemoryQuotaLedger.alone(book, clock),
                new io.mailpipe.account.AccountHealth(settings.coolDown(), settings.maxCoolDown(), clock), settings, "harness",
                1, clock, false);
    }

    /** Counts sends handed out, given back and sent per account, on top of the real quota router. */
    static final class CountingSelector implements AccountSelector {
        final io.mailpipe.quota.QuotaRouter quota;
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();
        final java.util.Map<String, AtomicInteger> held = new java.util.concurrent.ConcurrentHashMap<>();

        CountingSelector(io.mailpipe.quota.QuotaRouter quota) {
            this.quota = quota;
        }

        @Override
        public Selection acquire(List<Account> candidates, Duration maxWait) {
            Selection s = quota.acquire(candidates, maxWait);
            if (!s.found()) {
                return s;
            }
            acquired.incrementAndGet();
            Ticket inner = s.ticket();
            AtomicInteger perAccount = held.computeIfAbsent(inner.account().name(), n -> new AtomicInteger());
            perAccount.incrementAndGet();
            return Selection.of(new Ticket() {
                @Override
                public Account account() {
                    return inner.account();
                }

                @Override
                public void giveBack() {
                    released.incrementAndGet();
                    perAccount.decrementAndGet();
                    inner.giveBack();
                }

                @Override
                public void sent(io.mailpipe.smtp.SendFailure failure) {
                    inner.sent(failure);
                }
            });
        }

        @Override
        public boolean hasRoom(List<Account> candidates) {
            return quota.hasRoom(candidates);
        }

        /** Sends taken from the account and not given back. */
        int usedThisHour(Account account) {
            AtomicInteger n = held.get(account.name());
            return n == null ? 0 : n.get();
        }
    }
}
