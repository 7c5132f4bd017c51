package dev.strata.schemas.fold;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads Avro's binary encoding in place, from one decompressed data block: Avro's own decoder
 * checks its buffer's bounds and calls through its source at every value, which was most of the
 * cost of walking over the changes a rollback skips. Strings are left in the block (offset and
 * length), not copied. A length that runs past the block is refused at once; a varint or fixed
 * value past its end by {@link #end}, which the caller asks before an event's changes are used.
 */
final class AvroCursor {
    byte[] buf = new byte[0];
    int pos;
    private int limit;
    /** Where the sized array block {@link #arrayBlock} last began ends; -1 when it had no size. */
    private int sizedBlockEnd = -1;
    /** Where the string {@link #string} just read begins in {@link #buf}. */
    int stringStart;

    void reset(byte[] bytes, int offset, int length) {
        sizedBlockEnd = -1;
        buf = bytes;
        pos = offset;
        limit = offset + length;
    }

    int remaining() {
        return limit - pos;
    }

    long readLong() throws IOException {
        long b = buf[pos++];
        long n = b & 0x7f;
        for (int shift = 7; b < 0; shift += 7) {
            if (shift > 63) {
                throw new IOException("a varint of more than 10 bytes at byte " + pos + " of the block");
            }
            b = buf[pos++];
            n |= (b & 0x7f) << shift;
        }
        return (n >>> 1) ^ -(n & 1);
    }

    /** Passes over a long, undecoded; @return how many bytes it took */
    int skipLong() throws IOException {
        int start = pos;
        while (buf[pos++] < 0) {
            if (pos - start == 10) {
                throw new IOException("a varint of more than 10 bytes at byte " + pos + " of the block");
            }
        }
        return pos - start;
    }

    /** Whether the next bytes are exactly {@code bytes}; if so they are passed over. */
    boolean skipIfNext(byte[] bytes) {
        if (bytes.length > limit - pos || !Arrays.equals(buf, pos, pos + bytes.length, bytes, 0, bytes.length)) {
            return false;
        }
        pos += bytes.length;
        return true;
    }

    int readInt() throws IOException {
        long n = readLong();
        if (n != (int) n) {
            throw new IOException("an int of " + n + " at byte " + pos + " of the block");
        }
        return (int) n;
    }

    boolean readBoolean() throws IOException {
        byte b = buf[pos++];
        if (b != 0 && b != 1) {
            throw new IOException("a boolean of " + b + " at byte " + (pos - 1) + " of the block");
        }
        return b == 1;
    }

    /** Whether a {@code union {null, T}} holds its T: index 1 (0 is null; any other is refused, as Avro does). */
    boolean present() throws IOException {
        int index = readInt();
        if (index != 0 && index != 1) {
            throw new IOException("a union index " + index + " of {null, ...} at byte " + pos + " of the block");
        }
        return index == 1;
    }

    double readDouble() {
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits |= (buf[pos + i] & 0xffL) << (8 * i);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /** A string's or bytes' length; {@link #stringStart} then says where its bytes begin, and they are passed over. */
    int string() throws IOException {
        long n = readLong();
        if (n < 0 || n > limit - pos) {
            throw new IOException("a length of " + n + " at byte " + pos + " runs past the block's end " + limit);
        }
        stringStart = pos;
        pos += (int) n;
        return (int) n;
    }

    String readString() throws IOException {
        int n = string();
        return new String(buf, stringStart, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether the string just read by {@link #string} (length {@code n}) has exactly these bytes. */
    boolean stringEquals(int n, byte[] bytes) {
        return Arrays.equals(buf, stringStart, stringStart + n, bytes, 0, bytes.length);
    }

    /**
     * The item count of an array's next block (0: the array ended); a negative count is followed by the block's byte size,
     * which the items read before the next call must fill exactly: a walk that passes over the block by its size
     * ({@link ColumnList#skip}) and a read of its items then see the same bytes.
     */
    long arrayBlock() throws IOException {
        if (sizedBlockEnd >= 0 && pos != sizedBlockEnd) {
            throw new IOException("an array block's items end at byte " + pos + ", its byte size says " + sizedBlockEnd);
        }
        sizedBlockEnd = -1;
        long n = blockCount();
        if (n < 0) {
            long size = readLong();
            requireWithin(size);
            sizedBlockEnd = pos + (int) size;
            return -n;
        }
        return n;
    }

    /** An array block's count as written: negative when its byte size follows. */
    long blockCount() throws IOException {
        long n = readLong();
        if (n == Long.MIN_VALUE) {
            throw new IOException("an array block of " + n + " items at byte " + pos + " of the block");
        }
        return n;
    }

    /** Passes over {@code n} bytes: a block whose byte size the writer gave. */
    void skipBytes(long n) throws IOException {
        requireWithin(n);
        pos += (int) n;
    }

    private void requireWithin(long n) throws IOException {
        if (n < 0 || n > limit - pos) {
            throw new IOException("a block of " + n + " bytes at byte " + pos + " runs past the block's end " + limit);
        }
    }

    /** Refuses a read that ran past the block: a varint or fixed value the bounds of the array alone did not stop. */
    void end(boolean wholeBlock) throws IOException {
        if (pos > limit || (wholeBlock && pos != limit)) {
            throw new IOException("the block's events end at byte " + pos + ", its bytes at " + limit);
        }
    }
}
