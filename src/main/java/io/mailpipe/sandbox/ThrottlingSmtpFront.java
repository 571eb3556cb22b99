package io.mailpipe.sandbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * A small SMTP server of the demo's sandbox that behaves like a mailbox provider throttling an account: it takes the
 * first {@code accepted} messages (and hands them on to the sandbox's GreenMail server, so they are counted with the
 * rest), then refuses every MAIL FROM with {@link #REFUSAL}, in words no reply rule of mailpipe knows. Plain SMTP,
 * no PIPELINING, no authentication; for local use only.
 */
public final class ThrottlingSmtpFront implements AutoCloseable {

    /** What it answers to MAIL FROM once it has taken its messages (as a provider might word it). */
    public static final String REFUSAL = "553 5.7.1 Sorry, we cannot accept mail from this account right now";

    private final ServerSocket server;
    private final int relayPort;
    private final AtomicInteger left;
    private final ExecutorService sessions = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-throttling-smtp");
        t.setDaemon(true);
        return t;
    });

    private ThrottlingSmtpFront(ServerSocket server, int relayPort, int accepted) {
        this.server = server;
        this.relayPort = relayPort;
        this.left = new AtomicInteger(accepted);
    }

    /**
     * Starts a front on a free loopback port.
     *
     * @param relayPort the sandbox SMTP server that receives the messages it takes
     * @param accepted  messages it takes before it pushes back
     */
    public static ThrottlingSmtpFront start(int relayPort, int accepted) {
        try {
            ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            ThrottlingSmtpFront front = new ThrottlingSmtpFront(socket, relayPort, accepted);
            Thread acceptor = new Thread(front::acceptLoop, "sandbox-throttling-smtp-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return front;
        } catch (IOException e) {
            throw new IllegalStateException("could not open the sandbox's throttling SMTP server", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sessions.execute(() -> session(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void session(Socket client) {
        try (client; InputStream in = new BufferedInputStream(client.getInputStream());
             OutputStream out = client.getOutputStream()) {
            reply(out, "220 throttle.sandbox.test ESMTP mailpipe demo sandbox");
            String from = null;
            List<String> to = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    reply(out, "250-throttle.sandbox.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 31457280");
                } else if (upper.startsWith("HELO")) {
                    reply(out, "250 throttle.sandbox.test");
                } else if (upper.startsWith("MAIL FROM:")) {
                    if (left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        from = address(line.substring(10));
                        to.clear();
                        reply(out, "250 2.1.0 Ok");
                    } else {
                        reply(out, REFUSAL);
                    }
                } else if (upper.startsWith("RCPT TO:")) {
                    if (from == null) {
                        reply(out, "503 5.5.1 Error: need MAIL command");
                    } else {
                        to.add(address(line.substring(8)));
                        reply(out, "250 2.1.5 Ok");
                    }
                } else if (upper.equals("DATA")) {
                    if (from == null || to.isEmpty()) {
                        reply(out, "503 5.5.1 Error: need RCPT command");
                        continue;
                    }
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    byte[] message = readData(in);
                    reply(out, relay(message, to) ? "250 2.0.0 Ok: queued" : "451 4.3.0 Error: the sandbox could not take it");
                    from = null;
                    to.clear();
                } else if (upper.equals("RSET")) {
                    from = null;
                    to.clear();
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.equals("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to do in a sandbox
        }
    }

    /** Hands a message it took on to the sandbox's GreenMail server, for the same recipients. */
    private boolean relay(byte[] message, List<String> recipients) {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", "127.0.0.1");
        props.setProperty("mail.smtp.port", String.valueOf(relayPort));
        Session session = Session.getInstance(props);
        try {
            MimeMessage mime = new MimeMessage(session, new ByteArrayInputStream(message));
            Address[] to = new Address[recipients.size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(recipients.get(i), false);
            }
            Transport.send(mime, to);
            return true;
        } catch (MessagingException e) {
            return false;
        }
    }

    private static String address(String path) {
        String p = path.strip();
        int end = p.indexOf('>');
        return p.startsWith("<") && end > 0 ? p.substring(1, end) : p.split(" ")[0];
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line without its CRLF, or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        byte[] line = readLineBytes(in);
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    /** One line's bytes without its CRLF, or null at the end of the stream. */
    private static byte[] readLineBytes(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return java.util.Arrays.copyOf(b, n);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    /** The message's bytes up to the line with a single dot, dot-stuffing undone (RFC 5321 4.5.2). */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] line;
        while ((line = readLineBytes(in)) != null) {
            if (line.length == 1 && line[0] == '.') {
                return data.toByteArray();
            }
            int from = line.length > 0 && line[0] == '.' ? 1 : 0;
            data.write(line, from, line.length - from);
            data.write('\r');
            data.write('\n');
        }
        throw new SocketException("the client closed the connection in the middle of DATA");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing a sandbox
        }
        sessions.shutdownNow();
    }
}
