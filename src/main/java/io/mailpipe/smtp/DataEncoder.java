package io.mailpipe.smtp;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Turns the bytes of a message into the bytes of an SMTP DATA section, in memory and in bulk: line ends normalised to
 * CRLF (a bare CR or LF becomes CRLF), a dot at the start of a line doubled (RFC 5321 4.5.2), a CRLF added when the
 * message does not end with one, and the final {@code "."} line. Runs of ordinary bytes are copied with one array
 * copy each. Notes whether any byte is 8-bit (for {@code BODY=8BITMIME}). One instance per connection, reused via
 * {@link #reset()}; not thread-safe.
 */
final class DataEncoder extends OutputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    private byte[] buf;
    private int count;
    private boolean atLineStart = true;
    private boolean afterCr;
    private boolean eightBit;
    private boolean finished;

    DataEncoder(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /** Empties the buffer for the next message (keeps its capacity, up to a bound). */
    void reset() {
        if (buf.length > 4 * 1024 * 1024) {
            buf = new byte[64 * 1024]; // do not keep a huge message's buffer for the connection's lifetime
        }
        count = 0;
        atLineStart = true;
        afterCr = false;
        eightBit = false;
        finished = false;
    }

    /** One byte (Angus' encoders write byte by byte): the same rules as {@link #write(byte[], int, int)}, no copying. */
    @Override
    public void write(int b) {
        if (finished) {
            throw new IllegalStateException("the DATA section is already finished");
        }
        byte c = (byte) b;
        ensure(2);
        if (afterCr) {
            afterCr = false;
            atLineStart = true;
            if (c == LF) {
                buf[count++] = LF;
                return;
            }
            buf[count++] = LF; // a bare CR: complete it to CRLF
            ensure(2);
        }
        if (c == CR) {
            buf[count++] = CR;
            afterCr = true;
            atLineStart = false;
        } else if (c == LF) {
            buf[count++] = CR;
            buf[count++] = LF;
            atLineStart = true;
        } else if (c == DOT && atLineStart) {
            buf[count++] = DOT;
            buf[count++] = DOT;
            atLineStart = false;
        } else {
            buf[count++] = c;
            eightBit |= c < 0;
            atLineStart = false;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (finished) {
            throw new IllegalStateException("the DATA section is already finished");
        }
        int end = off + len;
        int run = off; // start of the bytes not yet copied
        boolean high = false;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (afterCr) {
                afterCr = false;
                if (c == LF) {
                    atLineStart = true;
                    continue;
                }
                // a bare CR: complete it to CRLF, then treat c as the first byte of a line
                append(b, run, i - run);
                appendByte(LF);
                run = i;
                atLineStart = true;
            }
            if (c == CR) {
                afterCr = true;
                atLineStart = false;
            } else if (c == LF) {
                // a bare LF: write CRLF
                append(b, run, i - run);
                appendByte(CR);
                run = i;
                atLineStart = true;
            } else if (c == DOT && atLineStart) {
                append(b, run, i - run);
                appendByte(DOT);
                run = i;
                atLineStart = false;
            } else {
                high |= c < 0;
                atLineStart = false;
            }
        }
        append(b, run, end - run);
        eightBit |= high;
    }

    /** Ends the data: completes a trailing bare CR, adds a CRLF when the last line has none, then {@code ".\r\n"}. */
    void finish() {
        if (finished) {
            return;
        }
        if (afterCr) {
            appendByte(LF);
            afterCr = false;
            atLineStart = true;
        }
        if (!atLineStart && count > 0) {
            appendByte(CR);
            appendByte(LF);
        }
        appendByte(DOT);
        appendByte(CR);
        appendByte(LF);
        finished = true;
    }

    /** Whether any byte had the high bit set. */
    boolean eightBit() {
        return eightBit;
    }

    /** The encoded bytes (valid up to {@link #size()}). */
    byte[] array() {
        return buf;
    }

    int size() {
        return count;
    }

    private void append(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void appendByte(byte b) {
        ensure(1);
        buf[count++] = b;
    }

    private void ensure(int more) {
        int needed = count + more;
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }
}
