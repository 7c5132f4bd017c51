package dev.strata.restore.target;

import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * COPY binary encodings of the captured value forms, for the declared types whose binary form is
 * plain: integers, floats, booleans, text, bytea, uuid, json(b), dates and times, numeric. Used
 * only for tables the restore created itself (so the column types are exactly the declared ones);
 * any other type keeps its table on text COPY, which goes through the type's own input function.
 */
final class PgBinary {
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L; // 2000-01-01T00:00:00Z
    private static final int PG_EPOCH_DAYS = 10_957;

    enum Type { INT8, INT4, INT2, BOOL, FLOAT8, FLOAT4, TEXT, JSONB, BYTEA, UUID, TIMESTAMP, DATE, TIME, NUMERIC }

    private PgBinary() {
    }

    /** The binary type of a declared type, or null when it has none here (text COPY then). */
    static Type of(String pgType) {
        String t = pgType.toLowerCase(Locale.ROOT).trim();
        if (t.endsWith("[]")) {
            return null;
        }
        if (t.startsWith("timestamp")) {
            return Type.TIMESTAMP;
        }
        if (t.startsWith("time") && t.endsWith("without time zone") || t.equals("time") || t.matches("time\\(\\d+\\)")) {
            return Type.TIME;
        }
        if (t.startsWith("character varying") || t.startsWith("varchar") || t.startsWith("character") || t.startsWith("char(")) {
            return Type.TEXT;
        }
        if (t.startsWith("numeric")) {
            return Type.NUMERIC;
        }
        return switch (t) {
            case "bigint", "int8" -> Type.INT8;
            case "integer", "int4", "int" -> Type.INT4;
            case "smallint", "int2" -> Type.INT2;
            case "boolean", "bool" -> Type.BOOL;
            case "double precision", "float8" -> Type.FLOAT8;
            case "real", "float4" -> Type.FLOAT4;
            case "text", "json" -> Type.TEXT;
            case "jsonb" -> Type.JSONB;
            case "bytea" -> Type.BYTEA;
            case "uuid" -> Type.UUID;
            case "date" -> Type.DATE;
            default -> null;
        };
    }

    /** Writes one field: its length, then its bytes; -1 for NULL. */
    static void write(DataOutputStream out, Type type, Object value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        switch (type) {
            case INT8 -> fixed(out, 8).writeLong(number(value));
            case INT4 -> fixed(out, 4).writeInt(Math.toIntExact(number(value)));
            case INT2 -> fixed(out, 2).writeShort(Math.toIntExact(number(value)));
            case BOOL -> fixed(out, 1).writeByte(((Boolean) value) ? 1 : 0);
            case FLOAT8 -> fixed(out, 8).writeDouble((Double) value);
            case FLOAT4 -> fixed(out, 4).writeFloat(((Double) value).floatValue());
            case TEXT -> {
                if (value instanceof byte[] utf8) {
                    bytes(out, utf8); // the backup's own UTF-8, asked for with utf8TextColumns
                } else {
                    text(out, (String) value);
                }
            }
            case JSONB -> {
                byte[] json = ((String) value).getBytes(StandardCharsets.UTF_8);
                out.writeInt(json.length + 1);
                out.writeByte(1); // jsonb binary format version
                out.write(json);
            }
            case BYTEA -> bytes(out, (byte[]) value);
            case UUID -> {
                UUID uuid = java.util.UUID.fromString((String) value);
                fixed(out, 16).writeLong(uuid.getMostSignificantBits());
                out.writeLong(uuid.getLeastSignificantBits());
            }
            case TIMESTAMP -> fixed(out, 8).writeLong(value instanceof String s ? infinity(s, Long.MAX_VALUE, Long.MIN_VALUE)
                    : timestamp(number(value)));
            case DATE -> fixed(out, 4).writeInt(value instanceof String s ? (int) infinity(s, Integer.MAX_VALUE, Integer.MIN_VALUE)
                    : date(number(value)));
            case TIME -> fixed(out, 8).writeLong(number(value));
            case NUMERIC -> numeric(out, (String) value);
            default -> throw new IllegalStateException("no binary encoding for " + type);
        }
    }

    /** A captured timestamp (microseconds since 1970) as Postgres counts it: since 2000. */
    static long timestamp(long micros) {
        return Math.subtractExact(micros, PG_EPOCH_MICROS);
    }

    /** A captured date (days since 1970) as Postgres counts it: since 2000. */
    static int date(long days) {
        return Math.toIntExact(days - PG_EPOCH_DAYS);
    }

    private static DataOutputStream fixed(DataOutputStream out, int length) throws IOException {
        out.writeInt(length);
        return out;
    }

    /**
     * A text value as UTF-8. ASCII text (most of it) is written char by char, without the array
     * String.getBytes makes for every value (JFR: 30% of a restore's load thread was that copy).
     */
    private static void text(DataOutputStream out, String s) throws IOException {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) >= 0x80) {
                bytes(out, s.getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        out.writeInt(length);
        out.writeBytes(s);
    }

    private static void bytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static long number(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("expected a whole number, got " + value.getClass().getSimpleName());
    }

    private static long infinity(String text, long plus, long minus) {
        return switch (text) {
            case "infinity" -> plus;
            case "-infinity" -> minus;
            default -> throw new IllegalArgumentException("'" + text + "' is neither a captured time nor infinity");
        };
    }

    /** Postgres's numeric wire form: base-10000 digits, weight, sign and the display scale, kept exactly. */
    static void numeric(DataOutputStream out, String text) throws IOException {
        int special = switch (text) {
            case "NaN" -> 0xC000;
            case "Infinity" -> 0xD000;
            case "-Infinity" -> 0xF000;
            default -> -1;
        };
        if (special >= 0) {
            fixed(out, 8).writeShort(0);
            out.writeShort(0);
            out.writeShort(special);
            out.writeShort(0);
            return;
        }
        BigDecimal value = new BigDecimal(text);
        boolean negative = value.signum() < 0;
        String digits = value.unscaledValue().abs().toString();
        int scale = value.scale();
        // split into the integer and fraction digits, padded to whole groups of four
        String integer = digits.length() > scale ? digits.substring(0, digits.length() - scale) : "";
        String fraction = digits.length() > scale ? digits.substring(digits.length() - scale) : "0".repeat(scale - digits.length()) + digits;
        integer = "0".repeat((4 - integer.length() % 4) % 4) + integer;
        fraction = fraction + "0".repeat((4 - fraction.length() % 4) % 4);
        String all = integer + fraction;
        int groups = all.length() / 4;
        int weight = integer.length() / 4 - 1;
        int first = 0;
        while (first < groups && all.startsWith("0000", first * 4)) {
            first++;
        }
        int last = groups;
        while (last > first && all.startsWith("0000", (last - 1) * 4)) {
            last--;
        }
        int ndigits = last - first;
        out.writeInt(8 + 2 * ndigits);
        out.writeShort(ndigits);
        out.writeShort(ndigits == 0 ? 0 : weight - first);
        out.writeShort(negative && ndigits > 0 ? 0x4000 : 0);
        out.writeShort(Math.max(0, scale));
        for (int g = first; g < last; g++) {
            out.writeShort(Integer.parseInt(all, g * 4, g * 4 + 4, 10));
        }
    }
}
