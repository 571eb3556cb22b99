package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.mailpipe.bounce.BounceParser;
import io.mailpipe.bounce.BounceRecord;
import io.mailpipe.config.BounceMailbox;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.testing.DovecotServer;
import io.mailpipe.testing.KafkaIO;
import io.mailpipe.testing.LogCapture;
import io.mailpipe.testing.TestWorkers;
import io.mailpipe.worker.Worker;

/**
 * The bounce pipeline against a real Dovecot (Debian's dovecot-imapd, started by the test as its own process): reports
 * whose From has no domain (Dovecot's ENVELOPE says MISSING_MAILBOX / MISSING_DOMAIN), NUL bytes, raw 8-bit headers,
 * a very large body; more than a poll's worth of messages that cannot leave the folder in front of a good report; and,
 * when the shared corpus is there, every corpus report through the server, whose events must equal what
 * {@code parse-bounce} says of the file. Real Kafka broker, real IMAP server. Skipped with a message without Dovecot
 * ({@code -Dmailpipe.requireDovecot=true} makes that a failure).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DovecotBouncePipelineIT {

    static final Path CORPUS = Path.of(System.getProperty("mailpipe.bouncesDir", "../shared/bounces"));
    static final List<String> CORPUS_GROUPS = List.of("bsd", "dos", "mac", "err", "not");
    /** More than camel-mail's maxMessagesPerPoll (100) in front of the good report. */
    static final int STUCK = 130;
    /** A folder name Dovecot refuses ("Invalid mailbox name: Begins with '~'"): moves there always fail. */
    static final String REFUSED_FOLDER = "~refused";

    static DovecotServer dovecot;
    static Worker worker;
    static KafkaIO.Collector bounces;
    static KafkaIO.Collector unparsed;
    static LogCapture logs;
    static final BounceParser PARSER = new BounceParser();
    static byte[] goodBehindTheCrowd;
    /** Per corpus mailbox: file to the bytes the server serves for it. */
    static final Map<String, Map<String, byte[]>> CORPUS_SERVED = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        DovecotServer.assumeAvailable("DovecotBouncePipelineIT");
        boolean corpus = Files.isRegularFile(CORPUS.resolve("expected.jsonl"));
        List<String> users = new ArrayList<>(List.of("awkward", "crowd"));
        if (corpus) {
            CORPUS_GROUPS.forEach(g -> users.add("corpus-" + g));
        } else {
            System.err.println("DovecotBouncePipelineIT: no corpus at " + CORPUS.toAbsolutePath()
                    + ": the file-by-file comparison is skipped");
        }
        dovecot = DovecotServer.start(users);

        // in front of the good report: more than a poll's worth of domainless non-reports whose move always fails
        for (int i = 0; i < STUCK; i++) {
            dovecot.deliver("crowd", crlf("From: MAILER-DAEMON\nSubject: note " + i + "\nMessage-ID: <stuck-" + i
                    + "@crowd.example>\n\nNot a report, just text number " + i + ".\n"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> dovecot.count("crowd", "INBOX") == STUCK); // UIDs assigned
        goodBehindTheCrowd = dsn("From: MAILER-DAEMON", "behind-the-crowd@mx.example.org", "late@example.com",
                "550 5.1.1 <late@example.com>: Recipient address rejected: User unknown in local recipient table", "");
        dovecot.deliver("crowd", goodBehindTheCrowd);

        if (corpus) {
            deliverCorpus();
        }

        KafkaSettings.Topics topics = TestWorkers.topics("dovecot");
        List<BounceMailbox.Settings> boxes = new ArrayList<>();
        boxes.add(mailbox("awkward", null));
        boxes.add(mailbox("crowd", REFUSED_FOLDER));
        if (corpus) {
            CORPUS_GROUPS.forEach(g -> boxes.add(mailbox("corpus-" + g, null)));
        }
        // an account nobody sends through: this worker only reads bounces
        MailpipeConfig config = TestWorkers.config(topics, List.of(TestWorkers.account("unused",
                io.mailpipe.kafka.LocalKafkaBroker.freePort(), "shop@shop.example", false, null)))
                .withBounces(BounceMailbox.resolve(boxes));
        logs = LogCapture.begin();
        worker = Worker.start(config);
        bounces = new KafkaIO.Collector(topics.bounces());
        unparsed = new KafkaIO.Collector(topics.bouncesUnparsed());
    }

    private static BounceMailbox.Settings mailbox(String user, String unparsedFolder) {
        return new BounceMailbox.Settings(user, "imap", "127.0.0.1", dovecot.port(), user, DovecotServer.PASSWORD, null,
                null, null, unparsedFolder, Duration.ofSeconds(1), null, true);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {worker, bounces, unparsed, logs}) {
            if (c != null) {
                c.close();
            }
        }
        if (dovecot != null) {
            dovecot.close();
            dovecot.deleteFiles();
        }
    }

    /** Stuck messages never fill a poll: the good report behind 130 of them is published, and they stay. */
    @Test
    @Order(1)
    void aGoodReportBehindMoreThanAPollOfStuckMessagesIsRead() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> eventsOf("crowd").stream()
                .anyMatch(e -> "late@example.com".equals(e.recipient())));
        BounceEvent late = eventsOf("crowd").stream().filter(e -> "late@example.com".equals(e.recipient())).findFirst().orElseThrow();
        assertSameAs(late, PARSER.parse(goodBehindTheCrowd).records().get(0));
        await().atMost(Duration.ofSeconds(30)).until(() -> dovecot.count("crowd", BounceMailbox.DEFAULT_PROCESSED_FOLDER) == 1);
        // the others could not be moved (their folder is refused): still there, published once each, logged once
        assertThat(dovecot.count("crowd", "INBOX")).isEqualTo(STUCK);
        await().atMost(Duration.ofSeconds(30)).until(() -> unparsedOf("crowd").size() == STUCK);
        long moveFailureLines = logs.lines().stream().filter(l -> l.contains("moving a message out of the folder failed")).count();
        assertThat(moveFailureLines).as("the same move failure, logged once").isEqualTo(1);
        assertThat(logs.lines()).noneMatch(l -> l.contains("crowd") && l.contains("\tat "));
    }

    /** Awkward reports delivered while the worker runs: every one leaves INBOX, the events equal parse-bounce. */
    @Test
    @Order(2)
    void awkwardReportsAllLeaveTheInbox() throws Exception {
        Map<String, byte[]> reports = new LinkedHashMap<>();
        reports.put("no domain", dsn("From: MAILER-DAEMON", "r1@mx.example.org", "one@example.com",
                "550 5.1.1 <one@example.com>: Recipient address rejected: User unknown in virtual mailbox table", ""));
        reports.put("null sender", dsn("From: <>", "r2@mx.example.org", "two@example.com",
                "552 5.2.2 <two@example.com>: Mailbox full", ""));
        reports.put("named daemon", dsn("From: Mail Delivery Subsystem <MAILER-DAEMON>", "r3@mx.example.org",
                "three@example.com", "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", ""));
        reports.put("NUL bytes", dsn("From: MAILER-DAEMON\nX-Junk: a\0b", "r4@mx.example.org", "four@example.com",
                "550 5.1.1 <four@example.com>... User unknown", "Some\0binary\0noise in the text.\n", "Hello\0\n"));
        reports.put("8-bit headers", dsn("From: Zustellsystem \u00dcberlauf <MAILER-DAEMON>\nSubject: Unzustellbar: Gr\u00f6\u00dfe",
                "r5@mx.example.org", "five@example.com", "550 5.1.2 Host unknown", ""));
        reports.put("large body", dsn("From: MAILER-DAEMON", "r6@mx.example.org", "six@example.com",
                "550 5.1.1 <six@example.com>: no such user", "", "x".repeat(76).concat("\n").repeat(250_000)));
        byte[] notAReport = crlf("From: MAILER-DAEMON\nMessage-ID: <not-a-report@mx.example.org>\nSubject: hello\n\n"
                + "Just a note.\n");
        for (byte[] r : reports.values()) {
            dovecot.deliver("awkward", r);
        }
        dovecot.deliver("awkward", notAReport);

        await().atMost(Duration.ofSeconds(120)).until(() -> dovecot.count("awkward", "INBOX") == 0);
        assertThat(dovecot.count("awkward", BounceMailbox.DEFAULT_PROCESSED_FOLDER)).isEqualTo(reports.size());
        assertThat(dovecot.count("awkward", BounceMailbox.DEFAULT_UNPARSED_FOLDER)).isEqualTo(1);
        for (Map.Entry<String, byte[]> r : reports.entrySet()) {
            List<BounceRecord> expected = PARSER.parse(r.getValue()).records();
            String reportId = BounceIntake.reportId("awkward", r.getValue());
            List<BounceEvent> actual = eventsOf("awkward").stream().filter(e -> e.reportId().equals(reportId)).toList();
            assertThat(actual).as(r.getKey()).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSameAs(actual.get(i), expected.get(i));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !unparsedOf("awkward").isEmpty());
        UnparsedMessage u = unparsedOf("awkward").get(0);
        assertThat(u.reportId()).isEqualTo("awkward/<not-a-report@mx.example.org>");
        assertThat(Base64.getDecoder().decode(u.raw())).isEqualTo(notAReport);
    }

    /** Every corpus report through the server: each leaves INBOX; its events equal parse-bounce of the file. */
    @Test
    @Order(3)
    void theCorpusThroughDovecotEqualsParseBounce() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(CORPUS_SERVED.isEmpty(), "no corpus at " + CORPUS.toAbsolutePath());
        for (String box : CORPUS_SERVED.keySet()) {
            await().atMost(Duration.ofSeconds(180)).until(() -> dovecot.count(box, "INBOX") == 0);
        }
        int files = 0;
        int withEvents = 0;
        List<String> different = new ArrayList<>();
        for (Map.Entry<String, Map<String, byte[]>> box : CORPUS_SERVED.entrySet()) {
            Map<String, List<String>> filesByReport = new HashMap<>();
            box.getValue().forEach((file, served) -> filesByReport
                    .computeIfAbsent(BounceIntake.reportId(box.getKey(), served), k -> new ArrayList<>()).add(file));
            Map<String, List<BounceEvent>> events = new HashMap<>();
            eventsOf(box.getKey()).forEach(e -> events.computeIfAbsent(e.reportId(), k -> new ArrayList<>()).add(e));
            for (Map.Entry<String, List<String>> report : filesByReport.entrySet()) {
                List<BounceEvent> actual = events.getOrDefault(report.getKey(), List.of());
                files += report.getValue().size();
                withEvents += actual.isEmpty() ? 0 : 1;
                // several files with one report id (one Message-ID): an event id is published once, by whichever file
                // was read first; each event must be what one of them says at that position
                List<List<BounceRecord>> expected = report.getValue().stream().map(f -> PARSER.parse(read(f)).records()).toList();
                if (!sameAsOneOf(actual, expected)) {
                    different.add(box.getKey() + " " + report.getValue());
                }
            }
        }
        System.out.println("DovecotBouncePipelineIT: " + files + " corpus files through Dovecot, " + withEvents
                + " reports with events, " + different.size() + " differing from parse-bounce");
        assertThat(different).as("reports whose events differ from parse-bounce of the file").isEmpty();
        assertThat(files).isEqualTo(476);
    }

    // ---- helpers

    private static void deliverCorpus() throws Exception {
        for (String group : CORPUS_GROUPS) {
            String box = "corpus-" + group;
            try (Stream<Path> files = Files.list(CORPUS.resolve("eml").resolve(group))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
                    byte[] raw = Files.readAllBytes(f);
                    dovecot.deliver(box, raw);
                    CORPUS_SERVED.computeIfAbsent(box, k -> new LinkedHashMap<>()).put(CORPUS.relativize(f).toString(), null);
                }
            }
            // the bytes the server serves for each file (line endings may differ): matched by their content
            Map<String, byte[]> servedByContent = new HashMap<>();
            for (byte[] served : dovecot.inboxBytes(box)) {
                servedByContent.put(contentKey(served), served);
            }
            for (String file : new ArrayList<>(CORPUS_SERVED.get(box).keySet())) {
                byte[] served = servedByContent.get(contentKey(read(file)));
                assertThat(served).as("the server serves " + file).isNotNull();
                CORPUS_SERVED.get(box).put(file, served);
            }
        }
    }

    /** The message's bytes without line ends: the same for a file and what the server serves of it. */
    private static String contentKey(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (byte b : raw) {
            if (b != '\r' && b != '\n') {
                out.write(b == 0 ? (byte) 0x80 : b); // Dovecot serves NUL as 0x80
            }
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
    }

    private static byte[] read(String file) {
        try {
            return Files.readAllBytes(CORPUS.resolve(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<BounceEvent> eventsOf(String mailbox) {
        List<BounceEvent> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : bounces.records()) {
            BounceEvent e = InboxJson.readEvent(r.value());
            if (e.mailbox().equals(mailbox)) {
                out.add(e);
            }
        }
        out.sort(java.util.Comparator.comparing(BounceEvent::eventId, java.util.Comparator.comparingInt(
                (String id) -> id.length()).thenComparing(id -> id)));
        return out;
    }

    private static List<UnparsedMessage> unparsedOf(String mailbox) {
        return unparsed.records().stream().map(r -> InboxJson.readUnparsed(r.value()))
                .filter(u -> u.mailbox().equals(mailbox)).toList();
    }

    private static boolean sameAsOneOf(List<BounceEvent> actual, List<List<BounceRecord>> candidates) {
        int most = candidates.stream().mapToInt(List::size).max().orElse(0);
        if (actual.size() != most) {
            return false;
        }
        for (int i = 0; i < most; i++) {
            int at = i;
            List<Object> got = fields(actual.get(i));
            if (candidates.stream().noneMatch(c -> c.size() > at && fields(c.get(at)).equals(got))) {
                return false;
            }
        }
        return true;
    }

    private static void assertSameAs(BounceEvent actual, BounceRecord expected) {
        assertThat(fields(actual)).isEqualTo(fields(expected));
    }

    /** What parse-bounce prints and a bounce event carries alike. */
    private static List<Object> fields(BounceEvent e) {
        return java.util.Arrays.asList(e.kind(), e.recipient(), e.status(), e.replyCode(), e.action(), e.reason(), e.hard(),
                e.diagnostic(), e.reportingMta(), e.remoteMta(), e.originalMessageId(), e.feedbackType(), e.detector());
    }

    private static List<Object> fields(BounceRecord r) {
        return java.util.Arrays.asList(r.kind().jsonName(), r.recipient(), r.status(), r.replyCode(), r.action(),
                r.reason().jsonName(), r.hard(), r.diagnostic(), r.reportingMta(), r.remoteMta(), r.originalMessageId(),
                r.feedbackType(), r.detector());
    }

    private static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] dsn(String fromLines, String messageId, String recipient, String diagnostic, String extraText) {
        return dsn(fromLines, messageId, recipient, diagnostic, extraText, null);
    }

    /**
     * An RFC 3464 report with the given From line(s), Message-ID, recipient and diagnostic, text added to its first
     * part, and the returned message's body (its headers only when null).
     */
    private static byte[] dsn(String fromLines, String messageId, String recipient, String diagnostic, String extraText,
                              String returnedBody) {
        return crlf(fromLines + "\n"
                + "To: shop@shop.example\n"
                + "Message-ID: <" + messageId + ">\n"
                + "Subject: Undelivered Mail Returned to Sender\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n"
                + "--b1\nContent-Type: text/plain; charset=utf-8\n\nYour message could not be delivered.\n" + extraText + "\n"
                + "--b1\nContent-Type: message/delivery-status\n\n"
                + "Reporting-MTA: dns; mx.example.org\n\n"
                + "Final-Recipient: rfc822; " + recipient + "\n"
                + "Action: failed\n"
                + "Status: " + diagnostic.substring(4, 9).strip() + "\n"
                + "Remote-MTA: dns; mx.example.org\n"
                + "Diagnostic-Code: smtp; " + diagnostic + "\n\n"
                + "--b1\nContent-Type: " + (returnedBody == null ? "text/rfc822-headers" : "message/rfc822") + "\n\n"
                + "From: Shop <shop@shop.example>\nTo: " + recipient + "\nSubject: hello\nMessage-ID: <orig-" + messageId + ">\n\n"
                + (returnedBody == null ? "" : returnedBody + "\n")
                + "--b1--\n");
    }
}
