package dev.strata.capture.pg;

import dev.strata.capture.DebeziumSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.connector.postgresql.PostgresValueConverter;
import java.nio.ByteBuffer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import dev.strata.schemas.avro.Unsent;
import org.junit.jupiter.api.Test;

class PgValueCodecTest {
    private static final Schema TEXT_SCHEMA = SchemaBuilder.string().name(PgTextConverter.SCHEMA_NAME).optional().build();

    private static PgColumnType type(String declared, String base) {
        return new PgColumnType(declared, base, base, 'X');
    }

    private static Object encode(String base, Schema schema, Object value) {
        return PgValueCodec.encode(type(base, base), schema, value);
    }

    @Test
    void nullIsNullForEveryType() {
        assertThat(encode("int4", Schema.OPTIONAL_INT32_SCHEMA, null)).isNull();
        assertThat(encode("point", Schema.OPTIONAL_BYTES_SCHEMA, null)).isNull();
        assertThat(PgValueCodec.encode(new PgColumnType("integer[]", "_int4", "_int4", PgColumnType.ARRAY), TEXT_SCHEMA, null)).isNull();
    }

    @Test
    void integersAreLongs() {
        assertThat(encode("int2", Schema.INT16_SCHEMA, (short) -32768)).isEqualTo(-32768L);
        assertThat(encode("int4", Schema.INT32_SCHEMA, Integer.MAX_VALUE)).isEqualTo(2147483647L);
        assertThat(encode("int8", Schema.INT64_SCHEMA, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void floatsKeepNanInfinityAndNegativeZero() {
        assertThat(encode("float4", Schema.FLOAT32_SCHEMA, Float.NaN)).isEqualTo(Double.NaN);
        assertThat(encode("float4", Schema.FLOAT32_SCHEMA, Float.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Double.doubleToRawLongBits((Double) encode("float4", Schema.FLOAT32_SCHEMA, -0.0f)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(encode("float4", Schema.FLOAT32_SCHEMA, 1.1f)).isEqualTo((double) 1.1f);
        assertThat(encode("float8", Schema.FLOAT64_SCHEMA, Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Double.doubleToRawLongBits((Double) encode("float8", Schema.FLOAT64_SCHEMA, -0.0)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void booleansStayBooleans() {
        assertThat(encode("bool", Schema.BOOLEAN_SCHEMA, true)).isEqualTo(true);
    }

    @Test
    void numericIsItsExactDecimalTextAndItsSpecialValuesArePostgresSpelling() {
        assertThat(encode("numeric", Schema.STRING_SCHEMA, "123.4500")).isEqualTo("123.4500");
        assertThat(encode("numeric", Schema.STRING_SCHEMA, "-0.000000000000000000000000000001")).isEqualTo("-0.000000000000000000000000000001");
        String huge = "9".repeat(1000) + "." + "1".repeat(1000);
        assertThat(encode("numeric", Schema.STRING_SCHEMA, huge)).isEqualTo(huge);
        assertThat(encode("numeric", Schema.STRING_SCHEMA, "NAN")).isEqualTo("NaN");
        assertThat(encode("numeric", Schema.STRING_SCHEMA, "POSITIVE_INFINITY")).isEqualTo("Infinity");
        assertThat(encode("numeric", Schema.STRING_SCHEMA, "NEGATIVE_INFINITY")).isEqualTo("-Infinity");
        assertThatThrownBy(() -> encode("numeric", Schema.STRING_SCHEMA, "1E+5"))
                .isInstanceOf(UnrepresentableValueException.class).hasMessageContaining("not plain decimal text");
    }

    @Test
    void plainDecimalTextIsRecognisedWithoutARegex() {
        assertThat(PgValueCodec.isPlainDecimal("0")).isTrue();
        assertThat(PgValueCodec.isPlainDecimal("-12.30")).isTrue();
        for (String bad : new String[] {"", "-", "1.", ".5", "1.2.3", "+1", "1e5", "NaN", "1 "}) {
            assertThat(PgValueCodec.isPlainDecimal(bad)).as(bad).isFalse();
        }
    }

    @Test
    void byteaIsACopyOfTheBytes() {
        byte[] raw = {0, (byte) 0xff, 0x10};
        ByteBuffer encoded = (ByteBuffer) encode("bytea", Schema.BYTES_SCHEMA, ByteBuffer.wrap(raw));
        raw[0] = 42;
        assertThat(encoded.array()).containsExactly(0, (byte) 0xff, 0x10);
        assertThat(((ByteBuffer) encode("bytea", Schema.BYTES_SCHEMA, new byte[0])).remaining()).isZero();
    }

    @Test
    void timeIsMicrosSinceMidnightIncluding2400() {
        assertThat(encode("time", Schema.INT64_SCHEMA, 86_400_000_000L)).isEqualTo(86_400_000_000L);
    }

    @Test
    void timestampIsMicrosAndDebeziumsInfinitySentinelsAreInfinity() {
        assertThat(encode("timestamp", Schema.INT64_SCHEMA, 1_704_164_645_123_456L)).isEqualTo(1_704_164_645_123_456L);
        assertThat(encode("timestamp", Schema.INT64_SCHEMA, PgValueCodec.micros(PostgresValueConverter.POSITIVE_INFINITY_INSTANT)))
                .isEqualTo("infinity");
        assertThat(encode("timestamp", Schema.INT64_SCHEMA, PgValueCodec.micros(PostgresValueConverter.NEGATIVE_INFINITY_INSTANT)))
                .isEqualTo("-infinity");
    }

    @Test
    void timestamptzIsUtcMicrosOrInfinityOrTextBeyondALong() {
        assertThat(encode("timestamptz", Schema.STRING_SCHEMA, "2024-06-01T06:30:00.5Z")).isEqualTo(1_717_223_400_500_000L);
        assertThat(encode("timestamptz", Schema.STRING_SCHEMA, "-4712-01-01T00:00:00Z")).isEqualTo(java.time.LocalDate.of(-4712, 1, 1).toEpochDay() * 86_400_000_000L);
        assertThat(encode("timestamptz", Schema.STRING_SCHEMA, "infinity")).isEqualTo("infinity");
        assertThat(encode("timestamptz", Schema.STRING_SCHEMA, "-infinity")).isEqualTo("-infinity");
        assertThat(encode("timestamptz", Schema.STRING_SCHEMA, "+294276-12-31T23:59:59.999Z"))
                .isEqualTo("294276-12-31 23:59:59.999000+00");
        assertThatThrownBy(() -> encode("timestamptz", Schema.STRING_SCHEMA, "yesterday"))
                .isInstanceOf(UnrepresentableValueException.class);
    }

    @Test
    void intervalAndTextTypesAreVerbatim() {
        assertThat(encode("interval", Schema.STRING_SCHEMA, "P1Y2M-3DT4H5M6.789S")).isEqualTo("P1Y2M-3DT4H5M6.789S");
        assertThat(encode("bpchar", Schema.STRING_SCHEMA, "ab   ")).isEqualTo("ab   ");
        assertThat(encode("jsonb", Schema.STRING_SCHEMA, "{\"a\": [1, 2]}")).isEqualTo("{\"a\": [1, 2]}");
        assertThat(encode("json", Schema.STRING_SCHEMA, "{\"b\":1, \"a\" : [1,2]}")).isEqualTo("{\"b\":1, \"a\" : [1,2]}");
        assertThat(encode("uuid", Schema.STRING_SCHEMA, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(encode("inet", Schema.STRING_SCHEMA, "192.168.0.1/24")).isEqualTo("192.168.0.1/24");
        assertThat(PgValueCodec.encode(new PgColumnType("mood", "mood", "mood", PgColumnType.ENUM), Schema.STRING_SCHEMA, "happy"))
                .isEqualTo("happy");
    }

    @Test
    void arraysTimetzAndDatesAreThePostgresTextFromTheConverter() {
        PgColumnType array = new PgColumnType("integer[]", "_int4", "_int4", PgColumnType.ARRAY);
        assertThat(PgValueCodec.encode(array, TEXT_SCHEMA, "[0:1]={7,8}")).isEqualTo("[0:1]={7,8}");
        assertThat(PgValueCodec.encode(type("time with time zone", "timetz"), TEXT_SCHEMA, "10:11:12.345678+02"))
                .isEqualTo("10:11:12.345678+02");
        assertThat(PgValueCodec.encode(type("date", "date"), TEXT_SCHEMA, "4713-01-01 BC")).isEqualTo("4713-01-01 BC");
    }

    @Test
    void aLostValueIsUnrepresentableWithItsReason() {
        String lost = PgTextConverter.convert(java.time.OffsetTime.parse("08:11:12Z"), "timetz");
        assertThatThrownBy(() -> PgValueCodec.encode(type("time with time zone", "timetz"), TEXT_SCHEMA, lost))
                .isInstanceOf(UnrepresentableValueException.class).hasMessageContaining("offset");
        // an array Debezium converted itself (no text converter) cannot be trusted
        assertThatThrownBy(() -> PgValueCodec.encode(new PgColumnType("integer[]", "_int4", "_int4", PgColumnType.ARRAY),
                SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build(), java.util.List.of(1)))
                .isInstanceOf(UnrepresentableValueException.class);
    }

    @Test
    void anUnchangedToastPlaceholderIsNeverDataButTheUnsentKind() {
        assertThat(encode("text", Schema.STRING_SCHEMA, DebeziumSettings.UNAVAILABLE_PLACEHOLDER)).isEqualTo(Unsent.UNCHANGED);
        assertThat(encode("jsonb", Schema.STRING_SCHEMA, DebeziumSettings.UNAVAILABLE_PLACEHOLDER)).isEqualTo(Unsent.UNCHANGED);
        assertThat(encode("bytea", Schema.BYTES_SCHEMA,
                ByteBuffer.wrap(DebeziumSettings.UNAVAILABLE_PLACEHOLDER.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isEqualTo(Unsent.UNCHANGED);
    }

    @Test
    void typesWithoutAnExactRepresentationAreRefusedByName() {
        assertThatThrownBy(() -> PgValueCodec.encode(type("point", "point"), Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {1}))
                .isInstanceOf(UnrepresentableValueException.class).hasMessageContaining("type point");
        assertThatThrownBy(() -> encode("timestamptz", Schema.INT64_SCHEMA, 5L))
                .isInstanceOf(UnrepresentableValueException.class).hasMessageContaining("expected a String");
    }
}
