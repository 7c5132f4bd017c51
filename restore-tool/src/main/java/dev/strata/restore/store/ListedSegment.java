package dev.strata.restore.store;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** A segment as the listings of both regions show it: its key, size and which regions hold it. */
public record ListedSegment(ObjectKey key, SegmentKey segment, long size, Set<Region> regions) {

    public ListedSegment {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(segment, "segment");
        regions = regions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(regions));
    }

    public long minCommitMicros() {
        return segment.minCommitMicros();
    }

    public long maxCommitMicros() {
        return segment.maxCommitMicros();
    }
}
