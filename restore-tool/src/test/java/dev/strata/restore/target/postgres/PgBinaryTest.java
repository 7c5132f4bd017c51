package dev.strata.restore.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgBinaryTest {
    /** (ndigits, weight, sign, dscale, digits...) as Postgres's numeric_send writes them. */
    private static List<Integer> numeric(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PgBinary.numeric(new DataOutputStream(bytes), text);
        ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
        int length = b.getInt();
        assertThat(length).isEqualTo(bytes.size() - 4);
        List<Integer> fields = new ArrayList<>();
        while (b.hasRemaining()) {
            fields.add(b.getShort() & 0xffff);
        }
        return fields;
    }

    @Test
    void numericsKeepTheirDigitsWeightAndScale() throws IOException {
        assertThat(numeric("0")).containsExactly(0, 0, 0, 0);
        assertThat(numeric("0.00")).containsExactly(0, 0, 0, 2);
        assertThat(numeric("-123.4500")).containsExactly(2, 0, 0x4000, 4, 123, 4500);
        assertThat(numeric("10000")).containsExactly(1, 1, 0, 0, 1);
        assertThat(numeric("0.0001")).containsExactly(1, 0xffff, 0, 4, 1); // weight -1
        assertThat(numeric("12345678.9")).containsExactly(3, 1, 0, 1, 1234, 5678, 9000);
        assertThat(numeric("NaN")).containsExactly(0, 0, 0xC000, 0);
        assertThat(numeric("-Infinity")).containsExactly(0, 0, 0xF000, 0);
    }

    @Test
    void typesWithoutAPlainBinaryFormStayOnText() {
        assertThat(PgBinary.of("timestamp with time zone")).isEqualTo(PgBinary.Type.TIMESTAMP);
        assertThat(PgBinary.of("time without time zone")).isEqualTo(PgBinary.Type.TIME);
        assertThat(PgBinary.of("time with time zone")).isNull();
        assertThat(PgBinary.of("numeric(12,2)")).isEqualTo(PgBinary.Type.NUMERIC);
        assertThat(PgBinary.of("character varying(10)")).isEqualTo(PgBinary.Type.TEXT);
        assertThat(PgBinary.of("text[]")).isNull();
        assertThat(PgBinary.of("interval")).isNull();
        assertThat(PgBinary.of("mood")).isNull();
    }
}
