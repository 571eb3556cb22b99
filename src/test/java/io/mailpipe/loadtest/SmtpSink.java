package io.mailpipe.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postfix's {@code smtp-sink} on 127.0.0.1 and a free port: accepts every message and throws it away. With
 * {@code -c} it writes its counters ({@code sess=12 quit=12 mesg=3456}, one update per line ending in CR) after
 * every session, QUIT and received message; this class reads them, so {@link #messages()} is the number of
 * messages (DATA ended by ".") the server received so far.
 */
final class SmtpSink implements AutoCloseable {
    /** One counter update of {@code smtp-sink -c}. */
    static final Pattern COUNTERS = Pattern.compile("sess=(\\d+) quit=(\\d+) mesg=(\\d+)");

    private final Process process;
    private final int port;
    private final Thread reader;
    private final Deque<String> otherOutput = new ArrayDeque<>();
    private volatile long messages;
    private volatile long sessions;

    private SmtpSink(Process process, int port) {
        this.process = process;
        this.port = port;
        this.reader = new Thread(this::readCounters, "smtp-sink-counters");
        reader.setDaemon(true);
        reader.start();
    }

    static SmtpSink start() throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(Postfix.SMTP_SINK.toString(), "-c"));
        if (Postfix.runningAsRoot()) {
            cmd.addAll(List.of("-u", "nobody"));   // required as root: it drops to this user after binding
        }
        cmd.add("127.0.0.1:" + port);
        cmd.add("1000");                           // listen backlog
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        SmtpSink sink = new SmtpSink(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!sink.listening()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                sink.close();
                throw new IllegalStateException("smtp-sink did not listen on 127.0.0.1:" + port + ": " + sink.otherOutput());
            }
            sleep(50);
        }
        return sink;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Messages received so far. */
    long messages() {
        return messages;
    }

    /** SMTP sessions (connections) so far, including the driver's own readiness probe. */
    long sessions() {
        return sessions;
    }

    /** Waits up to {@code timeout} until at least {@code count} messages were received; returns the count then. */
    long awaitMessages(long count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages < count && System.nanoTime() < deadline) {
            sleep(20);
        }
        return messages;
    }

    /** What smtp-sink wrote besides its counters (errors), last lines. */
    synchronized String otherOutput() {
        return String.join(" | ", otherOutput);
    }

    private void readCounters() {
        try (InputStream in = process.getInputStream()) {
            byte[] buf = new byte[8192];
            StringBuilder line = new StringBuilder();
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char c = (char) (buf[i] & 0xff);
                    if (c == '\r' || c == '\n') {
                        accept(line, true);
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
                // an update not yet ended by CR is complete too when its digits stop: smtp-sink flushes per update
                accept(line, false);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private void accept(CharSequence text, boolean complete) {
        if (text.isEmpty()) {
            return;
        }
        Matcher m = COUNTERS.matcher(text);
        boolean any = false;
        while (m.find()) {
            any = true;
            sessions = Math.max(sessions, Long.parseLong(m.group(1)));
            messages = Math.max(messages, Long.parseLong(m.group(3)));
        }
        if (!any && complete && !text.toString().isBlank()) {
            synchronized (this) {
                otherOutput.addLast(text.toString().trim());
                if (otherOutput.size() > 5) {
                    otherOutput.removeFirst();
                }
            }
        }
    }

    private boolean listening() {
        return io.mailpipe.testing.Ports.listening(port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
