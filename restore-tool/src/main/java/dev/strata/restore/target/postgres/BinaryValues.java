package dev.strata.restore.target.postgres;

import dev.strata.schemas.fold.drain.RowValueSink;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a row's values into a binary COPY, column by column: handed by the decoder straight from the fold's bytes, or
 * decoded ({@link #value}), the same methods either way. A value whose kind its column's type does not take is refused
 * (IllegalArgumentException; ArithmeticException for a number beyond the type's range): the load names the table.
 */
final class BinaryValues implements RowValueSink {
    private final PgBinary.Type[] types;
    private final CopyBuffer buffer;
    private final DataOutputStream computed;

    BinaryValues(PgBinary.Type[] types, CopyBuffer buffer) {
        this.types = types;
        this.buffer = buffer;
        this.computed = new DataOutputStream(buffer);
    }

    /** A value as {@code RowDecoder.row} decodes it (a text column's string as its UTF-8 bytes). */
    void value(int column, Object value) {
        if (value == null) {
            nullValue(column);
        } else if (value instanceof Long l) {
            longValue(column, l);
        } else if (value instanceof Double d) {
            doubleValue(column, d);
        } else if (value instanceof Boolean b) {
            booleanValue(column, b);
        } else if (value instanceof byte[] b) {
            bytesValue(column, b, 0, b.length);
        } else if (value instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            stringValue(column, utf8, 0, utf8.length);
        } else {
            throw new IllegalArgumentException("a value of class " + value.getClass().getSimpleName() + " for a column of type "
                    + types[column]);
        }
    }

    @Override
    public void nullValue(int column) {
        buffer.putInt(-1);
    }

    @Override
    public void booleanValue(int column, boolean value) {
        if (types[column] != PgBinary.Type.BOOL) {
            throw refused("boolean", column);
        }
        buffer.putInt(1);
        buffer.write(value ? 1 : 0);
    }

    @Override
    public void longValue(int column, long value) {
        switch (types[column]) {
            case INT8, TIME -> fixed8(value);
            case INT4 -> fixed4(Math.toIntExact(value));
            case INT2 -> {
                if (value != (short) value) {
                    throw new ArithmeticException("a whole number beyond smallint's range");
                }
                buffer.putInt(2);
                buffer.putShort((int) value);
            }
            case TIMESTAMP -> fixed8(PgBinary.timestamp(value));
            case DATE -> fixed4(PgBinary.date(value));
            default -> throw refused("whole number", column);
        }
    }

    @Override
    public void doubleValue(int column, double value) {
        switch (types[column]) {
            case FLOAT8 -> fixed8(Double.doubleToLongBits(value));
            case FLOAT4 -> fixed4(Float.floatToIntBits((float) value));
            default -> throw refused("floating-point", column);
        }
    }

    @Override
    public void stringValue(int column, byte[] buf, int from, int length) {
        switch (types[column]) {
            case TEXT -> sized(buf, from, length); // the backup's own UTF-8
            case JSONB -> {
                buffer.putInt(length + 1);
                buffer.write(1); // jsonb binary format version
                buffer.write(buf, from, length);
            }
            default -> {
                try {
                    PgBinary.fromText(computed, types[column], new String(buf, from, length, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot buffer in memory", e);
                }
            }
        }
    }

    @Override
    public void bytesValue(int column, byte[] buf, int from, int length) {
        switch (types[column]) {
            // a text column's value decoded as its UTF-8 bytes comes here too (value): bytes the backup holds as a string
            case BYTEA, TEXT -> sized(buf, from, length);
            default -> throw refused("bytes", column);
        }
    }

    private IllegalArgumentException refused(String kind, int column) {
        return new IllegalArgumentException("a " + kind + " value for a column of type " + types[column]);
    }

    private void fixed8(long value) {
        buffer.putInt(8);
        buffer.putLong(value);
    }

    private void fixed4(int value) {
        buffer.putInt(4);
        buffer.putInt(value);
    }

    private void sized(byte[] buf, int from, int length) {
        buffer.putInt(length);
        buffer.write(buf, from, length);
    }
}
