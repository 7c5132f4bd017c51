package dev.strata.capture;

import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Unsent;
import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.relational.Table;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A row of a Strata change event as Debezium's pgoutput decoder hands it to the value converters:
 * one Java value per column of Debezium's table, in its order. The inverse of {@link
 * dev.strata.capture.pg.PgValueCodec} for the values the converters need in another form
 * (timestamps, numeric, bytea, time); the rest (integers, doubles, booleans, text) as they are.
 */
final class DebeziumColumnValues {
    private DebeziumColumnValues() {
    }

    static Object[] of(Table table, List<Column> columns) {
        Map<String, Object> byName = new HashMap<>();
        columns.forEach(c -> byName.put(c.getName(), c.getValue()));
        List<io.debezium.relational.Column> debezium = table.columns();
        Object[] row = new Object[debezium.size()];
        for (int i = 0; i < row.length; i++) {
            io.debezium.relational.Column column = debezium.get(i);
            row[i] = decoded(column.typeName(), byName.get(column.name()), table.id() + "." + column.name());
        }
        return row;
    }

    private static Object decoded(String type, Object value, String column) {
        if (value == null) {
            return null;
        }
        if (value == Unsent.UNCHANGED) {
            throw new IllegalArgumentException("column " + column + " holds an unchanged TOASTed value: sizing Debezium's envelope of it"
                    + " is not supported (Debezium writes its placeholder there)");
        }
        return switch (type) {
            case "int2" -> ((Long) value).shortValue();
            case "int4" -> ((Long) value).intValue();
            case "float4" -> ((Double) value).floatValue();
            case "numeric" -> numeric((String) value);
            case "bytea" -> bytes((ByteBuffer) value);
            case "time" -> Duration.ofNanos((Long) value * 1000L);
            case "timestamp" -> value instanceof Long micros ? LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC) : infinity((String) value).toLocalDateTime();
            case "timestamptz" -> value instanceof Long micros ? OffsetDateTime.ofInstant(Instant.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L), ZoneOffset.UTC) : infinity((String) value);
            default -> value;
        };
    }

    private static Object numeric(String text) {
        return switch (text) {
            case "NaN", "Infinity", "-Infinity" -> text; // decimal.handling.mode=string passes the special values as text
            default -> new BigDecimal(text);
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static OffsetDateTime infinity(String text) {
        return switch (text) {
            case "infinity" -> PostgresValueConverter.POSITIVE_INFINITY_OFFSET_DATE_TIME;
            case "-infinity" -> PostgresValueConverter.NEGATIVE_INFINITY_OFFSET_DATE_TIME;
            default -> throw new IllegalArgumentException("no timestamp in '" + text + "'");
        };
    }
}
