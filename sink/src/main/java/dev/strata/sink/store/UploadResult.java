package dev.strata.sink.store;

import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.sink.segment.ClosedSegment;

/** What arrives at the poll thread from other threads: an upload or a dead letter finished. */
public sealed interface UploadResult {

    /** A segment is durable in both regions ({@code failure} null), or failed for good. */
    record SegmentDone(ClosedSegment segment, Throwable failure) implements UploadResult {
    }

    /** A refused record is stored in the dead-letter topic. */
    record Parked(int partition, long offset, long epoch) implements UploadResult {
    }

    /** The late notice of a segment an earlier run made durable is stored in both regions: its records may be committed. */
    record Noticed(int partition, long offset, long epoch) implements UploadResult {
    }

    /** A late notice could not be stored. */
    record NoticeFailed(SegmentKey segment, Throwable failure) implements UploadResult {
        public ObjectKey segmentObject() {
            return BackupLayout.segment(segment);
        }
    }

    /** A refused record could not be stored in the dead-letter topic. */
    record ParkFailed(int partition, long offset, Exception failure) implements UploadResult {
    }
}
