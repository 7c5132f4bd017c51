package dev.strata.schemas;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** One hour of UTC time: the unit in which log directories are laid out and manifests are sealed. */
public record UtcHour(long epochHour) implements Comparable<UtcHour> {

    private static final long MICROS_PER_HOUR = TimeUnit.HOURS.toMicros(1);

    public UtcHour {
        if (epochHour < 0) {
            throw new IllegalArgumentException("hour " + epochHour + " is before 1970: Strata keys start at the epoch");
        }
    }

    /** The hour that contains the instant {@code micros} (microseconds since the epoch). */
    public static UtcHour containing(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("time " + micros + " us is before 1970: Strata keys start at the epoch");
        }
        return new UtcHour(micros / MICROS_PER_HOUR);
    }

    public static UtcHour containing(Instant instant) {
        return new UtcHour(Math.floorDiv(instant.getEpochSecond(), 3600L));
    }

    public long startMicros() {
        return epochHour * MICROS_PER_HOUR;
    }

    public Instant start() {
        return Instant.ofEpochSecond(epochHour * 3600L);
    }

    public UtcHour next() {
        return new UtcHour(epochHour + 1);
    }

    public boolean contains(long micros) {
        return micros >= startMicros() && micros < next().startMicros();
    }

    @Override
    public int compareTo(UtcHour other) {
        return Long.compare(epochHour, other.epochHour);
    }

    @Override
    public String toString() {
        return start().toString();
    }
}
