package dev.strata.sink.segment;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When an open segment is closed: pure, so that it is tested without Kafka, stores or clocks.
 * Size and record count are checked after every append; age whenever the sink looks at the clock.
 */
public final class RotationPolicy {
    private final long maxBytes;
    private final long maxRecords;
    private final Duration maxAge;
    private final long maxCommitSpanMicros;

    public RotationPolicy(long maxBytes, long maxRecords, Duration maxAge, Duration maxCommitSpan) {
        if (maxBytes <= 0 || maxRecords <= 0 || maxAge.isNegative() || maxAge.isZero() || maxCommitSpan.isNegative()) {
            throw new IllegalArgumentException("rotation limits must be positive: maxBytes=" + maxBytes + ", maxRecords="
                    + maxRecords + ", maxAge=" + maxAge + ", maxCommitSpan=" + maxCommitSpan);
        }
        this.maxBytes = maxBytes;
        this.maxRecords = maxRecords;
        this.maxAge = maxAge;
        this.maxCommitSpanMicros = maxCommitSpan.toNanos() / 1000;
    }

    /**
     * Whether a segment holding commit times {@code [minCommitMicros, maxCommitMicros]} must be closed
     * BEFORE an event committed at {@code nextCommitMicros} is added: checked ahead of the append,
     * because after it the segment would already break the layout's span bound.
     */
    public boolean spanWouldExceed(long minCommitMicros, long maxCommitMicros, long nextCommitMicros) {
        long span = Math.max(maxCommitMicros, nextCommitMicros) - Math.min(minCommitMicros, nextCommitMicros);
        return span > maxCommitSpanMicros;
    }

    /**
     * The reason to close a segment now, if any. Size wins over count, count over age: the most
     * specific reason is the one worth counting.
     *
     * @param bytes compressed bytes written so far
     * @param openedAt when its first record was appended
     */
    public Optional<RotationReason> check(long bytes, long records, Instant openedAt, Instant now) {
        if (bytes >= maxBytes) {
            return Optional.of(RotationReason.SIZE);
        }
        if (records >= maxRecords) {
            return Optional.of(RotationReason.RECORDS);
        }
        if (!now.isBefore(dueAt(openedAt))) {
            return Optional.of(RotationReason.AGE);
        }
        return Optional.empty();
    }

    /** When a segment opened at {@code openedAt} becomes due for an AGE rotation. */
    public Instant dueAt(Instant openedAt) {
        return openedAt.plus(maxAge);
    }

    public Duration maxAge() {
        return maxAge;
    }
}
