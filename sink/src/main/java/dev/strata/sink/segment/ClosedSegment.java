package dev.strata.sink.segment;

import dev.strata.schemas.crypto.BodySealer;
import java.time.temporal.ChronoUnit;
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

    /**
     * This segment as it is stored: its body sealed under the tenant's data key of its first commit (the same key and
     * bytes for every retry of the same key), the summary's SHA-256 and size those of the stored bytes.
     */
    public ClosedSegment sealedWith(BodySealer bodies) {
        Instant firstCommit = Instant.EPOCH.plus(summary.minCommitMicros(), ChronoUnit.MICROS);
        BodySealer.Sealed sealed = bodies.seal(key, firstCommit, bytes, summary.sha256());
        if (sealed.bytes() == bytes) {
            return this;
        }
        SegmentSummary stored = new SegmentSummary(sealed.sha256(), sealed.bytes().length, summary.eventCount(), summary.minCommitMicros(),
                summary.maxCommitMicros());
        return new ClosedSegment(segmentKey, key, sealed.bytes(), stored, reason, lsnAtMaxCommit, epoch, openedAt, closedAt);
    }

    @Override
    public String toString() {
        return "ClosedSegment[" + key + ", " + summary.eventCount() + " events, " + bytes.length + " bytes, " + reason + "]";
    }
}
