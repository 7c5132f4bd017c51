package dev.strata.local.process;

import java.time.Duration;
import java.util.Locale;

/** Measures start times for the servers' "ready in 4.1 s" lines (nanoTime: immune to clock steps). */
public final class Elapsed {
    private final long startNanos;
    private final long stopNanos;

    private Elapsed(long startNanos, long stopNanos) {
        this.startNanos = startNanos;
        this.stopNanos = stopNanos;
    }

    public static Elapsed start() {
        return new Elapsed(System.nanoTime(), -1);
    }

    /** The time measured so far, no longer running. */
    public Elapsed frozen() {
        return new Elapsed(startNanos, System.nanoTime());
    }

    public Duration duration() {
        return Duration.ofNanos((stopNanos < 0 ? System.nanoTime() : stopNanos) - startNanos);
    }

    public boolean exceeds(Duration limit) {
        return duration().compareTo(limit) > 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f s", duration().toNanos() / 1e9);
    }
}
