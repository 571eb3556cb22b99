package io.mailpipe.compose;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes of a message as Jakarta Mail writes them: an unsynchronized, growing buffer. Angus writes text bodies one
 * byte at a time (its line stream does not pass arrays on), so {@code ByteArrayOutputStream}'s synchronized
 * {@code write(int)} was the single largest cost of composing in profiles.
 */
final class WireBuffer extends OutputStream {

    private byte[] bytes;
    private int size;

    WireBuffer(int initialCapacity) {
        bytes = new byte[Math.max(64, initialCapacity)];
    }

    @Override
    public void write(int b) {
        if (size == bytes.length) {
            grow(1);
        }
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len > bytes.length - size) {
            grow(len);
        }
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    private void grow(int needed) {
        long wanted = Math.max((long) size + needed, 2L * bytes.length);
        if (wanted > Integer.MAX_VALUE - 8) {
            if ((long) size + needed > Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError("a message larger than 2 GB");
            }
            wanted = Integer.MAX_VALUE - 8;
        }
        bytes = Arrays.copyOf(bytes, (int) wanted);
    }

    /** A copy of exactly the bytes written. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
