package io.mailpipe.smtp;

import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import io.mailpipe.smtp.SmtpTransaction.Trouble;

/**
 * The open SMTP sessions of one account in one worker: at most {@code maxSessions} at a time, each lent to one
 * sending thread; a thread that finds every session busy waits for one (in arrival order). A session is reused
 * until it fails, has carried {@code maxMessagesPerConnection} messages, or has been idle for {@code idleTimeout}
 * (a background task closes it then). A reused session found dead before the server took any byte of the message
 * ({@link StaleSessionException}) is replaced and the message sent again, once. A write that hangs longer than the
 * account's timeout has its socket closed. Thread-safe.
 */
final class SmtpSessionPool implements AutoCloseable {

    /** Opens a new, logged-in session. */
    interface Opener {
        SmtpConnection open() throws MessagingException;
    }

    /** One background thread for every pool of the process: closes idle sessions, aborts hung writes. */
    private static final ScheduledExecutorService MAINTENANCE = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mailpipe-smtp-sessions");
        t.setDaemon(true);
        return t;
    });

    private record Idle(SmtpConnection connection, long since) {
    }

    private final Opener opener;
    private final int maxSessions;
    private final int maxMessagesPerConnection;
    private final long idleNanos;
    private final long writeTimeoutNanos;
    private final Semaphore permits;
    /** Idle sessions, most recently used first (reuse the warm ones; the cold ones at the end time out). */
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
    /** Every open session, idle or lent. */
    private final Set<SmtpConnection> open = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> maintenance;
    private volatile boolean closed;

    SmtpSessionPool(Opener opener, int maxSessions, int maxMessagesPerConnection, Duration idleTimeout,
                    Duration writeTimeout) {
        if (maxSessions < 1 || maxMessagesPerConnection < 1) {
            throw new IllegalArgumentException("maxSessions and maxMessagesPerConnection must be at least 1");
        }
        this.opener = opener;
        this.maxSessions = maxSessions;
        this.maxMessagesPerConnection = maxMessagesPerConnection;
        this.idleNanos = idleTimeout.toNanos();
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.permits = new Semaphore(maxSessions, true);
        long period = Math.max(20, Math.min(1000, Math.min(idleTimeout.toMillis(), writeTimeout.toMillis()) / 4));
        this.maintenance = MAINTENANCE.scheduleWithFixedDelay(this::maintain, period, period, TimeUnit.MILLISECONDS);
    }

    private static SmtpTransactionException notSent(String why) {
        return new SmtpTransactionException(SmtpTransaction.trouble(SmtpPhase.CONNECT, Trouble.OTHER, why + "; nothing was sent"), null);
    }

    /** Sends {@code message} over a pooled session, waiting for a free one when all are busy. */
    void send(MimeMessage message) throws MessagingException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notSent("interrupted while waiting for a free SMTP session");
        }
        try {
            if (closed) {
                throw notSent("the SMTP session pool is closed (the worker is stopping)");
            }
            SmtpConnection connection = takeIdle();
            boolean reused = connection != null;
            if (connection == null) {
                connection = openNew();
            }
            try {
                connection.send(message, reused);
            } catch (StaleSessionException stale) {
                discard(connection);
                connection = openNew();
                connection.send(message, false);
            } finally {
                giveBack(connection);
            }
        } finally {
            permits.release();
        }
    }

    private SmtpConnection takeIdle() {
        long now = System.nanoTime();
        for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
            if (now - i.since() < idleNanos && i.connection().usable()) {
                return i.connection();
            }
            discard(i.connection());
        }
        return null;
    }

    private SmtpConnection openNew() throws MessagingException {
        SmtpConnection c = opener.open();
        open.add(c);
        return c;
    }

    private void giveBack(SmtpConnection c) {
        if (closed || !c.usable() || c.messagesSent() >= maxMessagesPerConnection) {
            discard(c);
        } else {
            idle.offerFirst(new Idle(c, System.nanoTime()));
            if (closed) { // closed meanwhile: close() may have drained the idle list before this session arrived
                for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
                    discard(i.connection());
                }
            }
        }
    }

    private void discard(SmtpConnection c) {
        open.remove(c);
        c.close();
    }

    private void maintain() {
        try {
            long now = System.nanoTime();
            Iterator<Idle> oldestFirst = idle.descendingIterator();
            while (oldestFirst.hasNext()) {
                Idle i = oldestFirst.next();
                if (now - i.since() >= idleNanos && idle.removeFirstOccurrence(i)) {
                    discard(i.connection());
                }
            }
            for (SmtpConnection c : open) {
                long started = c.writeStartedNanos();
                if (started != 0 && now - started > writeTimeoutNanos) {
                    c.abort(); // the sending thread gets an IOException and reports it
                }
            }
        } catch (RuntimeException e) {
            // keep the task scheduled; the next round tries again
        }
    }

    /** Sessions open now (idle or lent). */
    int openSessions() {
        return open.size();
    }

    /** Sessions idle now. */
    int idleSessions() {
        return idle.size();
    }

    int maxSessions() {
        return maxSessions;
    }

    /** Closes the idle sessions now and every lent one when its send ends; later sends fail. */
    @Override
    public void close() {
        closed = true;
        maintenance.cancel(false);
        for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
            discard(i.connection());
        }
    }
}
