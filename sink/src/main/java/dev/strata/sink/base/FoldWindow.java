package dev.strata.sink.base;

import dev.strata.sink.SinkConfig;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.ManifestEntry;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which log segments a new base must read, given the tenant's previous base (pure: keys only).
 *
 * <p>Segment keys sort by their FIRST commit time, and a segment's commit times never span more
 * than {@code lookback} ({@link BackupLayout#MAX_SEGMENT_COMMIT_SPAN} at least), so every segment
 * holding a change after the previous cut begins at or after {@code previousCut - lookback}: the
 * listing starts there. A listed segment is read when it holds changes after the previous cut
 * (its LAST commit is after it: a segment straddling the cut is read whole, and what it holds up to
 * the cut folds again to the same versions), or when the previous base did not fold it: a segment
 * that became durable only after that fold although its changes are older than its cut (Postgres
 * takes a commit's timestamp before the commit record is ordered, so concurrent commits can reach
 * the log a few microseconds out of timestamp order). "Did not fold" means neither the previous
 * base nor an ancestor of it with a cut inside the lookback (the caller passes what they all
 * folded), so no segment an earlier base holds is read again. Anything else under {@code log/}
 * that is not a segment is skipped, never a reason to fail the fold.
 */
record FoldWindow(long previousCutMicros, Set<ObjectKey> previouslyFolded, Duration lookback) {

    static FoldWindow first() {
        return new FoldWindow(Long.MIN_VALUE, Set.of(), BackupLayout.MAX_SEGMENT_COMMIT_SPAN);
    }

    /**
     * @param foldedInWindow what the previous base and its ancestors with a cut inside the lookback
     *     folded: a segment listed there that none of them folded is a late one
     */
    static FoldWindow after(BaseManifest previous, Set<ObjectKey> foldedInWindow, Duration lookback) {
        return new FoldWindow(previous.cut().cutCommitMicros(), foldedInWindow, lookback);
    }

    FoldWindow {
        previouslyFolded = Set.copyOf(previouslyFolded);
        if (lookback.compareTo(BackupLayout.MAX_SEGMENT_COMMIT_SPAN) < 0) {
            throw new IllegalArgumentException("the log lookback " + lookback + " is shorter than the longest segment span "
                    + BackupLayout.MAX_SEGMENT_COMMIT_SPAN + ": a segment straddling the last cut would be missed; raise "
                    + SinkConfig.BASE_MAX_SEGMENT_SPAN_MS);
        }
    }

    /** The first commit time to list segments from (0: the tenant's whole log). */
    long listFromMicros() {
        return previousCutMicros == Long.MIN_VALUE ? 0 : Math.max(0, previousCutMicros - lookback.toNanos() / 1000);
    }

    /** Whether the listed object is a segment the new base must read. */
    boolean needs(ObjectKey key) {
        Optional<SegmentKey> segment = segment(key);
        return segment.isPresent() && (segment.get().maxCommitMicros() > previousCutMicros || !previouslyFolded.contains(key));
    }

    private static Optional<SegmentKey> segment(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parseSegment(key));
        } catch (InvalidObjectKeyException notASegment) {
            return Optional.empty();
        }
    }
}
