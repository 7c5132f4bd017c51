package dev.strata.capture.pg;

import dev.strata.capture.DebeziumSettings;
import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.sql.Types;
import java.time.LocalDate;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * A Debezium column converter for the types whose standard conversion is not exact: arrays
 * (Debezium's list drops lower bounds and fails on more than one dimension), timetz (Debezium
 * shifts it to UTC, dropping the offset Postgres stores) and date (Debezium's snapshot reads a
 * java.sql.Date and loses the era of BC dates and infinity). It passes on the text Postgres sent
 * when it has it, or writes the date as Postgres prints it in DateStyle ISO. When it does not, the value is a NUL character followed by the reason: no Postgres
 * text can contain NUL, so {@link #lostReason} tells the two apart, and the change is
 * dead-lettered rather than altered. An unchanged TOASTed value (not sent) becomes Debezium's
 * placeholder, as it is for every other type, so that capture marks it the same way.
 *
 * <p>For a streamed timetz Debezium 3.6 hands over an OffsetTime already shifted to UTC, so the
 * original offset is gone before any converter runs: those values are reported lost. A snapshot
 * read hands over the text. (Fixed upstream in Debezium 3.7, debezium/dbz#2119.)
 */
public final class PgTextConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    public static final String SCHEMA_NAME = "dev.strata.capture.PgText";
    private static final char LOST = '\u0000';
    private static final int TIMETZ_OID = 1266;
    private static final int DATE_OID = 1082;

    @Override
    public void configure(Properties props) {
        // nothing to configure
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        boolean array = column.jdbcType() == Types.ARRAY || column.typeName().startsWith("_");
        boolean timetz = column.nativeType() == TIMETZ_OID || "timetz".equals(column.typeName());
        boolean date = !array && (column.nativeType() == DATE_OID || "date".equals(column.typeName()));
        if (array || timetz || date) {
            String kind = array ? "array" : timetz ? "timetz" : "date";
            registration.register(SchemaBuilder.string().name(SCHEMA_NAME).optional(), value -> convert(value, kind));
        }
    }

    public static String convert(Object value, String kind) {
        if (value == null) {
            return null;
        }
        if (UnchangedToastedReplicationMessageColumn.isUnchangedToastedValue(value)) {
            return DebeziumSettings.UNAVAILABLE_PLACEHOLDER; // as Debezium writes it for other types: PgValueCodec knows it
        }
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof java.sql.Array array) {
            // pgjdbc's PgArray keeps the text it was built from: the exact array_out output
            return array.toString();
        }
        if (value instanceof LocalDate date) {
            return PgDates.text(date); // streamed: parsed from the text Postgres sent, era included
        }
        if (value instanceof java.sql.Date date) {
            return PgDates.text(date); // snapshot: pgjdbc's hybrid-calendar date, read with its era
        }
        if (value instanceof java.time.OffsetTime) {
            return LOST + "the decoder shifted the timetz value to UTC, so its original offset is unknown"
                    + " (Debezium 3.6 pgoutput; fixed in 3.7)";
        }
        return LOST + "unexpected " + kind + " value of class " + value.getClass().getName();
    }

    /** The reason a converted value was lost, or null when it is the exact Postgres text. */
    static String lostReason(String converted) {
        return converted != null && !converted.isEmpty() && converted.charAt(0) == LOST ? converted.substring(1) : null;
    }
}
