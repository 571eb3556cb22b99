package io.mailpipe.smtp;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import jakarta.mail.Session;

import org.apache.camel.component.mail.JavaMailSender;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MailpipeMimeMessage;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.compose.MessageSpec;
import io.mailpipe.config.SmtpSettings;

/**
 * Measures the SMTP senders alone (no Kafka): N threads send 2 KB messages as fast as they can to a local sink
 * (Postfix {@code smtp-sink -c -u nobody 127.0.0.1:2525 1000}). Not a test: run by hand, see docs/smtp-sessions.md.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.mailpipe.smtp.SenderBenchmark \
 *     [host=127.0.0.1] [port=2525] [threads=8] [seconds=10] [modes=one-shot,jakarta,pipelining]
 * </pre>
 */
public final class SenderBenchmark {

    static {
        // as Worker does: no ServiceLoader scan per message inside jakarta.mail-api
        System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    public static void main(String[] args) throws Exception {
        Properties a = new Properties();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String host = a.getProperty("host", "127.0.0.1");
        int port = Integer.parseInt(a.getProperty("port", "2525"));
        int threads = Integer.parseInt(a.getProperty("threads", "8"));
        int seconds = Integer.parseInt(a.getProperty("seconds", "10"));
        List<String> modes = List.of(a.getProperty("modes", "one-shot,jakarta,pipelining").split(","));
        Account account = new Account("bench", host, port, Security.NONE, null, null, "Bench <bench@example.com>", false,
                new Limits(null, null, null, threads), null, null, Duration.ofSeconds(30));
        System.out.printf("%d threads, %d s per mode, 2 KB messages, %s:%d%n", threads, seconds, host, port);
        for (String mode : modes) {
            JavaMailSender sender = switch (mode) {
                case "one-shot" -> new AccountMailSender(account);
                case "jakarta" -> new PooledMailSender(account, new SmtpSettings(SmtpSettings.JAKARTA, threads, 100_000, Duration.ofMinutes(1)));
                case "pipelining" -> new PooledMailSender(account, new SmtpSettings(SmtpSettings.PIPELINING, threads, 100_000, Duration.ofMinutes(1)));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            };
            run(mode, sender, account, threads, 2, false); // warm-up
            run(mode, sender, account, threads, seconds, true);
            if (sender instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    private static void run(String mode, JavaMailSender sender, Account account, int threads, int seconds, boolean report)
            throws Exception {
        LongAdder sent = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(threads);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            MailpipeMimeMessage message = message(account, i);
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        try {
                            sender.send(message);
                            sent.increment();
                        } catch (Exception e) {
                            if (failed.sum() == 0) {
                                System.out.println(mode + ": " + e);
                            }
                            failed.increment();
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpuMillis = (os.getProcessCpuTime() - cpu0) / 1e6;
        if (report) {
            System.out.printf("%-11s %8.0f msg/s  %6.1f us CPU/msg (client JVM)  %d sent, %d failed%n", mode,
                    sent.sum() / elapsed, cpuMillis * 1000 / Math.max(1, sent.sum()), sent.sum(), failed.sum());
        }
    }

    /** A composed message of about 2 KB (one per thread: a MimeMessage is not written by two threads at once). */
    private static MailpipeMimeMessage message(Account account, int n) throws Exception {
        String line = "The quick brown fox jumps over the lazy dog, again and again and again.\n";
        StringBuilder text = new StringBuilder();
        while (text.length() < 1720) {
            text.append(line);
        }
        MessageSpec spec = new MessageSpec("bench-" + n, null, null, List.of("sink" + n + "@example.com"), List.of(),
                List.of(), "Benchmark message " + n, text.toString(), null, null, null, null);
        MailpipeMimeMessage m = new MessageComposer().compose(spec, account, Session.getInstance(new Properties())).message();
        if (n == 0) {
            System.out.println("message size: " + m.sizeBytes() + " bytes");
        }
        return m;
    }
}
