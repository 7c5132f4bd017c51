package dev.strata.restore.plan;

import java.util.Objects;
import java.util.Optional;

/**
 * What bounds a restore point from above: the tenant's durable point, proven by the sink's durable
 * marks in the store, and where it was read (for messages); or, for a backup without marks
 * (written before the sinks wrote them), nothing proven.
 *
 * @param pointMicros the durable point; empty when the backup holds no durable mark
 * @param source where it comes from, e.g. "newest durable mark in primary 2026-11-21T10:15:30Z, in backup none"
 * @param regime the tenant's regime, whose sinks write the marks
 */
public record DurableBound(Optional<Long> pointMicros, String source, String regime) {

    public DurableBound {
        Objects.requireNonNull(pointMicros, "pointMicros");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(regime, "regime");
    }

    /** A backup without durable marks: only what the listing shows bounds a restore, and "latest" is not proven. */
    public static DurableBound unproven(String regime) {
        return new DurableBound(Optional.empty(), "no durable mark", regime);
    }

    public boolean proven() {
        return pointMicros.isPresent();
    }
}
