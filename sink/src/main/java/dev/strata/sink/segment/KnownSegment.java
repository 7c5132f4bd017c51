package dev.strata.sink.segment;

import dev.strata.schemas.layout.SegmentKey;
import java.util.Objects;

/** A segment an earlier run of the sink wrote, found by listing: in which regions it is. */
public record KnownSegment(SegmentKey key, boolean inPrimary, boolean inBackup) {

    public KnownSegment {
        Objects.requireNonNull(key, "key");
    }

    /** In both regions: its records are backed up and need not be written again. */
    boolean durable() {
        return inPrimary && inBackup;
    }

    boolean holds(long offset) {
        return key.firstOffset() <= offset && offset <= key.lastOffset();
    }

    KnownSegment alsoIn(boolean primary, boolean backup) {
        return new KnownSegment(key, inPrimary || primary, inBackup || backup);
    }
}
