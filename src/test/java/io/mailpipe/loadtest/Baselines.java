package io.mailpipe.loadtest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three baselines of issue 7, each against the same smtp-sink, same message size, no Kafka:
 * (a) Jakarta Mail, new connection per message; (b) Jakarta Mail, one reused connection per thread (both
 * {@link JakartaMailBaseline} in a JVM of its own with only Jakarta Mail on its class path, default JVM flags);
 * (c) Postfix {@code smtp-source -s THREADS -m N -l SIZE -d} (C, sessions reused).
 */
final class Baselines {
    private static final Pattern RESULT = Pattern.compile(
            "BASELINE sent=(\\d+) failed=(\\d+) nanos=(\\d+) cpuNanos=(\\d+) firstError=(.*)");

    /**
     * @param sinkMessages messages the smtp-sink counted during this baseline
     * @param cpu          CPU time of the sending process (-1 when unknown: smtp-source)
     */
    record Result(String name, String description, int messages, int sent, int failed, Duration elapsed, long sinkMessages,
                  Duration cpu, String firstError) {
        double rate() {
            return sent * 1e9 / elapsed.toNanos();
        }

        boolean complete() {
            return failed == 0 && sent == messages && sinkMessages == messages;
        }
    }

    private Baselines() {
    }

    static List<Result> runAll(SmtpSink sink, int threads, int messages, int bodyBytes) throws IOException, InterruptedException {
        List<Result> results = new ArrayList<>();
        results.add(jakarta(sink, "a", "Jakarta Mail, new connection per message (Transport.send), " + threads + " threads",
                "per-message", threads, messages, bodyBytes));
        results.add(jakarta(sink, "b", "Jakarta Mail, one reused connection per thread, " + threads + " threads",
                "reused", threads, messages, bodyBytes));
        results.add(smtpSource(sink, threads, messages, bodyBytes));
        return results;
    }

    private static Result jakarta(SmtpSink sink, String name, String description, String mode, int threads, int messages,
                                  int bodyBytes) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jakartaMailClassPath(), JakartaMailBaseline.class.getName(),
                mode, "127.0.0.1", String.valueOf(sink.port()), String.valueOf(threads), String.valueOf(messages),
                String.valueOf(bodyBytes));
        long before = sink.messages();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("baseline (" + name + ") failed: " + out);
        }
        Matcher m = RESULT.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("baseline (" + name + ") printed no result: " + out);
        }
        int sent = Integer.parseInt(m.group(1));
        long sinkMessages = sink.awaitMessages(before + sent, Duration.ofSeconds(5)) - before;
        return new Result(name, description, messages, sent, Integer.parseInt(m.group(2)), Duration.ofNanos(Long.parseLong(m.group(3))),
                sinkMessages, Duration.ofNanos(Long.parseLong(m.group(4))), m.group(5).trim());
    }

    private static Result smtpSource(SmtpSink sink, int sessions, int messages, int bodyBytes) throws IOException, InterruptedException {
        List<String> cmd = List.of(Postfix.SMTP_SOURCE.toString(), "-d", "-s", String.valueOf(sessions),
                "-m", String.valueOf(messages), "-l", String.valueOf(bodyBytes),
                "-f", "load@load.example", "-t", LoadMessage.TO, "-S", "load test",
                "127.0.0.1:" + sink.port());
        long before = sink.messages();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(30, TimeUnit.MINUTES);
        long nanos = System.nanoTime() - start;
        if (!done || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("baseline (c) smtp-source failed: " + out);
        }
        long sinkMessages = sink.awaitMessages(before + messages, Duration.ofSeconds(5)) - before;
        return new Result("c", "Postfix smtp-source, " + sessions + " reused sessions (-d -s " + sessions + ")", messages,
                (int) sinkMessages, messages - (int) sinkMessages, Duration.ofNanos(nanos), sinkMessages, Duration.ofNanos(-1),
                out.trim());
    }

    /**
     * What a plain Jakarta Mail program has on its class path: the jars this JVM loaded the Jakarta Mail API, Angus Mail
     * and Jakarta Activation from, and the folder (or jar) holding {@link JakartaMailBaseline}.
     */
    static String jakartaMailClassPath() {
        Set<String> keep = new LinkedHashSet<>();
        for (Class<?> c : List.of(jakarta.mail.Session.class, org.eclipse.angus.mail.smtp.SMTPTransport.class,
                jakarta.activation.DataHandler.class, org.eclipse.angus.activation.MailcapFile.class, JakartaMailBaseline.class)) {
            try {
                keep.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException | RuntimeException e) {
                throw new IllegalStateException("cannot tell where " + c.getName() + " was loaded from", e);
            }
        }
        return String.join(File.pathSeparator, keep);
    }
}
