package dev.strata.restore.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every type against every kind of value, both ways a row reaches a binary COPY (handed from the fold's bytes, or
 * decoded first): the bytes PostgreSQL's binary receive functions read, or a refusal.
 */
class BinaryValuesTest {
    private static final byte[] UTF8 = "h\u00e9llo".getBytes(StandardCharsets.UTF_8);
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final long PG_EPOCH_DAYS = 10_957;

    /** One captured value: as the decoder hands it, and as {@code RowDecoder.row} decodes it for a column of the type. */
    private record Value(String name, Consumer<BinaryValues> handed, Function<PgBinary.Type, Object> decoded) {
    }

    private static Value string(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[utf8.length + 3]; // at an offset, as in a fold version
        System.arraycopy(utf8, 0, buf, 2, utf8.length);
        return new Value("string " + text, v -> v.stringValue(0, buf, 2, utf8.length), type -> type == PgBinary.Type.TEXT ? utf8 : text);
    }

    private static List<Value> values() {
        List<Value> values = new ArrayList<>();
        values.add(new Value("null", v -> v.nullValue(0), type -> null));
        for (boolean b : new boolean[] {false, true}) {
            values.add(new Value("boolean " + b, v -> v.booleanValue(0, b), type -> b));
        }
        for (long l : new long[] {0, -1, 1_700_000_000_000_000L, 20_000, 40_000, -32_769, Integer.MAX_VALUE + 1L}) {
            values.add(new Value("long " + l, v -> v.longValue(0, l), type -> l));
        }
        for (double d : new double[] {1.5, -0.0, Double.NaN, 1e300}) {
            values.add(new Value("double " + d, v -> v.doubleValue(0, d), type -> d));
        }
        for (String s : new String[] {"h\u00e9llo", "{\"a\": 1}", "123.4500", "-infinity", "6f1c6ee4-55b5-4b7e-9f0e-6f4a2b8ad0c1"}) {
            values.add(string(s));
        }
        values.add(new Value("bytes", v -> v.bytesValue(0, UTF8, 1, 3), type -> Arrays.copyOfRange(UTF8, 1, 4)));
        return values;
    }

    /**
     * What the column's receive function reads, written plainly from the decoded value (as the load wrote it before the
     * decoder handed values over), or null where the type does not take that kind of value.
     */
    private static byte[] expected(PgBinary.Type type, Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        if (value == null) {
            out.writeInt(-1);
            return bytes.toByteArray();
        }
        switch (type) {
            case INT8, TIME -> field(out, value instanceof Long l ? ByteBuffer.allocate(8).putLong(l).array() : null);
            case INT4 -> field(out, value instanceof Long l && l == (int) (long) l ? ByteBuffer.allocate(4).putInt((int) (long) l).array()
                    : null);
            case INT2 -> field(out, value instanceof Long l && l == (short) (long) l
                    ? ByteBuffer.allocate(2).putShort((short) (long) l).array() : null);
            case BOOL -> field(out, value instanceof Boolean b ? new byte[] {(byte) (b ? 1 : 0)} : null);
            case FLOAT8 -> field(out, value instanceof Double d ? ByteBuffer.allocate(8).putDouble(d).array() : null);
            case FLOAT4 -> field(out, value instanceof Double d ? ByteBuffer.allocate(4).putFloat(d.floatValue()).array() : null);
            case TEXT, BYTEA -> field(out, value instanceof byte[] b ? b : null);
            case JSONB -> field(out, value instanceof String s ? ("\u0001" + s).getBytes(StandardCharsets.UTF_8) : null);
            case TIMESTAMP -> field(out, value instanceof Long l ? ByteBuffer.allocate(8).putLong(l - PG_EPOCH_MICROS).array()
                    : "-infinity".equals(value) ? ByteBuffer.allocate(8).putLong(Long.MIN_VALUE).array() : null);
            case DATE -> field(out, value instanceof Long l && l - PG_EPOCH_DAYS == (int) (l - PG_EPOCH_DAYS)
                    ? ByteBuffer.allocate(4).putInt((int) (l - PG_EPOCH_DAYS)).array()
                    : "-infinity".equals(value) ? ByteBuffer.allocate(4).putInt(Integer.MIN_VALUE).array() : null);
            case UUID -> field(out, value instanceof String s && s.length() == 36 ? HexFormat.of().parseHex(s.replace("-", "")) : null);
            case NUMERIC -> field(out, "123.4500".equals(value) ? ByteBuffer.allocate(12).putShort((short) 2).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 4).putShort((short) 123).putShort((short) 4500).array() : null);
            default -> throw new AssertionError(type);
        }
        return bytes.size() == 0 ? null : bytes.toByteArray();
    }

    private static void field(DataOutputStream out, byte[] value) throws IOException {
        if (value != null) {
            out.writeInt(value.length);
            out.write(value);
        }
    }

    /** The bytes written, or null when refused. */
    private static byte[] written(PgBinary.Type type, Consumer<BinaryValues> write) {
        CopyBuffer buffer = new CopyBuffer(4);
        try {
            write.accept(new BinaryValues(new PgBinary.Type[] {type}, buffer));
        } catch (IllegalArgumentException | ArithmeticException refused) {
            return null;
        }
        return Arrays.copyOf(buffer.bytes(), buffer.size());
    }

    @Test
    void everyTypeAndKindGivesTheReceiveFunctionsBytesOrARefusalBothWays() throws IOException {
        int refused = 0;
        for (PgBinary.Type type : PgBinary.Type.values()) {
            for (Value value : values()) {
                Object decoded = value.decoded().apply(type);
                byte[] expected = expected(type, decoded);
                assertThat(written(type, value.handed())).as("%s handed into %s", value.name(), type).isEqualTo(expected);
                assertThat(written(type, v -> v.value(0, decoded))).as("%s decoded into %s", value.name(), type).isEqualTo(expected);
                refused += expected == null ? 1 : 0;
            }
        }
        assertThat(refused).as("a kind a type does not take is refused, not written").isGreaterThan(100);
    }
}
