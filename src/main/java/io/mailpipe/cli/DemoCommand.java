package io.mailpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;



import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.LocalKafkaBroker;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.kafka.TopicTail;
import io.mailpipe.quota.KafkaQuotaLedger;
import io.mailpipe.quota.QuotaReport;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import io.mailpipe.outcome.Status;
import io.mailpipe.sandbox.MailSandbox;
import io.mailpipe.sandbox.ThrottlingSmtpFront;
import io.mailpipe.worker.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailpipe demo}: everything local and real, nothing to configure. Starts a single-node Kafka broker and a
 * GreenMail sandbox, runs a worker with {@code examples/demo.yaml}, publishes {@code examples/requests.jsonl},
 * prints every outcome as it arrives and a summary, then shuts everything down.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run mailpipe end to end on a local broker and mail sandbox, then exit (or stay up with --keep-running).")
final class DemoCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Messages the demo's throttling provider takes before it pushes back. */
    private static final int THROTTLED_AFTER = 2;

    /** Accepted like everywhere; the demo runs with its own configuration (examples/demo.yaml). */
    @picocli.CommandLine.Mixin
    GlobalOptions global;

    @Option(names = "--keep-running", description = "After the summary, keep the broker, sandbox and worker up until Ctrl-C, "
            + "so that status and report can be tried against them (the configuration is written to DATA_DIR/mailpipe.yaml).")
    boolean keepRunning;

    @Option(names = "--requests", description = "JSON-lines file of requests (default: examples/requests.jsonl, else the copy in the jar).")
    Path requests;

    @Option(names = "--timeout", description = "Give up after this long (default: ${DEFAULT-VALUE}).", defaultValue = "PT3M")
    Duration timeout;

    @Option(names = "--data-dir", description = "Folder for the broker's data (default: ${DEFAULT-VALUE}; emptied first).",
            defaultValue = ".mailpipe/demo")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Instant started = Instant.now();
        List<String> lines = requestLines();
        deleteTree(dataDir);
        say("starting the local Kafka broker (KRaft, own JVM) in " + dataDir + " ...");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir.resolve("kafka"));
             MailSandbox sandbox = MailSandbox.start();
             ThrottlingSmtpFront throttled = ThrottlingSmtpFront.start(sandbox.smtpPort(), THROTTLED_AFTER)) {
            say("Kafka at " + broker.bootstrapServers() + "; mail sandbox (GreenMail) SMTP 127.0.0.1:" + sandbox.smtpPort()
                    + ", IMAP 127.0.0.1:" + sandbox.imapPort() + "; a provider that pushes back after " + THROTTLED_AFTER
                    + " messages on 127.0.0.1:" + throttled.port());
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("DEMO_SMTP_PORT", String.valueOf(sandbox.smtpPort()));
            env.put("DEMO_IMAP_PORT", String.valueOf(sandbox.imapPort()));
            env.put("DEMO_THROTTLED_PORT", String.valueOf(throttled.port()));
            MailpipeConfig config = MailpipeConfig.parse(resource("examples/demo.yaml"), env, "examples/demo.yaml");
            config = config.withKafka(config.kafka().withBootstrapServers(broker.bootstrapServers()));
            TopicAdmin.ensureTopics(config.kafka(), config.worker().maxRequestBytes());
            try (Worker worker = Worker.start(config)) {
                say("worker started with accounts " + config.accounts().stream().map(a -> a.name()).toList()
                        + "; publishing " + lines.size() + " requests from examples/requests.jsonl");
                List<String> ids = RequestLines.publish(config.kafka().connection(), config.kafka().topics().requests(), lines);
                Map<String, OutcomeEvent> terminal = watch(broker.bootstrapServers(), config.kafka().topics().outcomes(), ids);
                Map<Status, Integer> counts = new TreeMap<>();
                terminal.values().forEach(e -> counts.merge(e.status(), 1, Integer::sum));
                boolean complete = terminal.keySet().containsAll(ids);
                String summary = "summary: " + terminal.size() + "/" + ids.size() + " requests finished: "
                        + counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none")
                        + "; the sandbox received " + sandbox.receivedCount() + " message copies; "
                        + Duration.between(started, Instant.now()).toMillis() / 1000.0 + " s";
                out().println(summary);
                if (!complete) {
                    err().println("demo: not every request reached a terminal outcome within " + timeout);
                    return 1;
                }
                showPushback(config, terminal);
                showBounce(sandbox, config, terminal);
                if (keepRunning) {
                    stayUp(broker, sandbox, throttled);
                }
            }
        }
        say("everything shut down");
        return 0;
    }

    /** Writes a configuration for the other commands and waits for Ctrl-C. */
    private void stayUp(LocalKafkaBroker broker, MailSandbox sandbox, ThrottlingSmtpFront throttled)
            throws IOException, InterruptedException {
        Path config = dataDir.resolve("mailpipe.yaml");
        String yaml = resource("examples/demo.yaml")
                .replace("${DEMO_SMTP_PORT}", String.valueOf(sandbox.smtpPort()))
                .replace("${DEMO_IMAP_PORT}", String.valueOf(sandbox.imapPort()))
                .replace("${DEMO_THROTTLED_PORT}", String.valueOf(throttled.port()))
                .replace("kafka:\n", "kafka:\n  bootstrapServers: " + broker.bootstrapServers() + "\n");
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        say("still running (Ctrl-C stops everything). In another terminal, try:");
        say("  ./mailpipe status --config " + config);
        say("  ./mailpipe report --config " + config + " --campaign november-news --out report.html");
        say("  ./mailpipe publish --config " + config + " examples/requests.jsonl");
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "mailpipe-demo-stop"));
        stop.await();
    }

    /**
     * The bounce side: a report saying that one recipient does not exist goes into the sandbox's bounce mailbox; the
     * worker's IMAP route reads it and publishes a bounce event correlated with the request (through the Message-ID
     * it quotes), and the address lands on the suppression list.
     */
    private void showBounce(MailSandbox sandbox, MailpipeConfig config, Map<String, OutcomeEvent> terminal) {
        OutcomeEvent sent = terminal.values().stream().filter(e -> e.status() == Status.SENT && e.messageId() != null)
                .min(java.util.Comparator.comparing(OutcomeEvent::id)).orElse(null);
        if (sent == null) {
            return;
        }
        say("dropping a 'user unknown' report about request " + sent.id() + " into the sandbox's bounce mailbox ...");
        sandbox.deliverToBounceMailbox(MailSandbox.userUnknownReport(sent.messageId(), "no-such-user@example.org"));
        String bootstrap = config.kafka().bootstrapServers();
        Instant deadline = Instant.now().plusSeconds(30);
        try (TopicTail bounces = new TopicTail(bootstrap, config.kafka().topics().bounces());
             TopicTail suppressions = new TopicTail(bootstrap, config.kafka().topics().suppressions())) {
            boolean event = false;
            boolean suppressed = false;
            while (!(event && suppressed) && Instant.now().isBefore(deadline)) {
                for (var r : bounces.poll(Duration.ofMillis(300))) {
                    out().println("bounce " + new String(r.value(), StandardCharsets.UTF_8));
                    event = true;
                }
                for (var r : suppressions.poll(Duration.ofMillis(300))) {
                    out().println("suppression " + new String(r.value(), StandardCharsets.UTF_8));
                    suppressed = true;
                }
            }
            if (!event) {
                err().println("demo: the bounce report was not read within 30 s");
            }
        }
    }

    /**
     * The provider's pushback: which messages moved away from which account and why, and the limits the cluster learned
     * (as {@code mailpipe quota} shows them), once learned.
     */
    private void showPushback(MailpipeConfig config, Map<String, OutcomeEvent> terminal) {
        Map<String, Long> moved = new TreeMap<>();
        terminal.values().stream().filter(e -> e.failovers() != null).flatMap(e -> e.failovers().stream())
                .forEach(f -> moved.merge(f.account() + " (" + f.reasonCode() + (f.smtp() == null ? "" : ", " + f.smtp().code())
                        + ")", 1L, Long::sum));
        if (moved.isEmpty()) {
            return;
        }
        say("moved to another account: " + moved.entrySet().stream().map(e -> e.getValue() + " away from " + e.getKey())
                .reduce((a, b) -> a + ", " + b).orElse(""));
        try (KafkaQuotaLedger ledger = KafkaQuotaLedger.forAccounts(config, "mailpipe-demo", java.time.Clock.systemUTC())) {
            ledger.start(Duration.ofSeconds(30));
            Instant deadline = Instant.now().plusSeconds(15);
            boolean learned = false;
            while (!learned && Instant.now().isBefore(deadline)) {
                // the lesson is written once the throttled account's leases are back
                long seen = ledger.changes();
                learned = ledger.read(b -> config.accounts().stream().anyMatch(a -> b.learned(a.name()) != null));
                if (!learned) {
                    ledger.awaitChange(seen, deadline, java.time.Clock.systemUTC());
                }
            }
            Instant now = Instant.now();
            say("quota after the run (./mailpipe quota), with the limit learned from the pushback:");
            String table = ledger.read(b -> QuotaReport.format(QuotaReport.rows(b, config.accounts(), now,
                    config.quota().leaseTtl()), now));
            out().print(table);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, OutcomeEvent> watch(String bootstrap, String topic, List<String> ids) throws IOException {
        Map<String, OutcomeEvent> terminal = new HashMap<>();
        Instant deadline = Instant.now().plus(timeout);
        try (TopicTail tail = new TopicTail(bootstrap, topic)) {
            while (!terminal.keySet().containsAll(ids) && Instant.now().isBefore(deadline)) {
                for (var record : tail.poll(Duration.ofMillis(500))) {
                    OutcomeEvent event = OutcomeJson.read(record.value());
                    out().println("outcome " + new String(record.value(), StandardCharsets.UTF_8));
                    if (event.status().isTerminal()) {
                        terminal.put(event.id(), event);
                    }
                }
            }
        }
        return terminal;
    }

    private List<String> requestLines() throws IOException {
        String text = requests != null ? Files.readString(requests) : resource("examples/requests.jsonl");
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    /** A file of the project folder when run from it, else the copy inside the jar. */
    private static String resource(String path) throws IOException {
        Path file = Path.of(path);
        if (Files.isReadable(file)) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException(path + " not found in the working directory or the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private void say(String text) {
        out().println("demo: " + text);
        out().flush();
    }
}
