package dev.strata.schemas.fold;

import java.util.Arrays;

/** A growable byte buffer with the few encodings the fold uses (varints, fixed longs). Not thread-safe. */
final class ByteWriter {
    private byte[] buf;
    private int pos;

    ByteWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void reset() {
        pos = 0;
    }

    int size() {
        return pos;
    }

    /** The backing array; valid up to {@link #size()}. */
    byte[] array() {
        return buf;
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, pos);
    }

    void write(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void writeBytes(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buf, pos, len);
        pos += len;
    }

    void writeVarLong(long value) {
        ensure(10);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void writeFixedLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (value >>> shift);
        }
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
