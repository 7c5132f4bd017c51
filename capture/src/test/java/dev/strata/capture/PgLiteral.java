package dev.strata.capture;

import dev.strata.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The inverse of {@link PgValueCodec} for the tests: a column value as a SQL expression of its
 * declared type, e.g. {@code ('2024-02-29')::date}. Restore has to do the same (this belongs next
 * to the ChangeEvent contract in schemas once restore-tool needs it).
 */
final class PgLiteral {
    private PgLiteral() {
    }

    static String of(Column column) {
        Object value = column.getValue();
        String type = column.getPgType();
        if (value == null) {
            return "NULL::" + type;
        }
        String literal;
        if (value instanceof Boolean bool) {
            literal = bool.toString();
        } else if (value instanceof Long number) {
            literal = quote(longText(type, number));
        } else if (value instanceof Double number) {
            literal = quote(type.equals("real") ? Float.toString(number.floatValue()) : Double.toString(number));
        } else if (value instanceof ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            literal = quote("\\x" + HexFormat.of().formatHex(copy));
        } else {
            literal = quote(value.toString());
        }
        return "(" + literal + ")::" + type;
    }

    private static String longText(String type, long value) {
        if (type.startsWith("timestamp")) {
            return timestamp(value, type.endsWith("with time zone") ? "+00" : "");
        }
        if (type.startsWith("time")) {
            long seconds = value / 1_000_000;
            return String.format(Locale.ROOT, "%02d:%02d:%02d.%06d", seconds / 3600, seconds / 60 % 60, seconds % 60, value % 1_000_000);
        }
        if (type.equals("date")) {
            LocalDate date = LocalDate.ofEpochDay(value);
            return era(date.getYear(), String.format(Locale.ROOT, "-%02d-%02d", date.getMonthValue(), date.getDayOfMonth()));
        }
        return Long.toString(value);
    }

    private static String timestamp(long micros, String zone) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        return era(time.getYear(), String.format(Locale.ROOT, "-%02d-%02d %02d:%02d:%02d.%06d", time.getMonthValue(),
                time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond(), time.getNano() / 1000) + zone);
    }

    // ISO year 0 is 1 BC in Postgres
    private static String era(int isoYear, String rest) {
        return isoYear > 0 ? String.format(Locale.ROOT, "%04d", isoYear) + rest
                : String.format(Locale.ROOT, "%04d", 1 - isoYear) + rest + " BC";
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
