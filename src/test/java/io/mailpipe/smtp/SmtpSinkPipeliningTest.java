package io.mailpipe.smtp;

import static io.mailpipe.smtp.SmtpTestMessages.account;
import static io.mailpipe.smtp.SmtpTestMessages.message;
import static io.mailpipe.smtp.SmtpTestMessages.pipelining;
import static io.mailpipe.smtp.SmtpTestMessages.withConcurrency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.ScriptedSmtpServer;

/**
 * The pipelining client against a real MTA that offers PIPELINING: Postfix' {@code smtp-sink}. Skipped when it is not
 * installed (Debian: {@code apt-get install postfix}).
 */
class SmtpSinkPipeliningTest {

    private static final Path SMTP_SINK = Path.of("/usr/sbin/smtp-sink");

    @Test
    void manyThreadsOverPooledPipelinedSessionsDeliverEveryMessageOnce() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SMTP_SINK),
                "Postfix smtp-sink is not installed (/usr/sbin/smtp-sink): apt-get install postfix to run this test");
        Path dir = Files.createTempDirectory("smtp-sink", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path dump = dir.resolve("dump");
        int port = ScriptedSmtpServer.freePort();
        List<String> command = new ArrayList<>(List.of(SMTP_SINK.toString(), "-D", dump.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of("127.0.0.1:" + port, "100"));
        Process sink = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sink.log").toFile()).start();
        int messages = 200;
        try {
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                }
            });
            try (PooledMailSender sender = new PooledMailSender(withConcurrency(account(port), 4), pipelining())) {
                ExecutorService threads = Executors.newFixedThreadPool(8);
                try {
                    List<Future<?>> sends = new ArrayList<>();
                    for (int i = 0; i < messages; i++) {
                        var m = message(sender.account(), ".line " + i + "\n", "sink" + i + "@example.com");
                        sends.add(threads.submit(() -> {
                            sender.send(m);
                            assertThat(m.serverReply()).startsWith("250");
                            return null;
                        }));
                    }
                    for (Future<?> f : sends) {
                        f.get();
                    }
                } finally {
                    threads.shutdownNow();
                }
                assertThat(sender.openSessions()).isLessThanOrEqualTo(4);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dump)
                    && count(Files.readString(dump, StandardCharsets.ISO_8859_1)) == messages);
            String all = Files.readString(dump, StandardCharsets.ISO_8859_1);
            // the server undid the dot-stuffing: the body line is as written
            assertThat(all).contains("\n.line 7\n").doesNotContain("..line");
        } finally {
            sink.destroy();
            sink.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static int count(String dump) {
        Matcher m = Pattern.compile("X-Mailpipe-Id: ").matcher(dump);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
