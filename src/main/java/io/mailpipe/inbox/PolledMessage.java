package io.mailpipe.inbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;

import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * One message of a bounce mailbox as the poll found it, read without ever asking the server for its ENVELOPE: the
 * raw bytes (IMAP {@code BODY.PEEK[]}), the arrival time (its own {@code FETCH INTERNALDATE}, else the read time) and
 * its IMAP UID. An ENVELOPE can be what the client library cannot parse: Dovecot answers {@code MISSING_MAILBOX} /
 * {@code MISSING_DOMAIN} for {@code From: MAILER-DAEMON} or {@code From: <>}, the usual sender of a bounce. A message
 * whose bytes the server refuses is {@link Outcome#UNREADABLE} (it goes the unparsed way with the error); a lost
 * connection is {@link Outcome#CONNECTION_LOST} (nothing is decided, the next poll reads it again).
 *
 * @param outcome    what reading gave
 * @param raw        the message bytes, for {@link Outcome#READ}
 * @param receivedAt the IMAP internal date, or the read time when the server did not give it
 * @param uid        {@code UIDVALIDITY.UID}, or null outside IMAP
 * @param error      why it could not be read, for the other outcomes (no message content)
 */
record PolledMessage(Outcome outcome, byte[] raw, Instant receivedAt, String uid, String error) {

    /** What reading a message gave. */
    enum Outcome {
        /** The bytes were read. */
        READ,
        /** The server refused the bytes of this message (the others may be fine). */
        UNREADABLE,
        /** Removed by someone else since the poll listed it: nothing to do. */
        GONE,
        /** The connection or the folder closed: the mailbox, not the message. */
        CONNECTION_LOST
    }

    static PolledMessage read(Message message, Clock clock) {
        String uid = uid(message);
        Instant receivedAt = receivedAt(message, clock);
        try {
            ByteArrayOutputStream raw = new ByteArrayOutputStream(8192);
            message.writeTo(raw);
            return new PolledMessage(Outcome.READ, raw.toByteArray(), receivedAt, uid, null);
        } catch (MessageRemovedException e) {
            return new PolledMessage(Outcome.GONE, null, receivedAt, uid, "removed from the mailbox meanwhile");
        } catch (MessagingException | IOException | RuntimeException e) {
            Outcome outcome = connectionLost(e) ? Outcome.CONNECTION_LOST : Outcome.UNREADABLE;
            return new PolledMessage(outcome, null, receivedAt, uid, "the server did not give the message's bytes: "
                    + MailboxPollFailures.describe(e));
        }
    }

    /** True when the failure is the connection's, not this message's. */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FolderClosedException || t instanceof StoreClosedException || t instanceof ConnectionException
                    || t instanceof java.net.SocketException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The IMAP internal date, fetched on its own ({@code FETCH n (INTERNALDATE)}): asking the message for it directly
     * would load the whole ENVELOPE. The read time when the server does not give it.
     */
    private static Instant receivedAt(Message message, Clock clock) {
        try {
            Folder folder = message.getFolder();
            if (folder instanceof IMAPFolder imap) {
                FetchProfile internalDate = new FetchProfile();
                internalDate.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
                imap.fetch(new Message[] {message}, internalDate);
                java.util.Date d = message.getReceivedDate(); // set by the fetch above: no ENVELOPE needed
                if (d != null) {
                    return d.toInstant();
                }
            }
        } catch (MessagingException | RuntimeException e) {
            // not given: the read time is close enough for a report's arrival
        }
        return clock.instant();
    }

    /** {@code UIDVALIDITY.UID} of an IMAP message, or null. */
    static String uid(Message message) {
        try {
            if (message.getFolder() instanceof UIDFolder folder) {
                return folder.getUIDValidity() + "." + folder.getUID(message);
            }
        } catch (MessagingException | RuntimeException e) {
            // no UID: the message is told apart by its bytes
        }
        return null;
    }
}
