package dev.strata.restore.plan;

import dev.strata.restore.BadInputException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Restore points as operators write them: ISO-8601 with a zone ({@code 2026-11-21T10:15:30Z},
 * {@code 2026-11-21T11:15:30.250+01:00}), to the microsecond, as commit times are kept. A time
 * without a zone is refused rather than read in the machine's zone: a restore point must not depend
 * on where the tool runs.
 */
public final class RestoreTime {
    /** {@code --until latest}: the newest commit time the backup holds. */
    public static final String LATEST = "latest";

    private RestoreTime() {
    }

    /** Microseconds since the epoch. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw malformed(text, "it is empty");
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed(text, e.getMessage());
        }
        if (instant.getNano() % 1000 != 0) {
            throw malformed(text, "commit times are kept to the microsecond; give at most 6 fractional digits");
        }
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
        } catch (ArithmeticException | DateTimeException e) {
            throw malformed(text, "it is out of range");
        }
    }

    /** Microseconds since the epoch, as restore points are counted. */
    public static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }

    public static String format(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L).toString();
    }

    private static BadInputException malformed(String text, String why) {
        return new BadInputException("malformed time '" + text + "' (" + why + "): use ISO-8601 with a zone, e.g. "
                + "2026-11-21T10:15:30Z or 2026-11-21T11:15:30.250+01:00, or 'latest'");
    }
}
