package io.mailpipe.loadtest;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Baselines (a) and (b): stock Jakarta Mail (Angus) written as a user would, no tuning flags, no Kafka. Runs in its
 * own JVM with only Jakarta Mail on the class path (see {@link Baselines}); {@code THREADS} threads share the
 * {@code MESSAGES} sends.
 * <ul>
 *   <li>{@code per-message}: {@code Transport.send(message)}, a new connection for every message (what camel-mail does);</li>
 *   <li>{@code reused}: one {@code Transport} per thread, connected once, {@code sendMessage} for every message.</li>
 * </ul>
 * Prints one line: {@code BASELINE sent=N failed=F nanos=T cpuNanos=C firstError=...}.
 */
public final class JakartaMailBaseline {

    private JakartaMailBaseline() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: JakartaMailBaseline per-message|reused HOST PORT THREADS MESSAGES BODY_BYTES");
            System.exit(2);
        }
        boolean reused = switch (args[0]) {
            case "per-message" -> false;
            case "reused" -> true;
            default -> throw new IllegalArgumentException("mode must be per-message or reused, not " + args[0]);
        };
        Properties props = new Properties();
        props.put("mail.smtp.host", args[1]);
        props.put("mail.smtp.port", args[2]);
        Session session = Session.getInstance(props);
        int threads = Integer.parseInt(args[3]);
        int messages = Integer.parseInt(args[4]);
        LoadMessage message = LoadMessage.ofBodySize(Integer.parseInt(args[5]));

        AtomicInteger next = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>("");
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                Transport transport = null;
                try {
                    if (reused) {
                        transport = session.getTransport("smtp");
                        transport.connect();
                    }
                    int i;
                    while ((i = next.getAndIncrement()) < messages) {
                        try {
                            MimeMessage m = new MimeMessage(session);
                            m.setFrom(new InternetAddress(message.from()));
                            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(message.to()));
                            m.setSubject(message.subject() + " " + i);
                            m.setText(message.body(), "UTF-8");
                            if (reused) {
                                m.saveChanges();
                                transport.sendMessage(m, m.getAllRecipients());
                            } else {
                                Transport.send(m);
                            }
                            sent.incrementAndGet();
                        } catch (MessagingException e) {
                            failed.incrementAndGet();
                            firstError.compareAndSet("", e.toString());
                        }
                    }
                } catch (MessagingException e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet("", e.toString());
                } finally {
                    if (transport != null) {
                        try {
                            transport.close();
                        } catch (MessagingException ignored) {
                            // the messages are counted already; a failing QUIT changes nothing
                        }
                    }
                }
            }, "baseline-" + t);
            workers.add(thread);
            thread.start();
        }
        for (Thread thread : workers) {
            thread.join();
        }
        long nanos = System.nanoTime() - start;
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        System.out.println("BASELINE sent=" + sent + " failed=" + failed + " nanos=" + nanos + " cpuNanos=" + cpu
                + " firstError=" + firstError.get().replace('\n', ' '));
    }
}
