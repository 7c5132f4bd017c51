package dev.strata.restore.target;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The text Postgres reads a captured value back from: the inverse of capture's value contract
 * (PgValueCodec). Loaded as text into a column of the declared type, it gives the row back exactly,
 * so the restored {@code row::text} equals the source's.
 *
 * <ul>
 * <li>boolean: {@code t} / {@code f}; bytea: {@code \x} and hex; strings (numeric, text, json,
 *     arrays, interval ISO 8601, timetz, infinity...): as captured;</li>
 * <li>long: microseconds for {@code timestamp} / {@code timestamptz} (written in UTC with
 *     {@code +00}), days for {@code date}, microseconds since midnight for {@code time}; any other
 *     type: the number;</li>
 * <li>double: {@code real} through its float text (a real was widened exactly), others as the
 *     shortest text Java gives that reads back to the same double; NaN, Infinity, -0 kept.</li>
 * </ul>
 *
 * Types are recognised by their declared name (as {@code format_type} writes it). A domain over a
 * temporal type is declared by the domain's name, so its long value is written as a number: a
 * known gap of the event contract. Written by hand, not with String.format: a restore formats
 * millions of values.
 */
public final class PgText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** How a column's long and double values read as text, decided once per column from its declared type. */
    public enum Kind {
        TIMESTAMPTZ, TIMESTAMP, TIME, DATE, REAL, OTHER;

        public static Kind of(String pgType) {
            String t = pgType.toLowerCase(Locale.ROOT).trim();
            if (t.startsWith("timestamp")) {
                return t.endsWith("with time zone") || t.startsWith("timestamptz") ? TIMESTAMPTZ : TIMESTAMP;
            }
            if (t.startsWith("time") && !t.endsWith("with time zone") && !t.startsWith("timetz")) {
                return TIME;
            }
            if (t.equals("date")) {
                return DATE;
            }
            return t.equals("real") || t.equals("float4") ? REAL : OTHER;
        }

        /** Whether a long of this kind is a time, written as text rather than as a number. */
        public boolean temporal() {
            return this == TIMESTAMPTZ || this == TIMESTAMP || this == TIME || this == DATE;
        }
    }

    private PgText() {
    }

    /** The canonical text of a value; null for SQL NULL. */
    public static String text(Kind kind, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder(32);
        append(out, kind, value);
        return out.toString();
    }

    /** Appends the canonical text of a non-null value. */
    public static void append(StringBuilder out, Kind kind, Object value) {
        if (value instanceof String s) {
            out.append(s);
        } else if (value instanceof Long l) {
            appendLong(out, kind, l);
        } else if (value instanceof Boolean b) {
            out.append(b ? 't' : 'f');
        } else if (value instanceof Double d) {
            appendDouble(out, kind, d);
        } else if (value instanceof byte[] bytes) {
            out.append("\\x");
            for (byte b : bytes) {
                out.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        } else {
            out.append(value);
        }
    }

    static void appendLong(StringBuilder out, Kind kind, long value) {
        switch (kind) {
            case TIMESTAMPTZ -> {
                timestamp(out, value);
                int bc = bcSuffixAt(out);
                out.insert(bc, "+00");
            }
            case TIMESTAMP -> timestamp(out, value);
            case TIME -> {
                long seconds = Math.floorDiv(value, 1_000_000L);
                pad(out, seconds / 3600, 2).append(':');
                pad(out, seconds / 60 % 60, 2).append(':');
                pad(out, seconds % 60, 2).append('.');
                pad(out, Math.floorMod(value, 1_000_000L), 6);
            }
            case DATE -> {
                LocalDate date = LocalDate.ofEpochDay(value);
                int start = out.length();
                pad(out, date.getMonthValue(), 2).append('-');
                pad(out, date.getDayOfMonth(), 2);
                era(out, start, date.getYear());
            }
            default -> out.append(value);
        }
    }

    static void appendDouble(StringBuilder out, Kind kind, double value) {
        if (Double.isNaN(value)) {
            out.append("NaN");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "Infinity" : "-Infinity");
        } else if (kind == Kind.REAL) {
            out.append(Float.toString((float) value));
        } else {
            out.append(Double.toString(value));
        }
    }

    private static void timestamp(StringBuilder out, long micros) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        int start = out.length();
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append(' ');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2).append('.');
        pad(out, t.getNano() / 1000, 6);
        era(out, start, t.getYear());
    }

    /** Inserts the year before the text written from {@code start}; Postgres has no year 0: ISO 0 is 1 BC. */
    private static void era(StringBuilder out, int start, int isoYear) {
        StringBuilder year = new StringBuilder(8);
        pad(year, isoYear > 0 ? isoYear : 1 - isoYear, 4).append('-');
        out.insert(start, year);
        if (isoYear <= 0) {
            out.append(" BC");
        }
    }

    /** Where a zone offset goes: before a trailing " BC", else at the end. */
    private static int bcSuffixAt(StringBuilder out) {
        int n = out.length();
        return n >= 3 && out.charAt(n - 1) == 'C' && out.charAt(n - 2) == 'B' && out.charAt(n - 3) == ' ' ? n - 3 : n;
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
