package dev.strata.restore.target.postgres;

import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.UUID;

/**
 * The declared types whose COPY binary form is plain (integers, floats, booleans, text, bytea, uuid, json(b), dates and
 * times, numeric), and the forms computed from text ({@link BinaryValues} writes the others). Used only for tables the
 * restore created itself (so the column types are exactly the declared ones); any other type keeps its table on text
 * COPY, which goes through the type's own input function.
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

    /**
     * A field of a type whose binary form is computed from the captured text: a uuid, a numeric, or a timestamp or date
     * at plus or minus infinity (captured as text, a finite one as a number).
     *
     * @throws IllegalArgumentException for another type, or text that is none of those
     */
    static void fromText(DataOutputStream out, Type type, String text) throws IOException {
        switch (type) {
            case UUID -> {
                UUID uuid = java.util.UUID.fromString(text);
                fixed(out, 16).writeLong(uuid.getMostSignificantBits());
                out.writeLong(uuid.getLeastSignificantBits());
            }
            case NUMERIC -> numeric(out, text);
            case TIMESTAMP -> fixed(out, 8).writeLong(infinity(text, Long.MAX_VALUE, Long.MIN_VALUE));
            case DATE -> fixed(out, 4).writeInt((int) infinity(text, Integer.MAX_VALUE, Integer.MIN_VALUE));
            default -> throw new IllegalArgumentException("a string value for a column of type " + type);
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
