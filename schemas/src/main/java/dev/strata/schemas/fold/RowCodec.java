package dev.strata.schemas.fold;

import dev.strata.schemas.avro.Unsent;
import dev.strata.schemas.fold.bytes.ByteReader;
import dev.strata.schemas.fold.bytes.ByteWriter;
import dev.strata.schemas.fold.drain.RowValueSink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The compact form a row image takes while it is folded: a tag per value and the value itself
 * (zig-zag varint, 8-byte double, length-prefixed UTF-8 or bytes). Names and types are not
 * repeated per row: they live once in the row's {@link TableShape}, named by a shape id. A million
 * rows of a few columns then cost tens of bytes each instead of a ChangeEvent's object graph.
 *
 * <p>Values are those of the ChangeEvent column union, decoded as null, Boolean, Long, Double,
 * String or byte[]; the union's {@link Unsent} kind is written as {@link #UNCHANGED}.
 */
final class RowCodec {
    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int LONG = 3;
    static final int DOUBLE = 4;
    static final int STRING = 5;
    static final int BYTES = 6;
    /** A value the change did not carry (an unchanged TOAST value), not found in an older version yet. */
    static final int UNCHANGED = 7;
    /**
     * A value the change did not carry, taken from an older version of the row: 8 bytes lsn and 8
     * bytes txOrder of that version, then the value (tags 0 to 6). See {@link CarriedValues}.
     */
    static final int CARRIED = 8;
    /** A {@link #CARRIED} value's bytes before the value itself: the tag, then the position (lsn, txOrder) it came from. */
    static final int CARRIED_HEADER = 17;

    private RowCodec() {
    }

    static void writeValue(ByteWriter out, Object value) {
        if (value == null) {
            out.write(NULL);
        } else if (value instanceof Unsent) {
            out.write(UNCHANGED);
        } else if (value instanceof Boolean b) {
            out.write(b ? TRUE : FALSE);
        } else if (value instanceof Long || value instanceof Integer) {
            out.write(LONG);
            long v = ((Number) value).longValue();
            out.writeVarLong((v << 1) ^ (v >> 63));
        } else if (value instanceof Double || value instanceof Float) {
            out.write(DOUBLE);
            out.writeFixedLong(Double.doubleToRawLongBits(((Number) value).doubleValue()));
        } else if (value instanceof CharSequence s) {
            out.write(STRING);
            byte[] utf8 = s.toString().getBytes(StandardCharsets.UTF_8);
            out.writeVarLong(utf8.length);
            out.writeBytes(utf8, 0, utf8.length);
        } else if (value instanceof ByteBuffer b) {
            out.write(BYTES);
            ByteBuffer d = b.duplicate();
            out.writeVarLong(d.remaining());
            byte[] copy = new byte[d.remaining()];
            d.get(copy);
            out.writeBytes(copy, 0, copy.length);
        } else if (value instanceof byte[] b) {
            out.write(BYTES);
            out.writeVarLong(b.length);
            out.writeBytes(b, 0, b.length);
        } else {
            throw new IllegalArgumentException("a column value of class " + value.getClass().getName()
                    + " is outside the ChangeEvent union (null, boolean, long, double, string, bytes, Unsent)");
        }
    }

    /** Moves past one value of any tag. */
    static void skipValue(ByteReader in) {
        int tag = in.read();
        switch (tag) {
            case NULL, FALSE, TRUE, UNCHANGED -> {
            }
            case LONG -> in.readVarLong();
            case DOUBLE -> in.skip(8);
            case STRING, BYTES -> in.skip((int) in.readVarLong());
            case CARRIED -> {
                in.skip(CARRIED_HEADER - 1);
                skipValue(in);
            }
            default -> throw new IllegalStateException("corrupt folded row: unknown value tag " + tag);
        }
    }

    /**
     * Hands one value, read from {@code in} over {@code buf}, to {@code sink} as {@code column}; a carried value as the
     * value it carries.
     *
     * @return false, nothing handed, for a value the change did not carry and no older version held ({@link #UNCHANGED})
     */
    static boolean handValue(ByteReader in, byte[] buf, int column, RowValueSink sink) {
        int tag = in.read();
        if (tag == CARRIED) {
            in.skip(CARRIED_HEADER - 1);
            tag = in.read();
        }
        switch (tag) {
            case NULL -> sink.nullValue(column);
            case FALSE -> sink.booleanValue(column, false);
            case TRUE -> sink.booleanValue(column, true);
            case LONG -> {
                long z = in.readVarLong();
                sink.longValue(column, (z >>> 1) ^ -(z & 1));
            }
            case DOUBLE -> sink.doubleValue(column, Double.longBitsToDouble(in.readFixedLong()));
            case STRING, BYTES -> {
                int length = (int) in.readVarLong();
                int from = in.position();
                in.skip(length);
                if (tag == STRING) {
                    sink.stringValue(column, buf, from, length);
                } else {
                    sink.bytesValue(column, buf, from, length);
                }
            }
            case UNCHANGED -> {
                return false;
            }
            default -> throw new IllegalStateException("corrupt folded row: unknown value tag " + tag);
        }
        return true;
    }

    /** A plain value (tags 0 to 6); see {@link RowDecoder} for the tags of values a change did not carry. */
    static Object readValue(ByteReader in) {
        return readValue(in, false);
    }

    /** The same, a string as its UTF-8 bytes (a byte[]) when {@code textAsUtf8}: no String made to be encoded again. */
    static Object readValue(ByteReader in, boolean textAsUtf8) {
        int tag = in.read();
        return switch (tag) {
            case NULL -> null;
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case LONG -> {
                long z = in.readVarLong();
                yield (z >>> 1) ^ -(z & 1);
            }
            case DOUBLE -> Double.longBitsToDouble(in.readFixedLong());
            case STRING -> textAsUtf8 ? in.readBytes((int) in.readVarLong()) : in.readUtf8((int) in.readVarLong());
            case BYTES -> in.readBytes((int) in.readVarLong());
            default -> throw new IllegalStateException("corrupt folded row: unknown value tag " + tag);
        };
    }
}
