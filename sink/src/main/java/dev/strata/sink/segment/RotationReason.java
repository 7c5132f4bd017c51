package dev.strata.sink.segment;

/** Why an open segment was closed. Every rotation is logged and counted by reason. */
public enum RotationReason {
    /** It reached {@code strata.segment.max.bytes}. */
    SIZE,
    /** It reached {@code strata.segment.max.records}. */
    RECORDS,
    /** It has been open for {@code strata.flush.interval.ms}: the RPO bound. */
    AGE,
    /**
     * The next event's commit time lies too far from the segment's others
     * ({@code BackupLayout.MAX_SEGMENT_COMMIT_SPAN}), e.g. a redriven old change among new ones.
     */
    SPAN,
    /** Its partition is being taken away from this sink (rebalance). */
    REVOCATION,
    /** The sink is stopping. */
    SHUTDOWN,
    /**
     * After a restart, a re-read record belongs to a segment an earlier run already wrote: the open
     * segment is cut exactly where that one ends (or before it starts), so that a duplicate upload is
     * the same object with the same bytes rather than an overlapping one.
     */
    RECOVERY
}
