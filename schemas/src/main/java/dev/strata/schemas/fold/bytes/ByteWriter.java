package dev.strata.schemas.fold.bytes;

import java.util.Arrays;

/** A growable byte buffer with the few encodings the fold uses (varints, fixed longs). Not thread-safe. */
public final class ByteWriter {
    private byte[] buf;
    private int pos;

    public ByteWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public void reset() {
        pos = 0;
    }

    public int size() {
        return pos;
    }

    /** The backing array; valid up to {@link #size()}. */
    public byte[] array() {
        return buf;
    }

    public byte[] toArray() {
        return Arrays.copyOf(buf, pos);
    }

    public void write(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    public void writeBytes(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buf, pos, len);
        pos += len;
    }

    public void writeVarLong(long value) {
        ensure(10);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** How many bytes {@link #writeVarLong} writes for {@code value}. */
    public static int varLongSize(long value) {
        int size = 1;
        for (long v = value; (v & ~0x7FL) != 0; v >>>= 7) {
            size++;
        }
        return size;
    }

    /** {@link #writeVarLong} into {@code into} at {@code at}; @return the position after it */
    public static int writeVarLong(byte[] into, int at, long value) {
        int pos = at;
        long v = value;
        while ((v & ~0x7FL) != 0) {
            into[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        into[pos++] = (byte) v;
        return pos;
    }

    public void writeFixedLong(long value) {
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
