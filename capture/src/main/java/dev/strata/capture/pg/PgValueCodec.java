package dev.strata.capture.pg;

import dev.strata.capture.DebeziumSettings;
import dev.strata.schemas.avro.Unsent;
import io.debezium.connector.postgresql.PostgresValueConverter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;

/**
 * Turns one Debezium column value into the exact {@code Column.value} of a ChangeEvent, per
 * Postgres type. This is the contract a restore reads back:
 *
 * <table>
 * <tr><th>Postgres type</th><th>value</th></tr>
 * <tr><td>smallint, integer, bigint, oid</td><td>long</td></tr>
 * <tr><td>real, double precision</td><td>double (a real widened exactly; NaN, +-Infinity, -0 kept)</td></tr>
 * <tr><td>boolean</td><td>boolean</td></tr>
 * <tr><td>numeric</td><td>string: the decimal as Postgres printed it (scale and trailing zeros
 *     kept), or {@code NaN}, {@code Infinity}, {@code -Infinity}</td></tr>
 * <tr><td>bytea</td><td>bytes</td></tr>
 * <tr><td>date</td><td>string as Postgres prints it in DateStyle ISO: {@code 2024-02-29}, {@code 4713-01-01 BC},
 *     {@code infinity}, {@code -infinity}</td></tr>
 * <tr><td>time</td><td>long microseconds since midnight (24:00:00 is 86400000000)</td></tr>
 * <tr><td>timestamp</td><td>long microseconds since 1970-01-01 00:00 (no zone), or {@code infinity} / {@code -infinity}</td></tr>
 * <tr><td>timestamptz</td><td>long microseconds since the epoch, UTC, or {@code infinity} / {@code -infinity}, or
 *     (after year 294246, beyond a long) the UTC text, e.g. {@code 294276-12-31 23:59:59.999000+00}</td></tr>
 * <tr><td>interval</td><td>string, ISO 8601 with every field as Postgres holds it, e.g. {@code P1Y2M-3DT4H5M6.789S}</td></tr>
 * <tr><td>arrays, timetz</td><td>string: the text Postgres sent, e.g. {@code {1,NULL,3}}, {@code [0:1]={7,8}}, {@code 10:00:00+02}</td></tr>
 * <tr><td>text, varchar, char (padded), name, uuid, json, jsonb, inet, cidr, macaddr(8), ranges, enums</td>
 *     <td>string: the text Postgres sent</td></tr>
 * </table>
 *
 * SQL NULL is null for every type. A TOASTed value that Postgres did not send (an UPDATE that left
 * it unchanged, under REPLICA IDENTITY DEFAULT) is {@link Unsent#UNCHANGED}: the restore's fold takes
 * it from the row's previous version. A value that cannot be given exactly (a type outside this
 * table, a timetz whose offset the decoder dropped) throws {@link UnrepresentableValueException}:
 * the change is dead-lettered, never altered. Pure.
 */
public final class PgValueCodec {
    static final String INFINITY = "infinity";
    static final String MINUS_INFINITY = "-infinity";

    private static final Set<String> INTEGERS = Set.of("int2", "int4", "int8", "oid");
    // only types whose text Debezium passes through untouched (its convertString path), each in the zoo
    private static final Set<String> VERBATIM_TEXT = Set.of("text", "varchar", "bpchar", "name", "uuid", "json", "jsonb",
            "inet", "cidr", "macaddr", "macaddr8", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange");
    private static final long TIMESTAMP_PLUS_INFINITY = micros(PostgresValueConverter.POSITIVE_INFINITY_INSTANT);
    private static final long TIMESTAMP_MINUS_INFINITY = micros(PostgresValueConverter.NEGATIVE_INFINITY_INSTANT);
    private static final byte[] PLACEHOLDER_BYTES = DebeziumSettings.UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    private PgValueCodec() {
    }

    /**
     * Which of the rules above applies to a column: worked out once per column (see
     * {@link ColumnTypes#typesOf}), not by comparing type names for every value.
     */
    public enum Kind {
        /** Text {@link PgTextConverter} made: kept unless it reports a loss. */
        CONVERTED_TEXT,
        /** An array, timetz or date that did not come through {@link PgTextConverter}: its exact text is gone. */
        NO_EXACT_TEXT,
        INTEGER, FLOAT, BOOL, NUMERIC, BYTEA, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL,
        /** Text Debezium passes through untouched (and enum labels). */
        VERBATIM,
        /** A type outside the table above. */
        UNSUPPORTED
    }

    /** @param schema the Connect schema Debezium gives the column */
    public static Kind kindOf(PgColumnType type, Schema schema) {
        if (PgTextConverter.SCHEMA_NAME.equals(schema.name())) {
            return Kind.CONVERTED_TEXT;
        }
        String base = type.base();
        if (type.category() == PgColumnType.ARRAY || "timetz".equals(base) || "date".equals(base)) {
            return Kind.NO_EXACT_TEXT;
        }
        if (INTEGERS.contains(base)) {
            return Kind.INTEGER;
        }
        return switch (base) {
            case "float4", "float8" -> Kind.FLOAT;
            case "bool" -> Kind.BOOL;
            case "numeric" -> Kind.NUMERIC;
            case "bytea" -> Kind.BYTEA;
            case "time" -> Kind.TIME;
            case "timestamp" -> Kind.TIMESTAMP;
            case "timestamptz" -> Kind.TIMESTAMPTZ;
            case "interval" -> Kind.INTERVAL;
            default -> VERBATIM_TEXT.contains(base) || type.category() == PgColumnType.ENUM ? Kind.VERBATIM : Kind.UNSUPPORTED;
        };
    }

    /**
     * @param type the column's catalog type
     * @param schema the Connect schema Debezium gave the column
     * @param value the Connect value; null for SQL NULL
     * @return null, Boolean, Long, Double, String, ByteBuffer or {@link Unsent#UNCHANGED}
     */
    public static Object encode(PgColumnType type, Schema schema, Object value) {
        return encode(type, kindOf(type, schema), schema, value);
    }

    /** {@link #encode(PgColumnType, Schema, Object)} with the column's {@link #kindOf kind} known. */
    public static Object encode(PgColumnType type, Kind kind, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (DebeziumSettings.UNAVAILABLE_PLACEHOLDER.equals(value) || isPlaceholderBytes(value)) {
            // not a value but its absence: the fold fills it from the row's previous version
            return Unsent.UNCHANGED;
        }
        return switch (kind) {
            case CONVERTED_TEXT -> {
                String text = (String) value;
                String lost = PgTextConverter.lostReason(text);
                if (lost != null) {
                    throw new UnrepresentableValueException(lost);
                }
                yield text;
            }
            case NO_EXACT_TEXT -> throw new UnrepresentableValueException("no exact text for this " + type.declared()
                    + " value (Debezium schema " + schema.type() + ")");
            case INTEGER, TIME -> expect(value, Number.class, type).longValue();
            case FLOAT -> expect(value, Number.class, type).doubleValue();
            case BOOL -> expect(value, Boolean.class, type);
            case NUMERIC -> decimal(expect(value, String.class, type), type);
            case BYTEA -> bytes(value, type);
            case TIMESTAMP -> timestamp(expect(value, Number.class, type).longValue());
            case TIMESTAMPTZ -> timestamptz(expect(value, String.class, type), type);
            case INTERVAL, VERBATIM -> expect(value, String.class, type);
            case UNSUPPORTED -> throw new UnrepresentableValueException("type " + type.declared() + " (" + type.base()
                    + ") has no exact representation in a ChangeEvent yet");
        };
    }

    private static String decimal(String text, PgColumnType type) {
        return switch (text) {
            case "NAN" -> "NaN";
            case "POSITIVE_INFINITY" -> "Infinity";
            case "NEGATIVE_INFINITY" -> "-Infinity";
            default -> {
                if (!isPlainDecimal(text)) {
                    throw new UnrepresentableValueException("the " + type.declared() + " value '" + abbreviate(text)
                            + "' is not plain decimal text");
                }
                yield text;
            }
        };
    }

    /** {@code -?[0-9]+(\.[0-9]+)?} without a regex: numeric values are frequent. */
    static boolean isPlainDecimal(String text) {
        int i = text.startsWith("-") ? 1 : 0;
        int digits = 0;
        boolean point = false;
        int digitsAfterPoint = 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                if (point) {
                    digitsAfterPoint++;
                }
            } else if (c == '.' && !point && digits > 0) {
                point = true;
            } else {
                return false;
            }
        }
        return digits > 0 && (!point || digitsAfterPoint > 0);
    }

    private static ByteBuffer bytes(Object value, PgColumnType type) {
        if (value instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes.clone());
        }
        ByteBuffer buffer = expect(value, ByteBuffer.class, type);
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer.duplicate());
        return copy.flip();
    }

    // Debezium gives timestamp 'infinity' as the microsecond value of year 294247; a real timestamp
    // at exactly that microsecond would read as infinity (see the report: no better signal exists).
    private static Object timestamp(long micros) {
        if (micros == TIMESTAMP_PLUS_INFINITY) {
            return INFINITY;
        }
        return micros == TIMESTAMP_MINUS_INFINITY ? MINUS_INFINITY : micros;
    }

    private static Object timestamptz(String text, PgColumnType type) {
        if (INFINITY.equals(text) || MINUS_INFINITY.equals(text)) {
            return text;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new UnrepresentableValueException("the " + type.declared() + " value '" + abbreviate(text)
                    + "' is not an ISO 8601 instant");
        }
        try {
            return micros(instant);
        } catch (ArithmeticException beyondLong) {
            // Postgres counts from 2000 and reaches 30 years further than a long of microseconds since 1970
            java.time.LocalDateTime utc = java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
            return String.format(java.util.Locale.ROOT, "%d-%02d-%02d %02d:%02d:%02d.%06d+00", utc.getYear(), utc.getMonthValue(),
                    utc.getDayOfMonth(), utc.getHour(), utc.getMinute(), utc.getSecond(), utc.getNano() / 1000);
        }
    }

    /** Microseconds since the epoch; exact over Postgres's whole range (Instant.until overflows in nanoseconds). */
    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static boolean isPlaceholderBytes(Object value) {
        if (value instanceof byte[] bytes) {
            return Arrays.equals(bytes, PLACEHOLDER_BYTES);
        }
        return value instanceof ByteBuffer buffer && buffer.remaining() == PLACEHOLDER_BYTES.length
                && buffer.duplicate().equals(ByteBuffer.wrap(PLACEHOLDER_BYTES));
    }

    private static <T> T expect(Object value, Class<T> expected, PgColumnType type) {
        if (!expected.isInstance(value)) {
            throw new UnrepresentableValueException("Debezium gave a " + value.getClass().getSimpleName() + " for "
                    + type.declared() + ", expected a " + expected.getSimpleName());
        }
        return expected.cast(value);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
