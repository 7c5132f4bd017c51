package dev.strata.schemas.segment;

import dev.strata.schemas.Sha256;
import java.util.Objects;

/**
 * What a finished segment holds: enough to name it ({@code SegmentKey}) and to list it in a manifest.
 * The min and max are of the events' cut times ({@link dev.strata.schemas.event.CutTime}).
 */
public record SegmentSummary(Sha256 sha256, long sizeBytes, long eventCount, long minCommitMicros, long maxCommitMicros) {

    public SegmentSummary {
        Objects.requireNonNull(sha256, "sha256");
        if (eventCount < 1) {
            throw new IllegalArgumentException("a segment holds at least one event, not " + eventCount);
        }
        if (maxCommitMicros < minCommitMicros) {
            throw new IllegalArgumentException("maxCommitMicros " + maxCommitMicros + " < minCommitMicros " + minCommitMicros);
        }
    }
}
