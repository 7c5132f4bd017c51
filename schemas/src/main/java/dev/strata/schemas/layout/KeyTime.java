package dev.strata.schemas.layout;

import dev.strata.schemas.UtcHour;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fixed-width UTC times in keys, {@code yyyyMMdd'T'HHmmss.SSSSSS'Z'}: fixed width is what makes key
 * order equal time order. Done by hand rather than with DateTimeFormatter so that the width and the
 * strictness of parsing are plain to see.
 */
final class KeyTime {

    /** 9999-12-31T23:59:59.999999Z: the last instant with a four-digit year. */
    static final long MAX_MICROS = 253_402_300_799_999_999L;
    static final String TIME_REGEX = "\\d{8}T\\d{6}\\.\\d{6}Z";

    private static final Pattern TIME = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})\\.(\\d{6})Z");
    private static final Pattern HOUR = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})(\\d{2})");

    private KeyTime() {
    }

    static void checkRange(String what, long micros) {
        if (micros < 0 || micros > MAX_MICROS) {
            throw new IllegalArgumentException(what + " " + micros + " us is outside 1970-01-01..9999-12-31 UTC,"
                    + " the range an object key can hold; is it in microseconds since the epoch?");
        }
    }

    static String format(long micros) {
        checkRange("time", micros);
        LocalDateTime t = dateTime(micros);
        return String.format(Locale.ROOT, "%04d%02d%02dT%02d%02d%02d.%06dZ", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), Math.floorMod(micros, 1_000_000L));
    }

    /** {@code yyyyMMdd/HH}: the log directory of the hour that holds {@code micros}. */
    static String dayAndHourDirectory(long micros) {
        checkRange("time", micros);
        LocalDateTime t = dateTime(micros);
        return String.format(Locale.ROOT, "%04d%02d%02d/%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
    }

    static String dayAndHourDirectory(UtcHour hour) {
        return dayAndHourDirectory(hour.startMicros());
    }

    /** {@code yyyyMMddHH}. */
    static String formatHour(UtcHour hour) {
        checkRange("hour", hour.startMicros());
        LocalDateTime t = dateTime(hour.startMicros());
        return String.format(Locale.ROOT, "%04d%02d%02d%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
    }

    static long parse(String text) {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a time of the form yyyyMMddTHHmmss.SSSSSSZ");
        }
        try {
            LocalDateTime t = LocalDateTime.of(num(m, 1), num(m, 2), num(m, 3), num(m, 4), num(m, 5), num(m, 6));
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), num(m, 7));
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid UTC time: " + e.getMessage(), e);
        }
    }

    static UtcHour parseHour(String text) {
        Matcher m = HOUR.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an hour of the form yyyyMMddHH");
        }
        try {
            LocalDateTime t = LocalDateTime.of(num(m, 1), num(m, 2), num(m, 3), num(m, 4), 0);
            return UtcHour.containing(t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid UTC hour: " + e.getMessage(), e);
        }
    }

    private static LocalDateTime dateTime(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), 0, ZoneOffset.UTC);
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }
}
