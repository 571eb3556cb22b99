package io.mailpipe.loadtest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.TopicAdmin;
import io.mailpipe.testing.BounceReports;
import io.mailpipe.testing.KafkaCluster;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.SteadyPublisher;
import io.mailpipe.testing.WorkerProcess;

/**
 * The chaos run (issue 17): a three-broker cluster, three workers (their own JVMs), two scripted SMTP servers and an
 * IMAP bounce mailbox; for {@code --minutes} a seeded random schedule of faults ({@link ChaosSchedule}) while a
 * producer publishes a steady stream of requests, a few of them invalid, and bounce reports arrive in the mailbox.
 * Then every fault is healed, the backlog drains, and {@link ChaosChecker} reads every topic and the SMTP servers'
 * logs. Loopback only; bounded in time (the faults' minutes, then at most {@link #DRAIN_STALL} without progress).
 *
 * <pre>mvn -q -DskipTests package exec:exec@chaos -Dchaos.args="--seed 42 --minutes 10"</pre>
 *
 * Exit code 0 only when the checker passes; the last line is the summary ({@code chaos: seed=... lost=0 ...}).
 */
public final class ChaosRun {

    static final int WORKERS = 3;
    static final int SMTP_SERVERS = 2;
    /** Sends per quota window per account: the windows a provider would count ({@code quota.hourWindow} in the run). */
    static final int LIMIT = 30;
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** The drain gives up when no request reached its terminal outcome for this long. */
    static final Duration DRAIN_STALL = Duration.ofSeconds(150);
    static final Duration BASE_SMTP_DELAY = Duration.ofMillis(20);
    /** Share of the published requests that are invalid (REJECTED, dead-lettered with their bytes). */
    static final double INVALID_SHARE = 0.03;

    /** Command-line options. */
    record Options(long seed, double minutes, double rate, Path workDir) {
        static Options parse(String[] args) {
            long seed = System.currentTimeMillis() % 100_000;
            double minutes = 10;
            double rate = 4;
            Path workDir = Path.of("target", "chaos");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                    case "--rate" -> rate = Double.parseDouble(args[++i]);
                    case "--work-dir" -> workDir = Path.of(args[++i]);
                    case "--help" -> {
                        System.out.println("chaos options: --seed S (default: from the clock, printed) --minutes M (10)"
                                + " --rate requests/s (4) --work-dir DIR (target/chaos)");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--help lists them)");
                }
            }
            return new Options(seed, minutes, rate, workDir);
        }
    }

    /** A fault as it actually happened: its schedule entry and when it started and ended. */
    record Happened(ChaosSchedule.Event event, Instant start, Instant end) {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        ChaosChecker.Report report = run(options, null, System.out);
        System.out.println(report.summary());
        System.exit(report.passed() ? 0 : 1);
    }

    /**
     * One run. With {@code sharedCluster} null it starts its own cluster (and stops it at the end); otherwise it uses
     * that one (its three worker slots) and leaves it running.
     */
    static ChaosChecker.Report run(Options options, KafkaCluster sharedCluster, PrintStream out) throws Exception {
        Duration length = Duration.ofMillis((long) (options.minutes() * 60_000));
        ChaosSchedule schedule = ChaosSchedule.draw(options.seed(), length, WORKERS, SMTP_SERVERS);
        out.printf("chaos: seed=%d minutes=%s rate=%.1f/s: %d faults scheduled (replay: --seed %d --minutes %s)%n",
                options.seed(), options.minutes(), options.rate(), schedule.events().size(), options.seed(), options.minutes());
        schedule.events().forEach(e -> out.println("chaos: scheduled " + e));
        Path dir = Files.createDirectories(options.workDir().resolve("seed-" + options.seed() + "-" + System.currentTimeMillis()));
        KafkaCluster cluster = sharedCluster != null ? sharedCluster : KafkaCluster.start(dir.resolve("cluster"), WORKERS);
        List<ScriptedSmtpServer> smtp = new ArrayList<>();
        GreenMail imap = null;
        Workers workers = null;
        try {
            for (int i = 0; i < SMTP_SERVERS; i++) {
                smtp.add(new ScriptedSmtpServer().slowData(BASE_SMTP_DELAY));
            }
            int imapPort = ScriptedSmtpServer.freePort();
            imap = new GreenMail(new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
            imap.start();
            imap.setUser("bounces@sandbox.test", "bounces", "bounce-secret");
            KafkaSettings.Topics topics = KafkaSettings.Topics.withPrefix("chaos-" + options.seed() + "-" + System.currentTimeMillis() % 100_000 + ".");
            TopicAdmin.ensureTopics(new KafkaSettings(cluster.bootstrapServers(), null, topics, 4, (short) 3, null, null, null,
                    null, null), 32L * 1024 * 1024);
            workers = new Workers(cluster, dir, topics, smtp, imapPort);
            for (int w = 0; w < WORKERS; w++) {
                workers.start(w);
            }
            ChaosChecker checker = new ChaosChecker(cluster.bootstrapServers(), topics, smtp, LIMIT, WINDOW);
            checker.awaitWorkersReady(workers::log, workers::process, WORKERS, Duration.ofSeconds(180));
            out.println("chaos: cluster, " + WORKERS + " workers, " + SMTP_SERVERS + " SMTP servers and the IMAP mailbox are up");

            long seed = options.seed();
            int count = (int) Math.ceil(length.toSeconds() * options.rate());
            Random requestRandom = new Random(seed ^ 0x5DEECE66DL);
            List<Boolean> invalid = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                invalid.add(requestRandom.nextDouble() < INVALID_SHARE);
            }
            List<Happened> happened = new CopyOnWriteArrayList<>();
            Instant start = Instant.now();
            Faults faults = new Faults(cluster, workers, smtp, topics, start, happened, out);
            List<Thread> tracks = new ArrayList<>();
            for (ChaosSchedule.Track track : ChaosSchedule.Track.values()) {
                Thread t = new Thread(() -> faults.play(schedule.of(track), length), "chaos-" + track);
                t.start();
                tracks.add(t);
            }
            Bounces bounces = new Bounces(imap, smtp, new Random(seed ^ 0xB0B), out);
            try (SteadyPublisher publisher = new SteadyPublisher(cluster.bootstrapServers(), topics.requests(), count,
                    options.rate(), i -> request(seed, i, invalid.get(i)))) {
                while (!publisher.done()) {
                    bounces.maybeDeliver(start);
                    Thread.sleep(500); // the publishing's own pace: the producer thread sets it
                }
                for (Thread t : tracks) {
                    t.join();
                }
                faults.healAll();
                out.printf("chaos: +%ds faults over, everything healed; draining%n", Duration.between(start, Instant.now()).toSeconds());
                ChaosChecker.Report report = checker.check(options.seed(), publisher.published(), publisher.failures().size(),
                        happened, bounces.reports(), DRAIN_STALL, out);
                report.lines().forEach(out::println);
                return report;
            }
        } finally {
            if (workers != null) {
                workers.close();
            }
            smtp.forEach(ScriptedSmtpServer::close);
            if (imap != null) {
                imap.stop();
            }
            if (sharedCluster == null) {
                cluster.close();
                KafkaCluster.deleteTree(dir.resolve("cluster"));
            }
        }
    }

    /** The n-th request of a run: valid (one unique recipient) or, now and then, invalid (a wrong field type). */
    static SteadyPublisher.Request request(long seed, int n, boolean invalid) {
        String id = "c" + seed + "-" + n;
        String json = invalid
                ? "{\"id\":\"" + id + "\",\"to\":42,\"subject\":\"invalid " + id + "\",\"text\":\"t\"}"
                : "{\"id\":\"" + id + "\",\"to\":[\"r-" + id + "@example.org\"],\"subject\":\"s " + id + "\",\"text\":\"t " + id + "\"}";
        return new SteadyPublisher.Request(id, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The three worker processes, each on its own proxied slot of the cluster; started again after a kill. */
    static final class Workers implements AutoCloseable {
        private final KafkaCluster cluster;
        private final Path dir;
        private final KafkaSettings.Topics topics;
        private final List<ScriptedSmtpServer> smtp;
        private final int imapPort;
        private final Process[] processes = new Process[WORKERS];
        private final int[] starts = new int[WORKERS];

        Workers(KafkaCluster cluster, Path dir, KafkaSettings.Topics topics, List<ScriptedSmtpServer> smtp, int imapPort) {
            this.cluster = cluster;
            this.dir = dir;
            this.topics = topics;
            this.smtp = smtp;
            this.imapPort = imapPort;
        }

        void start(int w) throws IOException {
            Path config = dir.resolve("worker-" + w + ".yaml");
            Files.writeString(config, """
                    kafka:
                      bootstrapServers: %s
                      groupId: chaos-%s
                      replicationFactor: 3
                      topics: {requests: %s, outcomes: %s, dlq: %s, retry: %s, bounces: %s, bouncesUnparsed: %s, suppressions: %s, quota: %s}
                    worker: {sendThreads: 4, shutdownTimeout: PT20S}
                    cli: {kafkaTimeout: PT90S}
                    retry: {initialBackoff: PT1S, maxBackoff: PT4S, maxAttempts: 30, maxAge: PT1H, uncertainWait: PT3S}
                    quota: {hourWindow: PT%dS, leaseSize: 3, leaseTtl: PT1S, sendGrace: PT2S, idleRelease: PT0.2S, maxInlineWait: PT1S,
                            coolDown: PT2S, maxCoolDown: PT8S}
                    accounts:
                      - {name: a, host: 127.0.0.1, port: %d, security: none, from: "A <a@a.example>", limits: {perHour: %d, learn: false}}
                      - {name: b, host: 127.0.0.1, port: %d, security: none, from: "B <b@b.example>", limits: {perHour: %d, learn: false}}
                    bounces:
                      - {name: sandbox, protocol: imap, host: 127.0.0.1, port: %d, username: bounces, password: bounce-secret,
                         pollInterval: PT2S, allowPlaintextAuth: true}
                    """.formatted(cluster.workerBootstrap(w), topics.requests(), topics.requests(), topics.outcomes(), topics.dlq(),
                    topics.retry(), topics.bounces(), topics.bouncesUnparsed(), topics.suppressions(), topics.quota(),
                    WINDOW.toSeconds(), smtp.get(0).port(), LIMIT, smtp.get(1).port(), LIMIT, imapPort));
            starts[w]++;
            processes[w] = WorkerProcess.start(config, log(w, starts[w]), Map.of("MAILPIPE_LOG_FORMAT", "text"));
        }

        Path log(int w) {
            return log(w, Math.max(1, starts[w]));
        }

        private Path log(int w, int start) {
            return dir.resolve("worker-" + w + "-" + start + ".log");
        }

        Process process(int w) {
            return processes[w];
        }

        void kill(int w) throws InterruptedException {
            processes[w].destroyForcibly();
            processes[w].waitFor(30, TimeUnit.SECONDS);
        }

        void signal(int w, String signal) throws IOException, InterruptedException {
            if (processes[w].isAlive()) {
                new ProcessBuilder("kill", "-" + signal, String.valueOf(processes[w].pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
            }
        }

        void ensureRunning() throws IOException, InterruptedException {
            for (int w = 0; w < WORKERS; w++) {
                signal(w, "CONT");
                if (!processes[w].isAlive()) {
                    start(w);
                }
            }
        }

        @Override
        public void close() throws Exception {
            for (int w = 0; w < WORKERS; w++) {
                if (processes[w] != null) {
                    signal(w, "CONT");
                    processes[w].destroy();
                }
            }
            for (Process p : processes) {
                if (p != null && !p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Plays the schedule's faults at their times and records when each really began and ended. */
    static final class Faults {
        private final KafkaCluster cluster;
        private final Workers workers;
        private final List<ScriptedSmtpServer> smtp;
        private final KafkaSettings.Topics topics;
        private final Instant start;
        private final List<Happened> happened;
        private final PrintStream out;

        Faults(KafkaCluster cluster, Workers workers, List<ScriptedSmtpServer> smtp, KafkaSettings.Topics topics, Instant start,
               List<Happened> happened, PrintStream out) {
            this.cluster = cluster;
            this.workers = workers;
            this.smtp = smtp;
            this.topics = topics;
            this.start = start;
            this.happened = happened;
            this.out = out;
        }

        void play(List<ChaosSchedule.Event> events, Duration length) {
            for (ChaosSchedule.Event e : events) {
                Instant due = start.plus(e.at());
                if (due.isAfter(start.plus(length))) {
                    return;
                }
                try {
                    long wait = Duration.between(Instant.now(), due).toMillis();
                    if (wait > 0) {
                        Thread.sleep(wait); // the schedule's time
                    }
                    Instant began = Instant.now();
                    out.printf("chaos: %s (+%ds): %s%n", began, Duration.between(start, began).toSeconds(), e);
                    apply(e);
                    happened.add(new Happened(e, began, Instant.now()));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception ex) {
                    out.println("chaos: fault " + e + " could not be played: " + ex);
                    happened.add(new Happened(e, Instant.now(), Instant.now()));
                }
            }
        }

        private void apply(ChaosSchedule.Event e) throws Exception {
            Duration d = e.duration();
            switch (e.fault()) {
                case LEADER_KILL -> {
                    int victim = cluster.busiestLeader(topics.requests(), topics.outcomes());
                    cluster.kill(victim);
                    Thread.sleep(d.toMillis());
                    cluster.restart(victim);
                    awaitReplicated();
                }
                case ROLLING_RESTART -> {
                    for (int b = 0; b < KafkaCluster.BROKERS; b++) {
                        cluster.stop(b);
                        cluster.restart(b);
                        awaitReplicated();
                    }
                }
                case BROKER_STOP -> {
                    cluster.stop(e.target());
                    Thread.sleep(d.toMillis());
                    cluster.restart(e.target());
                    awaitReplicated();
                }
                case WORKER_FREEZE -> hold(d, () -> workers.signal(e.target(), "STOP"), () -> workers.signal(e.target(), "CONT"));
                case WORKER_NET_CUT -> hold(d, () -> cluster.cutWorker(e.target()), () -> cluster.healWorker(e.target()));
                case WORKER_KILL -> {
                    workers.kill(e.target());
                    Thread.sleep(d.toMillis());
                    workers.start(e.target());
                }
                case SMTP_4XX_STORM -> hold(d, () -> smtp.get(e.target()).refuseAllData(451, "4.3.0 Temporary failure, try again later"),
                        () -> smtp.get(e.target()).acceptData());
                case SMTP_5XX_STORM -> hold(d, () -> smtp.get(e.target()).refuseAllRecipients(550, "5.1.1 No such user here"),
                        () -> smtp.get(e.target()).acceptRecipients());
                case SMTP_DROP_AFTER_DATA -> smtp.get(e.target()).dropAfterData(e.amount());
                case SMTP_SLOW -> hold(d, () -> smtp.get(e.target()).slowData(
                                Duration.ofMillis(1000 + new Random(e.at().toMillis()).nextInt(1500))),
                        () -> smtp.get(e.target()).slowData(BASE_SMTP_DELAY));
            }
        }

        /** A step of a fault or its undoing. */
        private interface Step {
            void run() throws Exception;
        }

        /** Puts a fault in place for {@code d} (the scenario's time: nothing to wait for), then undoes it whatever happens. */
        private static void hold(Duration d, Step fault, Step undo) throws Exception {
            fault.run();
            try {
                Thread.sleep(d.toMillis());
            } finally {
                undo.run();
            }
        }

        private void awaitReplicated() {
            cluster.awaitFullyReplicated(Duration.ofSeconds(180), topics.requests(), topics.outcomes(), topics.quota(),
                    topics.retry(), topics.dlq(), "__consumer_offsets");
        }

        /** Whatever a fault left behind is undone (all normally are already). */
        void healAll() throws Exception {
            for (int b = 0; b < KafkaCluster.BROKERS; b++) {
                cluster.restart(b);
            }
            for (int w = 0; w < WORKERS; w++) {
                cluster.healWorker(w);
            }
            workers.ensureRunning();
            for (ScriptedSmtpServer s : smtp) {
                s.acceptData().acceptRecipients().slowData(BASE_SMTP_DELAY).dropAfterData(0);
            }
        }
    }

    /** Bounce reports dropped into the IMAP mailbox now and then, each about a message the servers accepted. */
    static final class Bounces {
        static final Duration EVERY = Duration.ofSeconds(20);
        private final GreenMail imap;
        private final List<ScriptedSmtpServer> smtp;
        private final Random random;
        private final PrintStream out;
        private final List<String> recipients = new ArrayList<>();
        private Instant next;

        Bounces(GreenMail imap, List<ScriptedSmtpServer> smtp, Random random, PrintStream out) {
            this.imap = imap;
            this.smtp = smtp;
            this.random = random;
            this.out = out;
        }

        void maybeDeliver(Instant start) throws Exception {
            if (next == null) {
                next = start.plus(EVERY);
            }
            if (Instant.now().isBefore(next)) {
                return;
            }
            next = next.plus(EVERY);
            List<String> candidates = new ArrayList<>();
            for (ScriptedSmtpServer s : smtp) {
                for (ScriptedSmtpServer.Received r : s.received()) {
                    String rcpt = s.envelopeOf(r.message()).stream().findFirst().orElse(null);
                    if (rcpt != null && !recipients.contains(rcpt)) {
                        candidates.add(rcpt);
                    }
                }
            }
            if (candidates.isEmpty()) {
                return;
            }
            String recipient = candidates.get(random.nextInt(candidates.size()));
            String reportId = "report-" + recipients.size() + "-" + Math.abs(random.nextLong());
            imap.setUser("bounces@sandbox.test", "bounces", "bounce-secret").deliver(new MimeMessage(
                    Session.getInstance(new Properties()), new ByteArrayInputStream(BounceReports.userUnknown(reportId, "a@a.example", recipient))));
            recipients.add(recipient);
            out.println("chaos: bounce report about " + recipient + " dropped into the mailbox");
        }

        List<String> reports() {
            return List.copyOf(recipients);
        }
    }
}
