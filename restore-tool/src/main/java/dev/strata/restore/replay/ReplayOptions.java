package dev.strata.restore.replay;

import dev.strata.schemas.fold.FoldMemory;
import java.time.Duration;
import java.util.Objects;

/**
 * @param maxSegmentSpan the longest commit span of one segment (bounds the listing before a base cut)
 * @param readers segments fetched and decoded at once
 * @param force allow a target that already holds data (replacing the tenant's part of it)
 * @param tables the tables to restore (a selective restore), or all
 */
public record ReplayOptions(Duration maxSegmentSpan, int readers, FoldMemory memory, boolean force, TableSelection tables) {

    /** Every table. */
    public ReplayOptions(Duration maxSegmentSpan, int readers, FoldMemory memory, boolean force) {
        this(maxSegmentSpan, readers, memory, force, TableSelection.ALL);
    }

    public ReplayOptions {
        Objects.requireNonNull(maxSegmentSpan, "maxSegmentSpan");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(tables, "tables");
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1, not " + readers);
        }
    }
}
