package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One decoded column list of an event (key, before or after): names and types where they lie in the
 * data block being read (valid until the next event), each value already in {@link RowCodec}'s
 * form. Reused from event to event, so decoding allocates nothing per column. Not thread-safe.
 */
final class ColumnList {
    boolean present;
    int size;
    private byte[] block;
    private int[] nameStart = new int[16];
    private int[] nameLength = new int[16];
    private int[] typeStart = new int[16];
    private int[] typeLength = new int[16];
    private int[] valueStart = new int[17];
    final ByteWriter values = new ByteWriter(1024);
    /** The names and types this list is expected to hold (its table's last shape), or null. */
    private ColumnLayout expected;
    /** Whether a column read differed from {@link #expected}. */
    private boolean unexpected;

    /** The names and types the next lists read are likely to hold; null: none. */
    void expect(ColumnLayout layout) {
        expected = layout;
    }

    /** Whether the list just read held exactly the names and types it was told to expect (none, when absent). */
    boolean asExpected() {
        return expected != null && !unexpected && size == expected.size();
    }

    /** Reads {@code union {null, array<Column>}} in the current schema's layout. */
    void read(AvroCursor in) throws IOException {
        read(in, in.present());
    }

    /** The same, its union index already read: {@code present} when it named the array. */
    void read(AvroCursor in, boolean present) throws IOException {
        begin(in, present);
        if (!present) {
            return;
        }
        for (long n = in.arrayBlock(); n != 0; n = in.arrayBlock()) {
            for (long i = 0; i < n; i++) {
                readNameAndType(in);
                valueStart[size] = values.size();
                readValue(in, values);
                size++;
            }
        }
        valueStart[size] = values.size();
    }

    /**
     * Reads only the names and types (what a shape is made of) of {@code union {null, array<Column>}}
     * and walks over the values without decoding them: no value is held afterwards.
     */
    void readShape(AvroCursor in) throws IOException {
        begin(in, in.present());
        if (!present) {
            return;
        }
        for (long n = in.arrayBlock(); n != 0; n = in.arrayBlock()) {
            for (long i = 0; i < n; i++) {
                readNameAndType(in);
                skipValue(in);
                size++;
            }
        }
    }

    /**
     * Reads only the values of {@code array<Column>} ({@code present} as for {@link #read(AvroCursor, boolean)}), as the
     * fold's key bytes: their count, then each in compact form, into {@code out}; names and types are passed over.
     */
    static void readValuesOnly(AvroCursor in, ByteWriter out, ByteWriter scratch) throws IOException {
        scratch.reset();
        long count = 0;
        for (long n = in.arrayBlock(); n != 0; n = in.arrayBlock()) {
            for (long i = 0; i < n; i++) {
                in.string(); // name
                in.string(); // pgType
                readValue(in, scratch);
                count++;
            }
        }
        out.reset();
        out.writeVarLong(count);
        out.writeBytes(scratch.array(), 0, scratch.size());
    }

    /** Walks over {@code union {null, array<Column>}} without keeping anything; {@code present} as for {@link #read(AvroCursor, boolean)}. */
    static void skip(AvroCursor in, boolean present) throws IOException {
        if (!present) {
            return;
        }
        for (long n = in.blockCount(); n != 0; n = in.blockCount()) {
            if (n < 0) { // a block with its byte size (Avro's spec): passed over whole
                in.skipBytes(in.readLong());
                continue;
            }
            for (long i = 0; i < n; i++) {
                in.string(); // name
                in.string(); // pgType
                skipValue(in);
            }
        }
    }

    private void begin(AvroCursor in, boolean present) {
        size = 0;
        unexpected = false;
        values.reset();
        block = in.buf;
        this.present = present;
    }

    private static void skipValue(AvroCursor in) throws IOException {
        switch (in.readInt()) {
            case 0 -> {
            }
            case 1 -> in.readBoolean();
            case 2 -> in.readLong();
            case 3 -> in.pos += 8; // a double
            case 4, 5 -> in.string(); // a string, bytes
            case 6 -> in.readInt(); // an enum
            default -> throw new IOException("column value union branch out of range");
        }
    }

    private static void readValue(AvroCursor in, ByteWriter out) throws IOException {
        switch (in.readInt()) {
            case 0 -> out.write(RowCodec.NULL);
            case 1 -> out.write(in.readBoolean() ? RowCodec.TRUE : RowCodec.FALSE);
            case 2 -> copyLong(in, out);
            case 3 -> {
                out.write(RowCodec.DOUBLE);
                out.writeFixedLong(Double.doubleToRawLongBits(in.readDouble()));
            }
            case 4 -> copy(in, RowCodec.STRING, out);
            case 5 -> copy(in, RowCodec.BYTES, out);
            case 6 -> {
                in.readInt(); // Unsent.UNCHANGED: the fold fills it from an older version
                out.write(RowCodec.UNCHANGED);
            }
            default -> throw new IOException("column value union branch out of range");
        }
    }

    /**
     * An Avro long is a zigzag varint, as {@link RowCodec}'s: its bytes are copied, not decoded and encoded again
     * (JFR: the encoding was 7% of a restore's reading). A varint longer than it needs is encoded again, so that one
     * value has one form (keys are compared as bytes).
     */
    private static void copyLong(AvroCursor in, ByteWriter out) throws IOException {
        int start = in.pos;
        int n = in.skipLong();
        byte last = in.buf[in.pos - 1];
        out.write(RowCodec.LONG);
        if (n == 1 || (last != 0 && (n < 10 || last == 1))) {
            out.writeBytes(in.buf, start, n);
        } else {
            in.pos = start;
            long v = in.readLong();
            out.writeVarLong((v << 1) ^ (v >> 63));
        }
    }

    private static void copy(AvroCursor in, int kind, ByteWriter out) throws IOException {
        int n = in.string();
        out.write(kind);
        out.writeVarLong(n);
        out.writeBytes(in.buf, in.stringStart, n);
    }

    private void readNameAndType(AvroCursor in) throws IOException {
        if (size + 1 >= nameStart.length) {
            grow();
        }
        if (expected != null && !unexpected && size < expected.size()) {
            int at = in.pos;
            if (in.skipIfNext(expected.encoded(size))) {
                nameStart[size] = at + expected.nameAt(size);
                nameLength[size] = expected.nameLength(size);
                typeStart[size] = at + expected.typeAt(size);
                typeLength[size] = expected.typeLength(size);
                return;
            }
            unexpected = true;
        }
        nameLength[size] = in.string();
        nameStart[size] = in.stringStart;
        typeLength[size] = in.string();
        typeStart[size] = in.stringStart;
    }

    /** The position of the column named like {@code other}'s column {@code i}, or -1. */
    int indexOfName(ColumnList other, int i) {
        for (int j = 0; j < size; j++) {
            if (Arrays.equals(block, nameStart[j], nameStart[j] + nameLength[j], other.block, other.nameStart[i],
                    other.nameStart[i] + other.nameLength[i])) {
                return j;
            }
        }
        return -1;
    }

    boolean nameIs(int i, byte[] name) {
        return Arrays.equals(block, nameStart[i], nameStart[i] + nameLength[i], name, 0, name.length);
    }

    boolean typeIs(int i, byte[] type) {
        return Arrays.equals(block, typeStart[i], typeStart[i] + typeLength[i], type, 0, type.length);
    }

    byte[] nameBytes(int i) {
        return Arrays.copyOfRange(block, nameStart[i], nameStart[i] + nameLength[i]);
    }

    byte[] typeBytes(int i) {
        return Arrays.copyOfRange(block, typeStart[i], typeStart[i] + typeLength[i]);
    }

    /** Appends column {@code i}'s value in compact form. */
    void writeValue(int i, ByteWriter out) {
        out.writeBytes(values.array(), valueStart[i], valueStart[i + 1] - valueStart[i]);
    }

    /** Appends every value in compact form. */
    void writeAll(ByteWriter out) {
        out.writeBytes(values.array(), 0, values.size());
    }

    String name(int i) {
        return new String(block, nameStart[i], nameLength[i], StandardCharsets.UTF_8);
    }

    String type(int i) {
        return new String(block, typeStart[i], typeLength[i], StandardCharsets.UTF_8);
    }

    private void grow() {
        int n = nameStart.length * 2;
        nameStart = Arrays.copyOf(nameStart, n);
        nameLength = Arrays.copyOf(nameLength, n);
        typeStart = Arrays.copyOf(typeStart, n);
        typeLength = Arrays.copyOf(typeLength, n);
        valueStart = Arrays.copyOf(valueStart, n + 1);
    }
}
