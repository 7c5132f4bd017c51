package dev.strata.restore.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A row's values written byte to byte as the decoder reads them give what {@link PgBinary#write} gives for the values
 * {@code RowDecoder.row} decodes (a text column's string as its UTF-8 bytes): every type, every kind of value, the same
 * bytes or the same refusal.
 */
class BinaryValuesTest {
    private static final byte[] UTF8 = "h\u00e9llo".getBytes(StandardCharsets.UTF_8);

    /** One captured value both ways: as the sink is handed it, and as row() decodes it for a column of the type. */
    private record Value(String name, Consumer<BinaryValues> handed, Function<PgBinary.Type, Object> decoded) {
    }

    private static Value string(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[utf8.length + 3]; // at an offset, as in a fold version
        System.arraycopy(utf8, 0, buf, 2, utf8.length);
        return new Value("string " + text, v -> v.stringValue(0, buf, 2, utf8.length),
                type -> type == PgBinary.Type.TEXT ? utf8 : text);
    }

    private static List<Value> values() {
        List<Value> values = new ArrayList<>();
        values.add(new Value("null", v -> v.nullValue(0), type -> null));
        for (boolean b : new boolean[] {false, true}) {
            values.add(new Value("boolean " + b, v -> v.booleanValue(0, b), type -> b));
        }
        for (long l : new long[] {0, -1, 1_700_000_000_000_000L, 20_000, 40_000, Integer.MAX_VALUE + 1L}) {
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

    private interface Write {
        void to(DataOutputStream out) throws IOException;
    }

    /** The bytes written, or the class of what was thrown. */
    private static String outcome(Write write) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write.to(new DataOutputStream(bytes));
            return HexFormat.of().formatHex(bytes.toByteArray());
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    @Test
    void everyTypeAndKindGivesWhatTheDecodedValueGives() throws IOException {
        int compared = 0;
        int refusedBoth = 0;
        for (PgBinary.Type type : PgBinary.Type.values()) {
            for (Value value : values()) {
                String expected = outcome(out -> PgBinary.write(out, type, value.decoded().apply(type)));
                String actual = outcome(out -> {
                    CopyBuffer buffer = new CopyBuffer(4);
                    value.handed().accept(new BinaryValues(new PgBinary.Type[] {type}, buffer));
                    out.write(buffer.bytes(), 0, buffer.size());
                });
                assertThat(actual).as("%s into %s", value.name(), type).isEqualTo(expected);
                compared++;
                refusedBoth += expected.matches("[0-9a-f]*") ? 0 : 1;
            }
        }
        assertThat(compared).isEqualTo(PgBinary.Type.values().length * values().size());
        assertThat(refusedBoth).as("some pairs do not fit, and are refused both ways").isPositive();
    }
}
