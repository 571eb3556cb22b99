package io.mailpipe.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEthaSMTP) whose replies a test scripts: refuse chosen recipients, answer the next DATA
 * commands with given replies, accept everything else. Keeps every accepted message.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    private final SMTPServer server;
    private final Map<String, RejectException> recipientReplies = new ConcurrentHashMap<>();
    private final Map<String, RejectException> recipientRepliesOnce = new ConcurrentHashMap<>();
    private final Map<MimeMessage, List<String>> envelopes = new ConcurrentHashMap<>();
    private final Map<String, RejectException> senderReplies = new ConcurrentHashMap<>();
    private final Queue<RejectException> dataReplies = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostOpen = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long dataMillis;
    private final java.util.concurrent.atomic.AtomicInteger dropsLeft = new java.util.concurrent.atomic.AtomicInteger();
    private final List<Received> dropped = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger authAttempts = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger sendersBeforeRefusal = new java.util.concurrent.atomic.AtomicInteger(-1);
    private volatile RejectException senderRefusal;
    private volatile long senderRefusalMillis;
    private volatile RejectException dataRefusal;
    private volatile RejectException recipientRefusal;
    private final java.util.concurrent.atomic.AtomicInteger refusedSenders = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger refusedData = new java.util.concurrent.atomic.AtomicInteger();

    /** A message the server accepted: its MAIL FROM, when its DATA ended, and the message. */
    public record Received(String mailFrom, java.time.Instant at, MimeMessage message) {
        /** The request id mailpipe put in X-Mailpipe-Id. */
        public String requestId() {
            try {
                return message.getHeader("X-Mailpipe-Id", null);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public ScriptedSmtpServer() {
        this(0);
    }

    /** A server on the given port (0: a free one). */
    public ScriptedSmtpServer(int port) {
        this(port, null, false, null, null);
    }

    /** A server that offers STARTTLS with the given server context (for example a self-signed certificate). */
    public static ScriptedSmtpServer withStartTls(javax.net.ssl.SSLContext tls) {
        return new ScriptedSmtpServer(0, tls, false, null, null);
    }

    /** A server that requires AUTH (PLAIN or LOGIN) with this user and password; others get 535. */
    public static ScriptedSmtpServer withLogin(String user, String password) {
        return new ScriptedSmtpServer(0, null, false, user, password);
    }

    /**
     * A server that requires AUTH XOAUTH2 for {@code user} (and offers nothing else). {@code check} gets each access token
     * and answers null for a valid one, else why not. A refused token gets Gmail's answer: a 334 challenge holding the
     * error (base64 JSON), then, after the client's empty response, {@code 535 5.7.8}.
     */
    public static ScriptedSmtpServer withXoauth2(String user, java.util.function.Function<String, String> check) {
        return new ScriptedSmtpServer(0, null, false, server -> server.new Xoauth2(user, check));
    }

    /**
     * A server that refuses every password login (AUTH PLAIN or LOGIN) with this reply, as Exchange Online refuses
     * Basic authentication: {@code 550, "5.7.30 Basic authentication is not supported for Client Submission."}.
     */
    public static ScriptedSmtpServer refusingPasswordLogins(int code, String text) {
        return new ScriptedSmtpServer(0, null, false, server -> new org.subethamail.smtp.AuthenticationHandlerFactory() {
            @Override
            public List<String> getAuthenticationMechanisms() {
                return List.of("PLAIN", "LOGIN");
            }

            @Override
            public org.subethamail.smtp.AuthenticationHandler create() {
                return new org.subethamail.smtp.AuthenticationHandler() {
                    private int step;
                    private boolean login;

                    @Override
                    public java.util.Optional<String> auth(String clientInput, org.subethamail.smtp.MessageContext context)
                            throws RejectException {
                        step++;
                        if (step == 1) {
                            server.authAttempts.incrementAndGet();
                            String[] words = clientInput.strip().split(" ");
                            if (words.length == 2 && words[1].equalsIgnoreCase("LOGIN")) {
                                login = true;
                                return java.util.Optional.of("334 VXNlcm5hbWU6");
                            }
                            if (words.length == 2) { // PLAIN without an initial response
                                return java.util.Optional.of("334 ");
                            }
                        } else if (login && step == 2) {
                            return java.util.Optional.of("334 UGFzc3dvcmQ6");
                        }
                        throw new RejectException(code, text);
                    }

                    @Override
                    public Object getIdentity() {
                        return null;
                    }
                };
            }
        });
    }

    private final java.util.Set<String> tokensAccepted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<String> tokenRefusals = new CopyOnWriteArrayList<>();

    /** Distinct access tokens that logged in. */
    public java.util.Set<String> tokensAccepted() {
        return java.util.Set.copyOf(tokensAccepted);
    }

    /** Why each refused XOAUTH2 login was refused (expired, revoked, ...), in order. */
    public List<String> tokenRefusals() {
        return List.copyOf(tokenRefusals);
    }

    /** AUTH XOAUTH2, checking the token; a refusal as Gmail answers it. */
    private final class Xoauth2 implements org.subethamail.smtp.AuthenticationHandlerFactory {
        private final String user;
        private final java.util.function.Function<String, String> check;

        Xoauth2(String user, java.util.function.Function<String, String> check) {
            this.user = user;
            this.check = check;
        }

        @Override
        public List<String> getAuthenticationMechanisms() {
            return List.of("XOAUTH2");
        }

        @Override
        public org.subethamail.smtp.AuthenticationHandler create() {
            return new org.subethamail.smtp.AuthenticationHandler() {
                private boolean challenged;
                private String identity;

                @Override
                public java.util.Optional<String> auth(String clientInput, org.subethamail.smtp.MessageContext context)
                        throws RejectException {
                    if (challenged) { // the client's empty answer to the error challenge
                        throw new RejectException(535, "5.7.8 Username and Password not accepted.");
                    }
                    String[] words = clientInput.strip().split(" ");
                    if (words.length != 3 || !words[1].equalsIgnoreCase("XOAUTH2")) {
                        throw new RejectException(504, "5.7.4 Unrecognized authentication type");
                    }
                    authAttempts.incrementAndGet();
                    String decoded = new String(java.util.Base64.getDecoder().decode(words[2]), java.nio.charset.StandardCharsets.UTF_8);
                    String[] parts = decoded.split("\u0001");
                    String who = parts[0].startsWith("user=") ? parts[0].substring(5) : "";
                    String token = parts.length > 1 && parts[1].startsWith("auth=Bearer ") ? parts[1].substring(12) : "";
                    String why = who.equals(user) ? check.apply(token) : "wrong user";
                    if (why == null) {
                        tokensAccepted.add(token);
                        identity = who;
                        return java.util.Optional.empty();
                    }
                    tokenRefusals.add(why);
                    challenged = true;
                    return java.util.Optional.of("334 " + java.util.Base64.getEncoder().encodeToString(
                            "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}"
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }

                @Override
                public Object getIdentity() {
                    return identity;
                }
            };
        }
    }

    /**
     * A server speaking TLS from the first byte (SMTPS, like port 465) when {@code implicit}, else offering STARTTLS;
     * with a user, it requires AUTH.
     */
    public static ScriptedSmtpServer withTls(javax.net.ssl.SSLContext tls, boolean implicit, String user, String password) {
        return new ScriptedSmtpServer(0, tls, implicit, user, password);
    }


    private ScriptedSmtpServer(int port, javax.net.ssl.SSLContext tls, boolean implicitTls, String user, String password) {
        this(port, tls, implicitTls, user == null ? null : server -> new org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory(
                (u, p, ctx) -> {
                    server.authAttempts.incrementAndGet();
                    if (!user.equals(u) || !password.equals(p)) {
                        throw new org.subethamail.smtp.auth.LoginFailedException("bad login");
                    }
                }));
    }

    /** @param auth the server's AUTH mechanisms (built with this server at hand), or null for no AUTH */
    private ScriptedSmtpServer(int port, javax.net.ssl.SSLContext tls, boolean implicitTls,
                               java.util.function.Function<ScriptedSmtpServer, org.subethamail.smtp.AuthenticationHandlerFactory> auth) {
        SMTPServer.Builder builder = new SMTPServer.Builder()
                .bindAddress(InetAddress.getLoopbackAddress())
                .port(port);
        if (tls != null && implicitTls) {
            builder.serverSocketFactory(tls);
        } else if (tls != null) {
            builder.enableTLS().startTlsSocketFactory(tls);
        }
        if (auth != null) {
            builder.requireAuth().authenticationHandlerFactory(auth.apply(this));
        }
        server = builder
                .messageHandlerFactory(ctx -> new Handler(ctx))
                .build();
        server.start();
    }

    /** How many logins (AUTH with a user and password) clients attempted. */
    public int authAttempts() {
        return authAttempts.get();
    }

    /** A loopback port nothing listens on right now. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** RCPT TO for this address gets the reply, e.g. {@code 550, "5.1.1 No such user"}. */
    public ScriptedSmtpServer refuseRecipient(String address, int code, String text) {
        recipientReplies.put(address.toLowerCase(), new RejectException(code, text));
        return this;
    }

    /** Every RCPT TO gets this reply (until {@link #acceptRecipients()}), e.g. a storm of {@code 550 5.1.1}. */
    public ScriptedSmtpServer refuseAllRecipients(int code, String text) {
        recipientRefusal = new RejectException(code, text);
        return this;
    }

    /** RCPT TO is answered as scripted per address again after {@link #refuseAllRecipients}. */
    public ScriptedSmtpServer acceptRecipients() {
        recipientRefusal = null;
        return this;
    }

    /** The next RCPT TO for this address gets the reply; later ones are accepted. */
    public ScriptedSmtpServer refuseRecipientOnce(String address, int code, String text) {
        recipientRepliesOnce.put(address.toLowerCase(), new RejectException(code, text));
        return this;
    }

    /** MAIL FROM with this address gets the reply, e.g. {@code 553, "5.7.1 Sender address rejected"}. */
    public ScriptedSmtpServer refuseSender(String address, int code, String text) {
        senderReplies.put(address.toLowerCase(), new RejectException(code, text));
        return this;
    }

    /**
     * After {@code accepted} MAIL FROM commands have been accepted, every later one gets the reply: an account the
     * provider throttles after a few messages ({@code 553, "5.7.1 Sorry, we cannot accept mail from this account"}).
     */
    public ScriptedSmtpServer refuseSendersAfter(int accepted, int code, String text) {
        sendersBeforeRefusal.set(accepted);
        senderRefusal = new RejectException(code, text);
        return this;
    }

    /** Each refusal of {@link #refuseSendersAfter} comes this late, so that a burst of sends is in flight when it comes. */
    public ScriptedSmtpServer slowSenderRefusal(java.time.Duration d) {
        this.senderRefusalMillis = d.toMillis();
        return this;
    }

    /** Every DATA gets this reply (until {@link #acceptData()}), e.g. a spam verdict on everything the account sends. */
    public ScriptedSmtpServer refuseAllData(int code, String text) {
        dataRefusal = new RejectException(code, text);
        return this;
    }

    /** DATA is accepted again after {@link #refuseAllData}. */
    public ScriptedSmtpServer acceptData() {
        dataRefusal = null;
        return this;
    }

    /** MAIL FROM commands the server refused. */
    public int refusedSenders() {
        return refusedSenders.get();
    }

    /** DATA commands the server refused (scripted replies). */
    public int refusedData() {
        return refusedData.get();
    }

    /** The recipients (RCPT TO) an accepted message was sent to. */
    public List<String> envelopeOf(MimeMessage message) {
        return envelopes.getOrDefault(message, List.of());
    }

    /** Accepted messages of one request, in the order they arrived. */
    public List<MimeMessage> acceptedMessagesFor(String requestId) {
        return accepted().stream().filter(m -> {
            try {
                return requestId.equals(m.getHeader("X-Mailpipe-Id", null));
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    /** The next DATA command gets this reply instead of 250. */
    public ScriptedSmtpServer nextDataReply(int code, String text) {
        dataReplies.add(new RejectException(code, text));
        return this;
    }

    /**
     * The next {@code times} messages are read completely (DATA up to the final dot), and then the connection is
     * closed without a reply: the client cannot know whether the message was taken. Such messages are kept in
     * {@link #droppedAfterData()}, not in {@link #accepted()}.
     */
    public ScriptedSmtpServer dropAfterData(int times) {
        dropsLeft.set(times);
        return this;
    }

    /** Messages read completely and then left without a reply ({@link #dropAfterData}). */
    public List<Received> droppedAfterData() {
        return List.copyOf(dropped);
    }

    /** Every message of one request the server read completely, accepted or dropped without a reply. */
    public long seenFor(String requestId) {
        return java.util.stream.Stream.concat(received.stream(), dropped.stream())
                .filter(r -> requestId.equals(r.requestId())).count();
    }

    /** Makes every DATA take this long, like a slow provider (so that overlapping sessions would show). */
    public ScriptedSmtpServer slowData(java.time.Duration d) {
        this.dataMillis = d.toMillis();
        return this;
    }

    /** The most mail transactions that were open at the same time. */
    public int mostOpenAtOnce() {
        return mostOpen.get();
    }

    /** Every accepted message with its MAIL FROM and time, in the order received. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<MimeMessage> accepted() {
        return received.stream().map(Received::message).toList();
    }

    /** Messages accepted whose X-Mailpipe-Id is the given request id. */
    public long acceptedFor(String requestId) {
        return accepted().stream().filter(m -> {
            try {
                return requestId.equals(m.getHeader("X-Mailpipe-Id", null));
            } catch (Exception e) {
                return false;
            }
        }).count();
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Handler implements MessageHandler {
        private final List<String> rcpts = new java.util.ArrayList<>();
        private String mailFrom;
        private final org.subethamail.smtp.MessageContext ctx;

        Handler(org.subethamail.smtp.MessageContext ctx) {
            this.ctx = ctx;
            int now = open.incrementAndGet();
            mostOpen.accumulateAndGet(now, Math::max);
        }

        @Override
        public void from(String from) throws RejectException {
            RejectException reply = senderReplies.get(from.toLowerCase());
            if (reply == null && senderRefusal != null
                    && sendersBeforeRefusal.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
                reply = senderRefusal;
                if (senderRefusalMillis > 0) {
                    try {
                        Thread.sleep(senderRefusalMillis); // the provider's own slowness, part of the scenario
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            if (reply != null) {
                refusedSenders.incrementAndGet();
                throw reply;
            }
            this.mailFrom = from;
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            RejectException reply = recipientReplies.get(recipient.toLowerCase());
            if (reply == null) {
                reply = recipientRefusal;
            }
            if (reply != null) {
                throw reply;
            }
            RejectException once = recipientRepliesOnce.remove(recipient.toLowerCase());
            if (once != null) {
                throw once;
            }
            rcpts.add(recipient.toLowerCase());
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] bytes = data.readAllBytes();
            if (dataMillis > 0) {
                try {
                    Thread.sleep(dataMillis); // the server's own slowness, part of the scenario
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (dropsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                try {
                    dropped.add(new Received(mailFrom, java.time.Instant.now(),
                            new MimeMessage(Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(bytes))));
                } catch (jakarta.mail.MessagingException e) {
                    throw new IOException(e);
                }
                // the whole message is here; the client gets no reply, only a closed connection
                ((org.subethamail.smtp.server.Session) ctx).closeSocket();
                throw new IOException("scripted: connection dropped after the data, before the reply");
            }
            RejectException reply = dataReplies.poll();
            if (reply == null) {
                reply = dataRefusal;
            }
            if (reply != null) {
                refusedData.incrementAndGet();
                throw reply;
            }
            try {
                MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(bytes));
                envelopes.put(message, List.copyOf(rcpts));
                received.add(new Received(mailFrom, java.time.Instant.now(), message));
            } catch (jakarta.mail.MessagingException e) {
                throw new IOException(e);
            }
            return null;
        }

        @Override
        public void done() {
            open.decrementAndGet();
        }
    }
}
