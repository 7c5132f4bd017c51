package dev.strata.sink.segment;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Unsent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Walks over one Avro datum checking what Avro's own skip takes on trust, before its bytes go into a write-once segment: an
 * array block that gives its byte size (a negative count) holds exactly its items, and every enum symbol and union branch
 * is in range. Avro's skip passes over a sized block by its size without looking inside, and the segment decoder's walk
 * does too, while a full read goes by its items: bytes on which the two disagree would be read one way by a rollback and
 * another by a restore. Not thread-safe (one per {@link EventPeek}).
 */
final class StrictSkip {
    /** What {@link #skipColumns} walks: its branches are read in that order, so the schema must not have moved them. */
    static final Schema COLUMNS = ChangeEvent.getClassSchema().getField("key").schema();
    private static final int UNSENT_SYMBOLS = Unsent.values().length;
    private static final List<Schema.Type> VALUE_BRANCHES = List.of(Schema.Type.NULL, Schema.Type.BOOLEAN, Schema.Type.LONG,
            Schema.Type.DOUBLE, Schema.Type.STRING, Schema.Type.BYTES, Schema.Type.ENUM);

    /** Refuses to start when the Column record is no longer what {@link #skipColumns} walks. */
    static void requireColumnLayout() {
        Schema column = COLUMNS.getTypes().get(1).getElementType();
        List<String> fields = column.getFields().stream().map(Schema.Field::name).toList();
        List<Schema.Type> branches = column.getField("value").schema().getTypes().stream().map(Schema::getType).toList();
        if (!fields.equals(List.of("name", "pgType", "value")) || !branches.equals(VALUE_BRANCHES)) {
            throw new IllegalStateException("the Column record changed to fields " + fields + ", value branches " + branches
                    + ": update StrictSkip.skipColumns to walk it");
        }
    }

    /** A sized block's bytes, and the decoder over them, per depth of nesting (a block within a block). */
    private final List<byte[]> blocks = new ArrayList<>();
    private final List<BinaryDecoder> inner = new ArrayList<>();

    /** No block is longer than the datum: a size past it is refused before anything is allocated for it. */
    private int datumLength;

    /** @param datumLength the bytes of the whole datum {@code in} reads */
    void skip(Schema schema, BinaryDecoder in, int datumLength) throws IOException {
        this.datumLength = datumLength;
        walk(schema, in, 0);
    }

    /**
     * As {@link #skip}, for a {@code union {null, array<Column>}} (a key or a row image), without going through the schema
     * for every value, nor copying a sized block: most of a change's bytes, on the sink's hot path. A sized block's bytes
     * are counted as its columns are read, in the shortest encoding of what was read: one written otherwise (a padded
     * varint) is refused too, and the record is decoded and encoded again.
     */
    void skipColumns(BinaryDecoder in, int datumLength) throws IOException {
        if (inRange(in.readIndex(), 2, "union branch") == 0) {
            return;
        }
        for (long n = in.readLong(); n != 0; n = in.readLong()) {
            if (n > 0) {
                columns(in, n);
                continue;
            }
            long size = in.readLong();
            if (n == Long.MIN_VALUE || size < 0 || size > datumLength) {
                throw new IOException("a block of " + n + " columns in " + size + " bytes");
            }
            long read = columns(in, -n);
            if (read != size) {
                throw new IOException("a block of " + size + " bytes holds " + -n + " columns of " + read + " bytes");
            }
        }
    }

    /**
     * Column records: name, pgType, and the value union {null, boolean, long, double, string, bytes, Unsent}.
     *
     * @return their bytes, as the shortest encoding of what was read
     */
    private static long columns(BinaryDecoder in, long n) throws IOException {
        long bytes = 0;
        for (long i = 0; i < n; i++) {
            bytes += string(in) + string(in);
            int branch = in.readIndex();
            bytes += 1;
            switch (branch) {
                case 0 -> {
                }
                case 1 -> {
                    in.readBoolean();
                    bytes += 1;
                }
                case 2 -> bytes += varintLength(in.readLong());
                case 3 -> {
                    in.readDouble();
                    bytes += 8;
                }
                case 4, 5 -> bytes += string(in);
                case 6 -> bytes += varintLength(inRange(in.readEnum(), UNSENT_SYMBOLS, "Unsent symbol"));
                default -> throw new IOException("a column value union branch out of range");
            }
        }
        return bytes;
    }

    /** Passes over a string or bytes; @return its length's and its bytes' count */
    private static long string(BinaryDecoder in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("a length of " + length);
        }
        in.skipFixed(length);
        return varintLength(length) + length;
    }

    /** The bytes of Avro's shortest (zig-zag) encoding of {@code value}. */
    private static int varintLength(long value) {
        long zigZag = (value << 1) ^ (value >> 63);
        return Math.max(1, (64 - Long.numberOfLeadingZeros(zigZag) + 6) / 7);
    }

    private void walk(Schema schema, BinaryDecoder in, int depth) throws IOException {
        switch (schema.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> in.readBoolean();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case STRING -> in.skipString();
            case BYTES -> in.skipBytes();
            case FIXED -> in.skipFixed(schema.getFixedSize());
            case ENUM -> inRange(in.readEnum(), schema.getEnumSymbols().size(), "enum symbol");
            case UNION -> walk(schema.getTypes().get(inRange(in.readIndex(), schema.getTypes().size(), "union branch")), in, depth);
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema(), in, depth);
                }
            }
            case ARRAY -> blocks(in, depth, schema.getElementType(), null);
            case MAP -> blocks(in, depth, Schema.create(Schema.Type.STRING), schema.getValueType());
            default -> throw new IOException("a schema type " + schema.getType() + " this walk does not know");
        }
    }

    /** An array's or a map's blocks; {@code values} null for an array (its items are {@code items}), a map's keys being strings. */
    private void blocks(BinaryDecoder in, int depth, Schema items, Schema values) throws IOException {
        for (long n = in.readLong(); n != 0; n = in.readLong()) {
            if (n > 0) {
                items(in, n, depth, items, values);
                continue;
            }
            long size = in.readLong();
            if (n == Long.MIN_VALUE || size < 0 || size > datumLength) {
                throw new IOException("a block of " + n + " items in " + size + " bytes");
            }
            BinaryDecoder block = block(in, depth, (int) size);
            items(block, -n, depth + 1, items, values);
            if (!block.isEnd()) {
                throw new IOException("a block of " + size + " bytes holds more than its " + -n + " items");
            }
        }
    }

    private void items(BinaryDecoder in, long n, int depth, Schema items, Schema values) throws IOException {
        for (long i = 0; i < n; i++) {
            walk(items, in, depth);
            if (values != null) {
                walk(values, in, depth);
            }
        }
    }

    /** The next {@code size} bytes of {@code in}, as a decoder of their own (its end is the block's). */
    private BinaryDecoder block(BinaryDecoder in, int depth, int size) throws IOException {
        while (blocks.size() <= depth) {
            blocks.add(new byte[256]);
            inner.add(null);
        }
        byte[] bytes = blocks.get(depth);
        if (bytes.length < size) {
            bytes = new byte[Math.max(size, 2 * bytes.length)];
            blocks.set(depth, bytes);
        }
        in.readFixed(bytes, 0, size); // past the datum's end: an EOFException
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 0, size, inner.get(depth));
        inner.set(depth, decoder);
        return decoder;
    }

    private static int inRange(int index, int count, String what) throws IOException {
        if (index < 0 || index >= count) {
            throw new IOException("a " + what + " " + index + " of " + count);
        }
        return index;
    }
}
