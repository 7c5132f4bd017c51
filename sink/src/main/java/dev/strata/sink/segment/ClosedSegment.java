package dev.strata.sink.segment;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.segment.SegmentSummary;
import java.time.Instant;
import java.util.Objects;

/**
 * A finished segment waiting to be durable in both regions: its key, its bytes (held in memory
 * until both regions have them), and what the commit rule and the watermark need to know.
 *
 * @param lsnAtMaxCommit the LSN of the event with the latest commit time: the watermark's position
 * @param epoch the assignment generation of its partition when it was cut
 */
public record ClosedSegment(SegmentKey segmentKey, ObjectKey key, byte[] bytes, SegmentSummary summary, RotationReason reason,
                     long lsnAtMaxCommit, long epoch, Instant openedAt, Instant closedAt) {

    public ClosedSegment {
        Objects.requireNonNull(segmentKey, "segmentKey");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(reason, "reason");
    }

    public TenantId tenant() {
        return segmentKey.tenant();
    }

    public int partition() {
        return segmentKey.partition();
    }

    public long firstOffset() {
        return segmentKey.firstOffset();
    }

    public long lastOffset() {
        return segmentKey.lastOffset();
    }

    public Sha256 sha256() {
        return summary.sha256();
    }

    public long events() {
        return summary.eventCount();
    }

    public long size() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "ClosedSegment[" + key + ", " + summary.eventCount() + " events, " + bytes.length + " bytes, " + reason + "]";
    }
}
