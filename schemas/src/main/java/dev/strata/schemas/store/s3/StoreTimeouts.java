package dev.strata.schemas.store.s3;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a store request may take. {@code socket} bounds silence on an open connection;
 * {@code attempt} bounds one try; {@code call} bounds all tries of one operation together.
 */
public record StoreTimeouts(Duration connect, Duration socket, Duration attempt, Duration call) {

    public static final StoreTimeouts DEFAULT =
            new StoreTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(3));

    /**
     * For the sink's writes: a region that stays silent for 10 s on an open connection is retried (a
     * segment's bytes flow continuously, so silence that long is a hung gateway, not a slow upload),
     * and its retries then show on the region's meters within seconds rather than after the
     * default's 30 s silences.
     */
    public static final StoreTimeouts WRITER =
            new StoreTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(3));

    /**
     * For a command an operator waits on during an outage ({@code status}): a region that does not
     * answer a small request within a few seconds is reported as unreachable, not waited for (a hung
     * gateway accepts connections and then says nothing: the default's retries of 30 s silences
     * took about 90 s).
     */
    public static final StoreTimeouts PROMPT =
            new StoreTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(3));

    public StoreTimeouts {
        for (Duration d : new Duration[] {connect, socket, attempt, call}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("store timeouts must be positive, not " + d);
            }
        }
        if (attempt.compareTo(call) > 0) {
            throw new IllegalArgumentException("store attempt timeout " + attempt + " exceeds the call timeout " + call);
        }
    }
}
