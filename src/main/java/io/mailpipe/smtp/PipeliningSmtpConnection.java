package io.mailpipe.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;

import io.mailpipe.account.Account;
import io.mailpipe.account.Security;
import io.mailpipe.compose.MailpipeMimeMessage;

/**
 * A small SMTP client on a blocking socket that pipelines (RFC 2920): {@code [RSET] MAIL FROM, RCPT TO..., DATA} go
 * out in one write and their replies are read afterwards; the message follows in one write, dot-stuffed and with
 * CRLF line ends ({@link DataEncoder}). Without PIPELINING in the EHLO reply it speaks lock-step. STARTTLS (required
 * when the account says so) and implicit TLS verify the certificate ({@link TlsTrust}) and the host name. AUTH PLAIN
 * or LOGIN with a password, AUTH XOAUTH2 with an access token ({@link SmtpLogin}). MAIL FROM carries {@code SIZE=}, {@code SMTPUTF8} and {@code BODY=8BITMIME} when they apply and the
 * server offers them.
 *
 * <p>Failures are thrown in the shapes Angus' SMTPTransport uses (see {@link SmtpFailureClassifier}):
 * {@link MailConnectException} when the TCP or TLS connection cannot be made, a MessagingException naming the
 * greeting's code, {@link AuthenticationFailedException} with the server's reply, {@link SMTPSendFailedException}
 * for MAIL FROM, DATA and the final dot (with an {@link SMTPSenderFailedException} for a refused sender),
 * {@link SMTPAddressFailedException} per refused recipient inside a {@link SendFailedException}, and a
 * {@link DeliveryUncertainException} when the final dot was written but no reply came. Not thread-safe: the pool
 * lends a connection to one thread at a time.
 */
final class PipeliningSmtpConnection implements SmtpConnection {

    /** Headers Angus leaves out of DATA (and the composer out of the measured size). */
    private static final String[] NOT_IN_DATA = {"Bcc", "Content-Length"};
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int CLOSE_WAIT_MILLIS = 1000;

    private final Account account;
    private final String ehloName;
    /** The password or access token this session logs in with. */
    private final String secret;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] inBuf = new byte[8192];
    private int inPos;
    private int inLim;
    private final DataEncoder data = new DataEncoder(16 * 1024);
    private final CommandBuffer commands = new CommandBuffer();
    /** EHLO keywords in upper case, with their parameters ("" when none). */
    private Map<String, String> extensions = Map.of();
    private int messages;
    private volatile boolean usable = true;
    /** The last transaction did not end with a reply to its final dot: RSET before the next (lock-step mode). */
    private boolean dirty;
    private volatile long writeStarted;

    private PipeliningSmtpConnection(Account account, String ehloName, String secret) {
        this.account = account;
        this.ehloName = ehloName;
        this.secret = secret;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, account.timeout().toMillis()));
    }

    /**
     * Connects, greets (EHLO), starts TLS as the account says and logs in (with an OAuth2 account: once more with a new
     * token when the server refuses the first).
     */
    static PipeliningSmtpConnection open(Account account, String ehloName) throws MessagingException {
        return SmtpLogin.open(account, secret -> open(account, ehloName, secret));
    }

    private static PipeliningSmtpConnection open(Account account, String ehloName, String secret) throws MessagingException {
        PipeliningSmtpConnection c = new PipeliningSmtpConnection(account, ehloName, secret);
        try {
            c.connect();
            return c;
        } catch (MessagingException | RuntimeException e) {
            c.abort();
            throw e;
        }
    }

    // --- session set-up

    private void connect() throws MessagingException {
        String host = account.host();
        int port = account.port();
        try {
            Socket s = new Socket();
            socket = s;
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            streams(s);
            if (account.security() == Security.SSL) {
                startTls();
            }
        } catch (IOException e) {
            throw new MailConnectException(new SocketConnectException("Could not connect to SMTP host", e, host, port,
                    timeoutMillis));
        }
        Reply greeting;
        try {
            greeting = readReply();
        } catch (IOException e) {
            throw new MessagingException("Could not connect to SMTP host: " + host + ", port: " + port, e);
        }
        if (greeting.code != 220) {
            throw new MessagingException("Could not connect to SMTP host: " + host + ", port: " + port
                    + ", response: " + greeting.code);
        }
        try {
            ehlo();
            // STARTTLS when the account asks for it, and before any login over a plain connection unless the account
            // explicitly allows logging in over clear text (no silent downgrade either way)
            if (account.security() == Security.STARTTLS || account.logsInWithoutTls() && !account.allowPlaintextAuth()) {
                if (!extensions.containsKey("STARTTLS")) {
                    throw new MessagingException("STARTTLS is required but host does not support STARTTLS");
                }
                Reply reply = command("STARTTLS");
                if (reply.code != 220) {
                    throw new MessagingException(reply.text);
                }
                try {
                    startTls();
                } catch (IOException e) {
                    throw new MessagingException("Could not convert socket to TLS", e);
                }
                ehlo();
            }
            if (account.username() != null) {
                authenticate();
            }
        } catch (IOException e) {
            throw new MessagingException("Exception reading response", e);
        }
    }

    private void streams(Socket s) throws IOException {
        in = s.getInputStream();
        out = s.getOutputStream();
        inPos = 0;
        inLim = 0; // nothing read before TLS may be used after it (RFC 3207 4.2)
    }

    private void startTls() throws IOException {
        SSLSocket tls = (SSLSocket) TlsTrust.socketFactory(account)
                .createSocket(socket, account.host(), account.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(timeoutMillis);
        socket = tls;
        tls.startHandshake();
        streams(tls);
    }

    private void ehlo() throws IOException, MessagingException {
        Reply reply = command("EHLO " + ehloName);
        if (reply.code != 250) {
            reply = command("HELO " + ehloName);
            if (reply.code != 250) {
                throw new MessagingException(reply.text);
            }
            extensions = Map.of();
            return;
        }
        Map<String, String> found = new HashMap<>();
        String[] lines = reply.text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].length() > 4 ? lines[i].substring(4).strip() : "";
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String params = space < 0 ? "" : line.substring(space + 1).strip();
            if (keyword.startsWith("AUTH=")) { // the old form some servers still send: AUTH=LOGIN PLAIN
                found.merge("AUTH", keyword.substring(5) + " " + params.toUpperCase(Locale.ROOT), (a, b) -> a + " " + b);
            } else {
                found.merge(keyword, keyword.equals("AUTH") ? params.toUpperCase(Locale.ROOT) : params, (a, b) -> a + " " + b);
            }
        }
        extensions = found;
    }

    /**
     * AUTH XOAUTH2 for an OAuth2 account (required), else PLAIN, else LOGIN; nothing when the server offers no AUTH (as
     * Angus does). A refused XOAUTH2 login may first get a 334 challenge holding the error: it is answered with an empty
     * line, and the final reply (535) is what the failure reports.
     */
    private void authenticate() throws IOException, MessagingException {
        String offered = extensions.get("AUTH");
        if (offered == null && !account.usesOAuth2()) {
            return;
        }
        List<String> mechanisms = offered == null ? List.of() : List.of(offered.split("\\s+"));
        String user = account.username();
        String password = secret == null ? "" : secret;
        Base64.Encoder b64 = Base64.getEncoder();
        Reply reply;
        if (account.usesOAuth2()) {
            if (!mechanisms.contains("XOAUTH2")) {
                throw new AuthenticationFailedException("the server does not offer AUTH XOAUTH2, which the account's"
                        + " auth: oauth2 needs (it offers " + (offered == null ? "no AUTH" : "AUTH " + offered) + ")");
            }
            String response = SmtpLogin.xoauth2(user, password);
            reply = command("AUTH XOAUTH2 " + response);
            if (reply.code == 334 && reply.text.strip().equals("334")) {
                // a server that wants the response on its own line (the two-line form of Microsoft's documentation)
                reply = command(response);
            }
            if (reply.code == 334) { // the error challenge: an empty response ends the exchange with the final reply
                reply = command("");
            }
        } else if (mechanisms.contains("PLAIN")) {
            byte[] token = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
            reply = command("AUTH PLAIN " + b64.encodeToString(token));
            if (reply.code == 334) { // a server that wants the response on its own line
                reply = command(b64.encodeToString(token));
            }
        } else if (mechanisms.contains("LOGIN")) {
            reply = command("AUTH LOGIN");
            if (reply.code == 334) {
                reply = command(b64.encodeToString(user.getBytes(StandardCharsets.UTF_8)));
            }
            if (reply.code == 334) {
                reply = command(b64.encodeToString(password.getBytes(StandardCharsets.UTF_8)));
            }
        } else {
            throw new AuthenticationFailedException("No authentication mechanisms supported by both server and client");
        }
        if (reply.code != 235) {
            throw new AuthenticationFailedException(reply.text);
        }
    }

    /** Writes one command, flushes, reads its reply. */
    private Reply command(String line) throws IOException {
        commands.reset();
        commands.line(line);
        writeCommands();
        return readReply();
    }

    // --- the mail transaction

    @Override
    public void send(MimeMessage message, boolean reused) throws MessagingException {
        if (!usable) {
            throw new IllegalStateException("the SMTP session is closed");
        }
        MailpipeMimeMessage tracked = message instanceof MailpipeMimeMessage m ? m : null;
        if (tracked != null) {
            AccountMailSender.checkServerCanTake(extensions.containsKey("SMTPUTF8"), extensions.get("SIZE"), tracked);
        }
        Address[] recipients = tracked != null ? tracked.envelopeRecipients() : message.getAllRecipients();
        if (recipients == null || recipients.length == 0) {
            throw new SendFailedException("No recipient addresses");
        }
        InternetAddress[] to = new InternetAddress[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            if (!(recipients[i] instanceof InternetAddress ia)) {
                throw new SendFailedException("Not an Internet address: " + recipients[i].getType());
            }
            to[i] = ia;
        }
        String from = envelopeFrom(message);
        data.reset();
        try {
            message.writeTo(data, NOT_IN_DATA);
        } catch (IOException e) {
            throw new MessagingException("could not write the message's bytes", e);
        }
        data.finish();

        StringBuilder mail = new StringBuilder(64).append("MAIL FROM:<").append(from).append('>');
        if (extensions.containsKey("SIZE")) {
            long size = tracked != null && tracked.sizeBytes() > 0 ? tracked.sizeBytes() : data.size();
            mail.append(" SIZE=").append(size);
        }
        if (tracked != null && tracked.requiresSmtpUtf8() && extensions.containsKey("SMTPUTF8")) {
            mail.append(" SMTPUTF8");
        }
        if (data.eightBit() && extensions.containsKey("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        String mailCommand = mail.toString();

        Transaction t = new Transaction(to.length);
        boolean pipelining = extensions.containsKey("PIPELINING");
        t.rset = reused && (pipelining || dirty);
        dirty = true;
        if (pipelining) {
            pipelined(t, mailCommand, to);
        } else {
            lockStep(t, mailCommand, to);
        }
        finishTransaction(t, message, tracked, mailCommand, from, to, reused);
    }

    /** The replies of one transaction; null where none was read. */
    private static final class Transaction {
        boolean rset;
        Reply rsetReply;
        Reply mailReply;
        final Reply[] rcptReplies;
        Reply dataReply;
        IOException failure;

        Transaction(int recipients) {
            rcptReplies = new Reply[recipients];
        }
    }

    private void pipelined(Transaction t, String mailCommand, InternetAddress[] to) {
        commands.reset();
        if (t.rset) {
            commands.line("RSET");
        }
        commands.line(mailCommand);
        for (InternetAddress address : to) {
            commands.rcpt(address.getAddress());
        }
        commands.line("DATA");
        try {
            writeCommands();
            if (t.rset) {
                t.rsetReply = readReply();
            }
            t.mailReply = readReply();
            for (int i = 0; i < to.length; i++) {
                t.rcptReplies[i] = readReply();
            }
            t.dataReply = readReply();
        } catch (IOException e) {
            t.failure = e;
        }
    }

    private void lockStep(Transaction t, String mailCommand, InternetAddress[] to) {
        try {
            if (t.rset) {
                t.rsetReply = command("RSET");
                if (t.rsetReply.code != 250) {
                    return;
                }
            }
            t.mailReply = command(mailCommand);
            if (!t.mailReply.positive()) {
                return;
            }
            boolean any = false;
            for (int i = 0; i < to.length; i++) {
                commands.reset();
                commands.rcpt(to[i].getAddress());
                writeCommands();
                t.rcptReplies[i] = readReply();
                any |= t.rcptReplies[i].positive();
            }
            if (any) {
                t.dataReply = command("DATA");
            }
        } catch (IOException e) {
            t.failure = e;
        }
    }

    private void finishTransaction(Transaction t, MimeMessage message, MailpipeMimeMessage tracked, String mailCommand,
                                   String from, InternetAddress[] to, boolean reused) throws MessagingException {
        boolean beforeMail = (t.rset && t.rsetReply == null) || t.mailReply == null;
        if (t.failure != null) {
            usable = false;
            if (reused && (beforeMail || t.mailReply.code == 421)) {
                throw new StaleSessionException("the pooled session was closed", t.failure);
            }
            if (t.mailReply != null && !t.mailReply.positive()) {
                throw failed(SmtpTransaction.replied(SmtpPhase.MAIL, t.mailReply.asReply()), t.failure);
            }
            throw failed(SmtpTransaction.trouble(beforeMail ? SmtpPhase.MAIL : SmtpPhase.DATA,
                    SmtpTransaction.Trouble.CONNECTION, "connection failed: " + AngusTransactions.describe(t.failure)),
                    t.failure);
        }
        if (t.rset && t.rsetReply.code != 250) {
            usable = false;
            throw new StaleSessionException("RSET replied " + t.rsetReply.code, null);
        }
        if (t.mailReply.code == 421) {
            usable = false;
            if (reused) {
                throw new StaleSessionException("MAIL FROM replied 421", null);
            }
        }
        if (!t.mailReply.positive()) {
            endRefusedData(t.dataReply);
            throw failed(replyOrLost(SmtpPhase.MAIL, t.mailReply, false, List.of(), 0), null);
        }
        List<Address> accepted = new ArrayList<>(to.length);
        List<RecipientFailure> refused = new ArrayList<>();
        for (int i = 0; i < to.length; i++) {
            Reply r = t.rcptReplies[i];
            if (r.code == 250 || r.code == 251) {
                accepted.add(to[i]);
                continue;
            }
            if (r.code == 421) {
                usable = false;
            }
            refused.add(new RecipientFailure(to[i].getAddress(), r.asReply()));
        }
        if (accepted.isEmpty()) {
            endRefusedData(t.dataReply);
            throw failed(new SmtpTransaction(SmtpPhase.RCPT, null, false, refused, 0, SmtpTransaction.Trouble.NONE, ""), null);
        }
        if (t.dataReply.code != 354) {
            if (t.dataReply.code == 421) {
                usable = false;
            }
            throw failed(replyOrLost(SmtpPhase.DATA, t.dataReply, false, refused, accepted.size()), null);
        }
        try {
            write(data.array(), data.size());
        } catch (IOException e) {
            usable = false; // the final dot did not go out whole: the server has no complete message
            throw failed(SmtpTransaction.trouble(SmtpPhase.DATA, SmtpTransaction.Trouble.CONNECTION,
                    "connection failed: " + AngusTransactions.describe(e)), e);
        }
        Reply last;
        try {
            last = readReply();
        } catch (IOException e) {
            usable = false;
            throw failed(SmtpTransaction.noReplyAfterData("the message and its final \".\" were sent, but "
                    + (e instanceof SocketTimeoutException ? "no reply came within " + timeoutMillis + " ms"
                    : "the connection broke before the reply (" + e.getClass().getSimpleName() + ")"), refused,
                    accepted.size()), e);
        }
        if (last.code == 421) {
            usable = false;
        }
        if (!last.positive()) {
            throw failed(replyOrLost(SmtpPhase.DATA, last, true, refused, accepted.size()), null);
        }
        messages++;
        dirty = false;
        if (!refused.isEmpty()) {
            // as Angus with mail.smtp.sendpartial: the message went to the accepted recipients, the others are reported
            throw failed(new SmtpTransaction(SmtpPhase.DATA, last.asReply(), true, refused, accepted.size(),
                    SmtpTransaction.Trouble.NONE, ""), null);
        }
        if (tracked != null) {
            tracked.recordServerReply(last.text);
        }
    }

    /** The transaction ended by this reply, or, when the reply is not a valid one, lost without one. */
    private static SmtpTransaction replyOrLost(SmtpPhase phase, Reply reply, boolean afterFinalDot,
                                               List<RecipientFailure> refused, int accepted) {
        SmtpReply parsed = reply.asReply();
        if (parsed != null) {
            return new SmtpTransaction(phase, parsed, afterFinalDot, refused, accepted, SmtpTransaction.Trouble.NONE, "");
        }
        return new SmtpTransaction(phase, null, afterFinalDot, refused, accepted, SmtpTransaction.Trouble.CONNECTION,
                afterFinalDot ? "the message and its final \".\" were sent, but no valid reply came (" + reply.code + ")"
                        : "no valid reply to " + AngusTransactions.label(phase) + " (" + reply.code + ")");
    }

    private static SmtpTransactionException failed(SmtpTransaction transaction, Exception cause) {
        return new SmtpTransactionException(transaction, cause);
    }

    /** A server that answered DATA with 354 although nothing can be sent gets an empty message ended at once. */
    private void endRefusedData(Reply dataReply) {
        if (dataReply == null || dataReply.code != 354) {
            return;
        }
        try {
            write(new byte[] {'.', '\r', '\n'}, 3);
            readReply();
        } catch (IOException e) {
            usable = false;
        }
    }


    private static String envelopeFrom(MimeMessage message) throws MessagingException {
        if (message instanceof SMTPMessage smtp && smtp.getEnvelopeFrom() != null) {
            return smtp.getEnvelopeFrom();
        }
        Address[] from = message.getFrom();
        if (from != null && from.length > 0 && from[0] instanceof InternetAddress ia) {
            return ia.getAddress();
        }
        throw new MessagingException("the message has neither an envelope sender nor a From address");
    }

    private static Address[] array(List<Address> addresses) {
        return addresses.isEmpty() ? null : addresses.toArray(new Address[0]);
    }

    // --- wire

    private void writeCommands() throws IOException {
        write(commands.array(), commands.size());
    }

    private void write(byte[] bytes, int length) throws IOException {
        writeStarted = System.nanoTime() | 1; // never 0 while writing
        try {
            out.write(bytes, 0, length);
            out.flush();
        } finally {
            writeStarted = 0;
        }
    }

    /** One reply, all its lines (each followed by "\n", as Angus keeps them). */
    private Reply readReply() throws IOException {
        StringBuilder text = new StringBuilder(64);
        int code;
        while (true) {
            String line = readLine();
            text.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) != '-') {
                code = parseCode(line);
                break;
            }
        }
        return new Reply(code, text.toString());
    }

    private static int parseCode(String line) {
        if (line.length() < 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    private String readLine() throws IOException {
        int start = inPos;
        while (true) {
            for (int i = start; i < inLim; i++) {
                if (inBuf[i] == '\n') {
                    int end = i > inPos && inBuf[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(inBuf, inPos, end - inPos, StandardCharsets.UTF_8);
                    inPos = i + 1;
                    return line;
                }
            }
            if (inPos > 0) { // compact
                System.arraycopy(inBuf, inPos, inBuf, 0, inLim - inPos);
                inLim -= inPos;
                inPos = 0;
            }
            if (inLim == inBuf.length) {
                throw new IOException("reply line longer than " + inBuf.length + " bytes");
            }
            start = inLim;
            int n = in.read(inBuf, inLim, inBuf.length - inLim);
            if (n < 0) {
                throw new EOFException("the server closed the connection");
            }
            inLim += n;
        }
    }

    /** A reply: its code (-1 when unreadable) and its text, every line with its code. */
    private record Reply(int code, String text) {
        boolean positive() {
            return code >= 200 && code <= 299;
        }

        /** The reply as the classifier reads it, or null when the line was not a valid reply. */
        SmtpReply asReply() {
            SmtpReply parsed = SmtpReply.parse(text);
            return parsed != null && parsed.code() == code ? parsed : null;
        }
    }

    /** Command lines, encoded as UTF-8 (ASCII unless an address needs SMTPUTF8). */
    private static final class CommandBuffer {
        private byte[] buf = new byte[512];
        private int count;

        void reset() {
            count = 0;
        }

        void line(String command) {
            append(command);
            append(CRLF);
        }

        void rcpt(String address) {
            append("RCPT TO:<");
            append(address);
            append(">\r\n");
        }

        private void append(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            append(b);
        }

        private void append(byte[] b) {
            if (count + b.length > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + b.length));
            }
            System.arraycopy(b, 0, buf, count, b.length);
            count += b.length;
        }

        byte[] array() {
            return buf;
        }

        int size() {
            return count;
        }
    }

    // --- pool interface

    @Override
    public boolean usable() {
        return usable;
    }

    @Override
    public int messagesSent() {
        return messages;
    }

    @Override
    public long writeStartedNanos() {
        return writeStarted;
    }

    /** The EHLO extensions the server offered (upper-case keywords), for tests and diagnostics. */
    Map<String, String> extensions() {
        return Map.copyOf(extensions);
    }

    @Override
    public void close() {
        usable = false;
        Socket s = socket;
        if (s == null || s.isClosed()) {
            return;
        }
        try {
            s.setSoTimeout(Math.min(timeoutMillis, CLOSE_WAIT_MILLIS));
            commands.reset();
            commands.line("QUIT");
            writeCommands();
            readReply();
        } catch (IOException | RuntimeException e) {
            // a session that cannot say goodbye is closed all the same
        } finally {
            abort();
        }
    }

    @Override
    public void abort() {
        usable = false;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // already broken
            }
        }
    }

    /** The name this client gives in EHLO: the local host's canonical name, or its address literal. */
    static String defaultEhloName() {
        return EhloName.VALUE;
    }

    private static final class EhloName {
        static final String VALUE = compute();

        private static String compute() {
            try {
                InetAddress local = InetAddress.getLocalHost();
                String name = local.getCanonicalHostName();
                if (name != null && !name.isBlank() && !name.equals(local.getHostAddress())) {
                    return name;
                }
                return local instanceof java.net.Inet6Address ? "[IPv6:" + local.getHostAddress() + "]"
                        : "[" + local.getHostAddress() + "]";
            } catch (IOException | SecurityException e) {
                return "localhost";
            }
        }
    }
}
