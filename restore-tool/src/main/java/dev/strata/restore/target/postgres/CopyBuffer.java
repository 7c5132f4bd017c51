package dev.strata.restore.target.postgres;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A COPY's bytes before they are sent: ByteArrayOutputStream without its locks, with big-endian puts. DataOutputStream
 * writes an int as four single-byte writes, each a synchronized call there: about 40 lock round trips per row of
 * eight columns, for a buffer only the loading thread ever touches.
 */
final class CopyBuffer extends OutputStream {
    private byte[] bytes;
    private int size;

    CopyBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    int size() {
        return size;
    }

    byte[] bytes() {
        return bytes;
    }

    /** Keeps only the first {@code size} bytes: after a flush (0), or a row given up half-way. */
    void truncate(int size) {
        this.size = size;
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] from, int off, int len) {
        ensure(len);
        System.arraycopy(from, off, bytes, size, len);
        size += len;
    }

    void putShort(int v) {
        ensure(2);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
    }

    void putInt(int v) {
        ensure(4);
        bytes[size++] = (byte) (v >>> 24);
        bytes[size++] = (byte) (v >>> 16);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
