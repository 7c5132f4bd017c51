package dev.strata.sink.store;

import dev.strata.sink.segment.ClosedSegment;

/** What arrives at the poll thread from other threads: an upload or a dead letter finished. */
public sealed interface UploadResult {

    /** A segment is durable in both regions ({@code failure} null), or failed for good. */
    record SegmentDone(ClosedSegment segment, Throwable failure) implements UploadResult {
    }

    /** A refused record is stored in the dead-letter topic. */
    record Parked(int partition, long offset, long epoch) implements UploadResult {
    }

    /** A refused record could not be stored in the dead-letter topic. */
    record ParkFailed(int partition, long offset, Exception failure) implements UploadResult {
    }
}
