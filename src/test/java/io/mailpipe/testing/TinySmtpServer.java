package io.mailpipe.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small SMTP server on a raw socket for protocol tests that SubEthaSMTP cannot script: it can insist on pipelining
 * (answer nothing before DATA arrives), check that a client speaks lock-step, drop the connection after the final
 * dot, close a session after some messages, answer RSET with 421. One thread per connection; every received command
 * and message is kept. Replies are what Postfix sends.
 */
public final class TinySmtpServer implements AutoCloseable {

    /** Advertise PIPELINING in the EHLO reply (default true). */
    public volatile boolean pipelining = true;
    /** The SIZE limit advertised (0: no SIZE extension). */
    public volatile long sizeLimit = 10_240_000;
    /** Advertise SMTPUTF8 (default true). */
    public volatile boolean smtpUtf8 = true;
    /** Answer MAIL/RCPT/DATA only once DATA arrived: a client that waits for each reply never gets one. */
    public volatile boolean holdRepliesUntilData;
    /** The 1-based message number (across connections) after whose final dot the connection is dropped, or 0. */
    public volatile int dropAfterDotOfMessage;
    /** A connection is closed by the server (no reply pending) right after this many messages, or 0 for never. */
    public volatile int closeAfterMessages;
    /** RSET gets "421 4.4.2 closing" and the connection is closed. */
    public volatile boolean refuseRset;
    /** A reply for RCPT TO by address (null: 250). */
    public volatile Function<String, String> rcptReply = a -> null;
    /** A reply for MAIL FROM by address (null: 250). */
    public volatile Function<String, String> mailReply = a -> null;
    /** The reply to DATA instead of 354 (null: 354 when a recipient was accepted). */
    public volatile String dataReply;
    /** After the 354 the server stops reading (a stuck peer): the client's writes block once the buffers are full. */
    public volatile boolean stallAfterData;
    /** The reply after the final dot. */
    public volatile String finalReply = "250 2.0.0 Ok: queued as TINY";
    /** How long the server waits before its reply to the final dot (a slow server). */
    public volatile long finalReplyDelayMillis;

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final AtomicInteger dots = new AtomicInteger();
    private volatile boolean lockStepViolated;

    public TinySmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "tiny-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    /** The most connections open at once. */
    public int mostOpenAtOnce() {
        return mostOpen.get();
    }

    /** Every command line received, in order (AUTH lines included). */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** The DATA of every message whose final dot the server read, as sent (dot-stuffing kept). */
    public List<byte[]> messages() {
        return List.copyOf(messages);
    }

    /** Whether a client without PIPELINING sent a command before the reply to the previous one. */
    public boolean lockStepViolated() {
        return lockStepViolated;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                connections.incrementAndGet();
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                Thread t = new Thread(() -> serve(s), "tiny-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Lines lines = new Lines(in);
            write(out, "220 tiny.test ESMTP");
            List<String> held = new ArrayList<>();
            int messagesHere = 0;
            boolean anyRcpt = false;
            boolean mailRefused = false;
            while (true) {
                String line = lines.readLine();
                if (line == null) {
                    return;
                }
                commands.add(line);
                if (!pipelining && lines.buffered() > 0) {
                    lockStepViolated = true;
                }
                String upper = line.toUpperCase(Locale.ROOT);
                String reply;
                if (upper.startsWith("EHLO")) {
                    reply = (pipelining ? "250-tiny.test\r\n250-PIPELINING\r\n" : "250-tiny.test\r\n")
                            + (smtpUtf8 ? "250-SMTPUTF8\r\n" : "") + (sizeLimit > 0 ? "250-SIZE " + sizeLimit + "\r\n" : "") + "250 8BITMIME";
                } else if (upper.startsWith("HELO")) {
                    reply = "250 tiny.test";
                } else if (upper.equals("RSET")) {
                    if (refuseRset) {
                        write(out, "421 4.4.2 tiny.test Error: timeout exceeded");
                        return;
                    }
                    anyRcpt = false;
                    reply = "250 2.0.0 Ok";
                } else if (upper.startsWith("MAIL FROM:")) {
                    anyRcpt = false;
                    String scripted = mailReply.apply(line.substring(line.indexOf('<') + 1, line.indexOf('>')));
                    reply = scripted != null ? scripted : "250 2.1.0 Ok";
                    mailRefused = scripted != null;
                } else if (upper.startsWith("RCPT TO:")) {
                    String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                    String scripted = rcptReply.apply(address);
                    reply = scripted != null ? scripted : "250 2.1.5 Ok";
                    anyRcpt |= scripted == null && !mailRefused;
                } else if (upper.equals("DATA")) {
                    String answer = !anyRcpt ? "554 5.5.1 Error: no valid recipients"
                            : dataReply != null ? dataReply : "354 End data with <CR><LF>.<CR><LF>";
                    held.add(answer);
                    write(out, String.join("\r\n", held));
                    held.clear();
                    if (!answer.startsWith("354")) {
                        continue;
                    }
                    if (stallAfterData) {
                        while (!s.isClosed() && s.getInputStream().read() >= 0 && stallAfterData) {
                            Thread.sleep(60_000); // reads nothing more while stalled; the client gives up first
                        }
                        return;
                    }
                    byte[] data = lines.readData();
                    if (data == null) {
                        return;
                    }
                    int number = dots.incrementAndGet();
                    messages.add(data);
                    if (number == dropAfterDotOfMessage) {
                        return; // the message is here, the reply never leaves
                    }
                    if (finalReplyDelayMillis > 0) {
                        Thread.sleep(finalReplyDelayMillis);
                    }
                    write(out, finalReply);
                    messagesHere++;
                    if (closeAfterMessages > 0 && messagesHere >= closeAfterMessages) {
                        return; // like a server closing an idle session
                    }
                    continue;
                } else if (upper.equals("QUIT")) {
                    write(out, "221 2.0.0 Bye");
                    return;
                } else if (upper.equals("NOOP")) {
                    reply = "250 2.0.0 Ok";
                } else {
                    reply = "502 5.5.2 Error: command not recognized";
                }
                boolean transaction = upper.startsWith("MAIL") || upper.startsWith("RCPT");
                if (holdRepliesUntilData && transaction) {
                    held.add(reply);
                } else {
                    write(out, reply);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        } finally {
            open.decrementAndGet();
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Buffered reading of CRLF lines and of DATA up to the final dot. */
    private static final class Lines {
        private final InputStream in;
        private final byte[] buf = new byte[65536];
        private int pos;
        private int lim;

        Lines(InputStream in) {
            this.in = in;
        }

        int buffered() {
            return lim - pos;
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (pos == lim && !fill()) {
                    return null;
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, len, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        }

        /** The DATA bytes before the line ".", or null when the connection ended first. */
        byte[] readData() throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            while (true) {
                String line = readRawLine();
                if (line == null) {
                    return null;
                }
                if (line.equals(".\r\n")) {
                    return data.toByteArray();
                }
                data.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            }
        }

        private String readRawLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (pos == lim && !fill()) {
                    return null;
                }
                byte b = buf[pos++];
                line.write(b);
                if (b == '\n') {
                    return line.toString(StandardCharsets.ISO_8859_1);
                }
            }
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            lim = n;
            return true;
        }
    }
}
