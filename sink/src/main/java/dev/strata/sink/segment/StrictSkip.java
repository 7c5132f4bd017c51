package dev.strata.sink.segment;

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
