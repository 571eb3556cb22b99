package io.mailpipe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.inbox.BounceEvent;
import io.mailpipe.inbox.InboxJson;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.ScriptedSmtpServer;
import io.mailpipe.testing.TestWorkers;

/**
 * Fault 6: the IMAP server of a bounce mailbox goes down (its port accepts connections and closes them at once,
 * and the attempts are counted) and comes back on the same port with the report it had not handed over yet. The
 * poller backs off (a handful of attempts, not one per poll interval; the log says so), recovers, and publishes every
 * bounce event once.
 */
class ImapOutageIT {

    static final Duration DOWN = Duration.ofSeconds(FaultKit.BIG ? 60 : 20);

    @Test
    void thePollerBacksOffRecoversAndPublishesNothingTwice() throws Exception {
        Path dir = FaultKit.dir("imap-outage");
        int imapPort = ScriptedSmtpServer.freePort();
        ScriptedSmtpServer smtp = new ScriptedSmtpServer();
        GreenMail imap = greenMail(imapPort);
        KafkaSettings.Topics topics = TestWorkers.topics("imap-outage");
        TestWorkers.config(topics, List.of(TestWorkers.account("shop", smtp.port(), "Shop <shop@shop.example>", false, null)));
        Path config = FaultKit.writeConfig(dir, "worker", TestWorkers.kafkaYaml(topics) + """
                accounts:
                  - {name: shop, host: 127.0.0.1, port: %d, security: none, from: "Shop <shop@shop.example>"}
                bounces:
                  - {name: sandbox, protocol: imap, host: 127.0.0.1, port: %d, username: bounces, password: bounce-secret, pollInterval: PT1S,
                     allowPlaintextAuth: true}
                """.formatted(smtp.port(), imapPort));
        Path log = dir.resolve("worker.log");
        Process worker = FaultKit.startWorker(config, log);
        // the worker creates mail.bounces at start-up
        try (KafkaIO.Collector bounces = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> new KafkaIO.Collector(topics.bounces()), java.util.Objects::nonNull)) {
            deliver(imap, report("report-a", "a@example.org"));
            await().atMost(Duration.ofSeconds(90)).until(() -> events(bounces).size() == 1);

            // down: the port still accepts, and closes every connection at once
            imap.stop();
            AtomicInteger attempts = new AtomicInteger();
            Duration cpuBefore = FaultKit.cpu(worker);
            long wallBefore = System.nanoTime();
            try (ServerSocket dead = new ServerSocket(imapPort, 50, InetAddress.getLoopbackAddress())) {
                Thread acceptor = new Thread(() -> {
                    while (!dead.isClosed()) {
                        try (Socket s = dead.accept()) {
                            attempts.incrementAndGet();
                        } catch (IOException closed) {
                            return;
                        }
                    }
                }, "dead-imap");
                acceptor.start();
                Thread.sleep(DOWN.toMillis()); // the outage itself: the scenario's time, nothing to wait for
            }
            double wall = (System.nanoTime() - wallBefore) / 1e9;
            double share = FaultKit.cpu(worker).minus(cpuBefore).toMillis() / 1000.0 / wall;
            String during = FaultKit.log(log);

            // back, with report A still in the mailbox (never moved out) and a new report B
            imap = greenMail(imapPort);
            deliver(imap, report("report-a", "a@example.org"));
            deliver(imap, report("report-b", "b@example.org"));
            long backAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(120)).until(() -> events(bounces).stream().anyMatch(e -> e.recipient().equals("b@example.org")));
            double recovery = (System.nanoTime() - backAt) / 1e9;
            String text = FaultKit.log(log);
            await().atMost(Duration.ofSeconds(30)).until(() -> FaultKit.log(log).contains("polled again after"));

            Map<String, Long> perEvent = events(bounces).stream().collect(Collectors.groupingBy(BounceEvent::eventId, Collectors.counting()));
            assertThat(perEvent).as("bounce events per eventId").hasSize(2).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            Map<String, Long> perRecipient = events(bounces).stream()
                    .collect(Collectors.groupingBy(BounceEvent::recipient, Collectors.counting()));
            assertThat(perRecipient).containsOnly(Map.entry("a@example.org", 1L), Map.entry("b@example.org", 1L));
            // a poll every second would have made ~DOWN attempts; the back-off makes a handful
            long pollSeconds = DOWN.toSeconds();
            assertThat(attempts.get()).as("IMAP connection attempts while down").isBetween(1, (int) (Math.log(pollSeconds) / Math.log(2)) + 4);
            assertThat(during).contains("backing off");
            // no busy loop (a spinning thread takes a whole core); room for a busy machine and a freshly started JVM
            assertThat(share).as("CPU share of one core while IMAP is down").isLessThan(0.25);
            FaultKit.report("imap-down", String.format("down %d s: %d IMAP connection attempt(s) (poll interval 1 s), %d 'backing off'"
                            + " log line(s), worker CPU %.1f %% of one core; polling again %.1f s after the server was back;"
                            + " 2 reports (one read before and again after) -> 2 bounce events, each once",
                    DOWN.toSeconds(), attempts.get(), FaultKit.count(text, "backing off"), share * 100, recovery));
        } finally {
            FaultKit.stop(worker);
            imap.stop();
            smtp.close();
        }
    }

    private static GreenMail greenMail(int imapPort) {
        GreenMail mail = new GreenMail(new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        mail.start();
        mail.setUser("bounces@sandbox.test", "bounces", "bounce-secret");
        return mail;
    }

    private static List<BounceEvent> events(KafkaIO.Collector bounces) {
        return bounces.records().stream().map(r -> InboxJson.readEvent(r.value())).toList();
    }

    private static void deliver(GreenMail mail, byte[] raw) throws Exception {
        mail.setUser("bounces@sandbox.test", "bounces", "bounce-secret").deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw)));
    }

    /** A DSN with its own Message-ID (the report id) for one recipient. */
    private static byte[] report(String reportId, String recipient) {
        return io.mailpipe.testing.BounceReports.userUnknown(reportId, "shop@shop.example", recipient);
    }
}
