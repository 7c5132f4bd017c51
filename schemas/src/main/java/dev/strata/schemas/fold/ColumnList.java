package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteWriter;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;
import java.io.IOException;

/**
 * One decoded column list of an event (key, before or after), kept as raw bytes: names and types
 * as UTF-8 (the decoder's own buffers, valid until the next event), each value already in
 * {@link RowCodec}'s form. Reused from event to event, so decoding
 * allocates nothing per column. Not thread-safe.
 */
final class ColumnList {
    boolean present;
    int size;
    byte[][] names = new byte[16][];
    int[] nameLengths = new int[16];
    byte[][] types = new byte[16][];
    int[] typeLengths = new int[16];
    int[] valueStart = new int[17];
    final ByteWriter values = new ByteWriter(1024);
    private Utf8[] nameText = new Utf8[16];
    private Utf8[] typeText = new Utf8[16];
    private final Utf8 text = new Utf8();
    private ByteBuffer bytes = ByteBuffer.allocate(64);

    /** Reads {@code union {null, array<Column>}} in the current schema's layout. */
    void read(Decoder in) throws IOException {
        read(in, in.readIndex() == 1);
    }

    /** The same, its union index already read: {@code present} when it named the array. */
    void read(Decoder in, boolean present) throws IOException {
        size = 0;
        values.reset();
        this.present = present;
        if (!present) {
            return;
        }
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                readColumn(in);
            }
        }
        valueStart[size] = values.size();
    }

    /**
     * Reads only the names and types (what a shape is made of) of {@code union {null, array<Column>}}
     * and walks over the values without decoding them: no value is held afterwards.
     */
    void readShape(Decoder in) throws IOException {
        size = 0;
        values.reset();
        present = in.readIndex() == 1;
        if (!present) {
            return;
        }
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                grow();
                readNameAndType(in);
                skipValue(in);
                size++;
            }
        }
    }

    /** Walks over {@code union {null, array<Column>}} without keeping anything; {@code present} as for {@link #read(Decoder, boolean)}. */
    static void skip(Decoder in, boolean present) throws IOException {
        if (!present) {
            return;
        }
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                in.skipString(); // name
                in.skipString(); // pgType
                skipValue(in);
            }
        }
    }

    private static void skipValue(Decoder in) throws IOException {
        switch (in.readIndex()) {
            case 0 -> {
            }
            case 1 -> in.readBoolean();
            case 2 -> in.readLong();
            case 3 -> in.readDouble();
            case 4 -> in.skipString();
            case 5 -> in.skipBytes();
            case 6 -> in.readEnum();
            default -> throw new IOException("column value union branch out of range");
        }
    }

    private void readColumn(Decoder in) throws IOException {
        grow();
        readNameAndType(in);
        valueStart[size] = values.size();
        switch (in.readIndex()) {
            case 0 -> values.write(RowCodec.NULL);
            case 1 -> values.write(in.readBoolean() ? RowCodec.TRUE : RowCodec.FALSE);
            case 2 -> {
                long v = in.readLong();
                values.write(RowCodec.LONG);
                values.writeVarLong((v << 1) ^ (v >> 63));
            }
            case 3 -> {
                values.write(RowCodec.DOUBLE);
                values.writeFixedLong(Double.doubleToRawLongBits(in.readDouble()));
            }
            case 4 -> {
                in.readString(text);
                values.write(RowCodec.STRING);
                values.writeVarLong(text.getByteLength());
                values.writeBytes(text.getBytes(), 0, text.getByteLength());
            }
            case 5 -> {
                bytes = in.readBytes(bytes);
                values.write(RowCodec.BYTES);
                values.writeVarLong(bytes.remaining());
                values.writeBytes(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            }
            case 6 -> {
                in.readEnum(); // Unsent.UNCHANGED: the fold fills it from an older version
                values.write(RowCodec.UNCHANGED);
            }
            default -> throw new IOException("column value union branch out of range");
        }
        size++;
    }

    private void readNameAndType(Decoder in) throws IOException {
        // each slot keeps its own Utf8, whose buffer the decoder reuses: no copy of names and types
        Utf8 name = in.readString(nameText[size]);
        nameText[size] = name;
        names[size] = name.getBytes();
        nameLengths[size] = name.getByteLength();
        Utf8 type = in.readString(typeText[size]);
        typeText[size] = type;
        types[size] = type.getBytes();
        typeLengths[size] = type.getByteLength();
    }

    /** The position of the column named like {@code other}'s column {@code i}, or -1. */
    int indexOfName(ColumnList other, int i) {
        for (int j = 0; j < size; j++) {
            if (Arrays.equals(names[j], 0, nameLengths[j], other.names[i], 0, other.nameLengths[i])) {
                return j;
            }
        }
        return -1;
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
        return new String(names[i], 0, nameLengths[i], java.nio.charset.StandardCharsets.UTF_8);
    }

    String type(int i) {
        return new String(types[i], 0, typeLengths[i], java.nio.charset.StandardCharsets.UTF_8);
    }

    private void grow() {
        if (size + 1 >= names.length) {
            int n = names.length * 2;
            names = Arrays.copyOf(names, n);
            nameLengths = Arrays.copyOf(nameLengths, n);
            types = Arrays.copyOf(types, n);
            typeLengths = Arrays.copyOf(typeLengths, n);
            valueStart = Arrays.copyOf(valueStart, n + 1);
            nameText = Arrays.copyOf(nameText, n);
            typeText = Arrays.copyOf(typeText, n);
        }
    }

}
