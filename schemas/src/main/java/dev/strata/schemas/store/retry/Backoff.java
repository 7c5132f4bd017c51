package dev.strata.schemas.store.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the ceiling starts at {@code initial}, doubles per attempt and is
 * capped at {@code max}; the wait is drawn between half the ceiling and the ceiling ("equal
 * jitter"). Why jitter: both regions' uploaders, and every sink of a regime, fail together when a
 * store has an outage; without it they would all retry at the same instants when it comes back.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    public Backoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random values in [0, 1): a fixed source makes the waits repeatable in tests */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, not " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The wait after failed attempt number {@code attempt} (1-based). */
    public Duration delay(int attempt) {
        Duration ceiling = ceiling(attempt);
        long half = ceiling.toMillis() / 2;
        double r = random.getAsDouble();
        if (r < 0 || r >= 1) {
            throw new IllegalStateException("jitter source gave " + r + ", outside [0, 1)");
        }
        return Duration.ofMillis(ceiling.toMillis() - half + (long) (r * half));
    }

    /** The most a wait after attempt {@code attempt} can be. */
    public Duration ceiling(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, not " + attempt);
        }
        int doublings = Math.min(attempt - 1, 30);
        long millis = initial.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    @Override
    public String toString() {
        return "backoff " + initial.toMillis() + " ms doubling to " + max.toMillis() + " ms, with jitter";
    }
}
