package io.mailpipe.loadtest;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.inbox.BounceEvent;
import io.mailpipe.inbox.InboxJson;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.Status;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.SendWindows;
import io.mailpipe.testing.SteadyPublisher;

/**
 * Reads every topic of a chaos run and the SMTP servers' logs (what each accepted, and what each read and dropped
 * without a reply) and checks mailpipe's promises:
 * <ul>
 *   <li>every published request is on mail.requests and has a terminal outcome: {@code lost} must be 0;</li>
 *   <li>a request accepted twice by the servers ({@code duplicates}) must be explained by a fault at that moment: its
 *   first copy was accepted while a worker was frozen, cut off or killed, or a broker was away, or within
 *   {@link #EXPLAIN_MARGIN} of it (the in-flight window); an unexplained duplicate fails the run. A request with two
 *   terminal outcomes must be one of those duplicates. Two reads of one message because the first was dropped after
 *   its data (no reply) are the designed uncertain resend, counted apart;</li>
 *   <li>no window of {@code quota.hourWindow} on any server's clock holds more than the limit ({@code over-quota}: 0);</li>
 *   <li>every REJECTED, EXPIRED or UNCERTAIN request has exactly one dead letter, with its original bytes;</li>
 *   <li>every bounce report dropped into the mailbox gave exactly one bounce event.</li>
 * </ul>
 */
final class ChaosChecker {

    /** How far before a fault's start and after its end a first copy still counts as in flight at the fault. */
    static final Duration EXPLAIN_MARGIN = Duration.ofSeconds(5);

    private final String bootstrap;
    private final KafkaSettings.Topics topics;
    private final List<ScriptedSmtpServer> smtp;
    private final int limit;
    private final Duration window;

    ChaosChecker(String bootstrap, KafkaSettings.Topics topics, List<ScriptedSmtpServer> smtp, int limit, Duration window) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.smtp = smtp;
        this.limit = limit;
        this.window = window;
    }

    /** The checker's result: figures, a line per problem, and the summary line. */
    record Report(long seed, int published, int finished, int lost, int duplicates, int unexplained, int twiceRecorded,
                  int overQuota, int busiest, int deadLetters, int deadLetterProblems, int bounces, int bounceProblems,
                  int uncertainResends, int faults, Map<Status, Integer> statuses, List<String> problems, long drainSeconds) {

        boolean passed() {
            return lost == 0 && unexplained == 0 && overQuota == 0 && deadLetterProblems == 0 && bounceProblems == 0
                    && problems.isEmpty();
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add("chaos: statuses " + statuses + "; drained " + drainSeconds + " s after the faults ended");
            lines.add(String.format("chaos: duplicates %d (all explained by a fault: %s), %d with two terminal outcomes,"
                    + " %d uncertain resends (dropped after the data, sent once more)", duplicates, unexplained == 0 ? "yes" : "NO, "
                    + unexplained + " not", twiceRecorded, uncertainResends));
            lines.add(String.format("chaos: quota: busiest %d per %d s against a limit of %d per account", busiest,
                    ChaosRun.WINDOW.toSeconds(), ChaosRun.LIMIT));
            problems.forEach(p -> lines.add("chaos: PROBLEM " + p));
            return lines;
        }

        String summary() {
            return String.format("chaos: seed=%d published=%d finished=%d lost=%d duplicates=%d over-quota=%d dead-letters=%d"
                            + " bounces=%d two-terminal=%d faults=%d unexplained=%d %s", seed, published, finished, lost, duplicates,
                    overQuota, deadLetters, bounces, twiceRecorded, faults, unexplained, passed() ? "PASSED" : "FAILED");
        }
    }

    /** Waits until every worker says it started (its log), so that the faults meet a running system. */
    void awaitWorkersReady(IntFunction<Path> log, IntFunction<Process> process, int workers, Duration timeout)
            throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(timeout);
        for (int w = 0; w < workers; w++) {
            Path file = log.apply(w);
            Process worker = process.apply(w);
            Duration left = longer(Duration.between(Instant.now(), deadline), Duration.ofSeconds(1));
            await("worker " + w + " started (see " + file + ")").atMost(left).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!worker.isAlive()) {
                    throw new IllegalStateException("worker exited at start-up; see " + file);
                }
                return Files.exists(file) && Files.readString(file).contains("mailpipe worker started");
            });
        }
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) > 0 ? a : b;
    }

    Report check(long seed, List<SteadyPublisher.Request> published, int unpublished, List<ChaosRun.Happened> faults,
                 List<String> bounceReports, Duration stall, PrintStream out) throws InterruptedException {
        Map<String, byte[]> requests = new HashMap<>();
        published.forEach(r -> requests.put(r.id(), r.value()));
        Instant drainStart = Instant.now();
        Map<String, List<OutcomeEvent>> terminal = drain(requests.keySet(), stall, out);
        long drainSeconds = Duration.between(drainStart, Instant.now()).toSeconds();

        List<String> problems = new ArrayList<>();
        if (unpublished > 0) {
            problems.add(unpublished + " request(s) Kafka did not acknowledge to the producer");
        }
        Set<String> onTopic = readAll(topics.requests()).stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>(requests.keySet());
        missing.removeAll(onTopic);
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " acknowledged request(s) not on " + topics.requests() + ": " + first(missing));
        }
        Set<String> lost = new TreeSet<>(requests.keySet());
        lost.removeAll(terminal.keySet());
        Map<Status, Integer> statuses = new TreeMap<>();
        Set<String> twiceRecorded = new TreeSet<>();
        terminal.forEach((id, events) -> {
            if (requests.containsKey(id)) {
                statuses.merge(events.get(0).status(), 1, Integer::sum);
                if (events.size() > 1) {
                    twiceRecorded.add(id);
                }
            }
        });

        // duplicates: accepted twice; the designed uncertain resend (one dropped read, one accepted) apart
        Map<String, List<Instant>> accepted = new TreeMap<>();
        Map<String, Integer> dropped = new HashMap<>();
        List<ScriptedSmtpServer.Received> all = new ArrayList<>();
        for (ScriptedSmtpServer s : smtp) {
            for (ScriptedSmtpServer.Received r : s.received()) {
                all.add(r);
                accepted.computeIfAbsent(String.valueOf(r.requestId()), k -> new ArrayList<>()).add(r.at());
            }
            s.droppedAfterData().forEach(r -> dropped.merge(String.valueOf(r.requestId()), 1, Integer::sum));
        }
        Set<String> duplicates = accepted.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> unexplained = new ArrayList<>();
        for (String id : duplicates) {
            Instant firstCopy = accepted.get(id).stream().min(Instant::compareTo).orElseThrow();
            ChaosRun.Happened cause = faultAt(firstCopy, faults);
            if (cause == null) {
                unexplained.add(id + " (first copy " + firstCopy + ")");
            } else {
                out.println("chaos: duplicate " + id + ": first copy at " + firstCopy + ", during " + cause.event());
            }
        }
        if (!unexplained.isEmpty()) {
            problems.add(unexplained.size() + " duplicate(s) no fault explains: " + first(unexplained));
        }
        // two terminal outcomes (two attempts, e.g. one refused and one accepted, or an invalid request rejected
        // twice): like a duplicate, only where a fault explains it
        for (String id : twiceRecorded) {
            Instant firstOutcome = terminal.get(id).stream().map(OutcomeEvent::at).min(Instant::compareTo).orElseThrow();
            ChaosRun.Happened cause = faultAt(firstOutcome, faults);
            if (cause == null) {
                unexplained.add(id + " (two terminal outcomes, the first at " + firstOutcome + ")");
                problems.add(id + " has two terminal outcomes and no fault explains them");
            } else {
                out.println("chaos: two terminal outcomes for " + id + " (" + terminal.get(id).stream().map(e -> e.status().name())
                        .collect(Collectors.joining(", ")) + "): the first at " + firstOutcome + ", during " + cause.event());
            }
        }
        int uncertainResends = (int) dropped.keySet().stream().filter(accepted::containsKey).count();

        // quota: the provider's view, per server (one account each)
        int busiest = 0;
        int overQuota = 0;
        for (ScriptedSmtpServer s : smtp) {
            int most = SendWindows.busiest(s.received(), window);
            busiest = Math.max(busiest, most);
            if (most > limit) {
                overQuota += most - limit;
            }
        }
        if (overQuota > 0) {
            problems.add("a quota window held " + busiest + " sends, limit " + limit);
        }

        // dead letters: one per REJECTED, EXPIRED or UNCERTAIN request, with the original bytes
        Map<String, List<ConsumerRecord<byte[], byte[]>>> dlq = readAll(topics.dlq()).stream()
                .collect(Collectors.groupingBy(r -> header(r, MailpipeHeaders.DLQ_REQUEST_ID)));
        int deadLetterProblems = 0;
        int deadLetters = 0;
        for (Map.Entry<String, List<OutcomeEvent>> e : terminal.entrySet()) {
            Status status = e.getValue().get(0).status();
            boolean wanted = status == Status.REJECTED || status == Status.EXPIRED || status == Status.UNCERTAIN;
            List<ConsumerRecord<byte[], byte[]>> letters = dlq.getOrDefault(e.getKey(), List.of());
            if (!wanted) {
                continue;
            }
            deadLetters += letters.size();
            if (letters.isEmpty() || letters.size() > e.getValue().size()) {
                deadLetterProblems++;
                problems.add(e.getKey() + " (" + status + ") has " + letters.size() + " dead letters for "
                        + e.getValue().size() + " terminal outcome(s)");
            } else if (letters.stream().anyMatch(l -> !Arrays.equals(l.value(), requests.get(e.getKey())))) {
                deadLetterProblems++;
                problems.add(e.getKey() + " (" + status + "): its dead letter does not hold the original bytes");
            }
        }

        // bounce events: one per report
        Map<String, Long> events = readAll(topics.bounces()).stream().map(r -> InboxJson.readEvent(r.value()))
                .collect(Collectors.groupingBy(BounceEvent::recipient, Collectors.counting()));
        int bounceProblems = 0;
        for (String recipient : bounceReports) {
            long n = events.getOrDefault(recipient, 0L);
            if (n != 1) {
                bounceProblems++;
                problems.add("bounce report about " + recipient + " gave " + n + " bounce events");
            }
        }
        return new Report(seed, requests.size(), (int) requests.keySet().stream().filter(terminal::containsKey).count(),
                lost.size(), duplicates.size(), unexplained.size(), twiceRecorded.size(), overQuota, busiest, deadLetters,
                deadLetterProblems, bounceReports.size(), bounceProblems, uncertainResends, faults.size(), statuses,
                List.copyOf(problems), drainSeconds);
    }

    /**
     * The fault (worker or broker) at this moment, give or take {@link #EXPLAIN_MARGIN}; of several, the one that began
     * closest to it (a send accepted just before a kill is that kill's, not an earlier fault's still in its margin);
     * null when there was none.
     */
    private static ChaosRun.Happened faultAt(Instant moment, List<ChaosRun.Happened> faults) {
        return faults.stream().filter(f -> canDuplicate(f.event().fault()))
                .filter(f -> !moment.isBefore(f.start().minus(EXPLAIN_MARGIN)) && !moment.isAfter(f.end().plus(EXPLAIN_MARGIN)))
                .min(java.util.Comparator.comparing(f -> Duration.between(f.start(), moment).abs())).orElse(null);
    }

    /** Faults during which a message can be sent twice: a worker or a broker away while sends were in flight. */
    private static boolean canDuplicate(ChaosSchedule.Fault fault) {
        return fault.track != ChaosSchedule.Track.SMTP;
    }

    /** Reads mail.outcomes until every request has a terminal outcome, or nothing new ended for {@code stall}. */
    private Map<String, List<OutcomeEvent>> drain(Set<String> ids, Duration stall, PrintStream out) throws InterruptedException {
        Map<String, List<OutcomeEvent>> terminal = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.outcomes()).stream()
                    .map(p -> new TopicPartition(topics.outcomes(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant lastProgress = Instant.now();
            Instant lastReport = Instant.now();
            while (true) {
                int before = (int) ids.stream().filter(terminal::containsKey).count();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        OutcomeEvent e = OutcomeJson.read(r.value());
                        if (e.status().isTerminal()) {
                            terminal.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
                        }
                    } catch (IOException ex) {
                        throw new IllegalStateException("unreadable outcome at " + r.partition() + "/" + r.offset(), ex);
                    }
                }
                int done = (int) ids.stream().filter(terminal::containsKey).count();
                if (done == ids.size()) {
                    // read on to the end, so that a second terminal outcome written meanwhile is seen too
                    readToEnd(consumer, partitions, terminal);
                    return terminal;
                }
                if (done > before) {
                    lastProgress = Instant.now();
                }
                if (Duration.between(lastProgress, Instant.now()).compareTo(stall) > 0) {
                    out.println("chaos: no request finished for " + stall.toSeconds() + " s; giving up the drain");
                    readToEnd(consumer, partitions, terminal);
                    return terminal;
                }
                if (Duration.between(lastReport, Instant.now()).toSeconds() >= 30) {
                    out.println("chaos: draining: " + done + " of " + ids.size() + " finished");
                    lastReport = Instant.now();
                }
            }
        }
    }

    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                  Map<String, List<OutcomeEvent>> terminal) {
        pollToEnd(consumer, partitions, r -> {
            try {
                OutcomeEvent e = OutcomeJson.read(r.value());
                if (e.status().isTerminal()) {
                    terminal.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
                }
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
    }

    /** Hands every record from the consumer's positions to the partitions' end offsets now to {@code each}. */
    private static void pollToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                  java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            consumer.poll(Duration.ofMillis(500)).forEach(each);
        }
    }

    /** Every record of a topic, from the beginning to its end now. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            pollToEnd(consumer, partitions, out::add);
        }
        return out;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String first(java.util.Collection<String> items) {
        return items.stream().limit(5).collect(Collectors.joining(", ")) + (items.size() > 5 ? ", ..." : "");
    }
}
