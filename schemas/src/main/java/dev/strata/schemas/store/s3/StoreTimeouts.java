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
