package dev.strata.restore.target;

import dev.strata.schemas.fold.RowValueSink;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a folded row's values into a binary COPY as the decoder reads them: the kinds most columns hold (integers,
 * times, floats, booleans, text, jsonb, bytea) byte to byte; any other pair of type and kind as {@link PgBinary#write}
 * writes the decoded value, so both ways give the same bytes and the same refusals (IllegalArgumentException,
 * ClassCastException: a value that does not fit its captured type).
 */
final class BinaryValues implements RowValueSink {
    private final PgBinary.Type[] types;
    private final CopyBuffer buffer;
    private final DataOutputStream decoded;

    BinaryValues(PgBinary.Type[] types, CopyBuffer buffer) {
        this.types = types;
        this.buffer = buffer;
        this.decoded = new DataOutputStream(buffer);
    }

    @Override
    public void nullValue(int column) {
        buffer.putInt(-1);
    }

    @Override
    public void booleanValue(int column, boolean value) {
        if (types[column] != PgBinary.Type.BOOL) {
            asDecoded(column, value);
            return;
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
                buffer.putInt(2);
                buffer.putShort(Math.toIntExact(value));
            }
            case TIMESTAMP -> fixed8(PgBinary.timestamp(value));
            case DATE -> fixed4(PgBinary.date(value));
            default -> asDecoded(column, value);
        }
    }

    @Override
    public void doubleValue(int column, double value) {
        switch (types[column]) {
            case FLOAT8 -> fixed8(Double.doubleToLongBits(value));
            case FLOAT4 -> fixed4(Float.floatToIntBits((float) value));
            default -> asDecoded(column, value);
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
            default -> asDecoded(column, new String(buf, from, length, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void bytesValue(int column, byte[] buf, int from, int length) {
        switch (types[column]) {
            case BYTEA, TEXT -> sized(buf, from, length); // TEXT: as PgBinary takes a text column's bytes
            default -> asDecoded(column, Arrays.copyOfRange(buf, from, from + length));
        }
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

    private void asDecoded(int column, Object value) {
        try {
            PgBinary.write(decoded, types[column], value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot buffer in memory", e);
        }
    }
}
