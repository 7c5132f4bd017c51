package dev.strata.sink.segment;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.segment.SegmentSummary;
import dev.strata.schemas.segment.SegmentWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The segment being filled for one tenant of one partition: its events in offset order, encoded
 * as they arrive (so memory holds compressed bytes), plus what names it: the offsets and commit
 * times it holds. Not thread-safe: owned by the poll thread.
 */
public final class OpenSegment {
    private final TenantId tenant;
    private final int partition;
    private final long epoch;
    private final Instant openedAt;
    private final Optional<SegmentKey> recutOf;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    private final SegmentWriter writer;
    private long firstOffset = -1;
    private long lastOffset = -1;
    private long minCommitMicros = Long.MAX_VALUE;
    private long maxCommitMicros = Long.MIN_VALUE;
    private long lsnAtMaxCommit;

    /**
     * @param epoch the partition's assignment generation, so that a result arriving after the
     *     partition was revoked and assigned again is recognised as stale
     * @param recutOf the segment an earlier run wrote that this one must reproduce exactly, if any
     */
    public OpenSegment(TenantId tenant, int partition, long epoch, Instant openedAt, int zstdLevel, Optional<SegmentKey> recutOf) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.partition = partition;
        this.epoch = epoch;
        this.openedAt = Objects.requireNonNull(openedAt, "openedAt");
        this.recutOf = Objects.requireNonNull(recutOf, "recutOf");
        this.writer = new SegmentWriter(buffer, zstdLevel);
    }

    public void append(long offset, EventView event) {
        if (offset <= lastOffset) {
            throw new IllegalStateException("segment of tenant " + tenant + " in partition " + partition + " got offset " + offset
                    + " after " + lastOffset + ": records must arrive in offset order");
        }
        if (event.hasCurrentWire()) { // the wire bytes as they came: no decode and re-encode on the hot path
            byte[] wire = event.wire();
            writer.appendEncoded(ByteBuffer.wrap(wire, EventView.WIRE_HEADER, wire.length - EventView.WIRE_HEADER), event.cutMicros(),
                    event::event);
        } else {
            writer.append(event.event());
        }
        if (firstOffset < 0) {
            firstOffset = offset;
        }
        lastOffset = offset;
        minCommitMicros = Math.min(minCommitMicros, event.cutMicros());
        if (event.cutMicros() > maxCommitMicros) {
            maxCommitMicros = event.cutMicros();
            lsnAtMaxCommit = event.lsn();
        }
    }

    /** Finishes the file and names it from the offsets and commit times it holds. */
    public ClosedSegment close(RotationReason reason, Instant now) {
        SegmentSummary summary = writer.finish();
        SegmentKey key = new SegmentKey(tenant, summary.minCommitMicros(), summary.maxCommitMicros(), partition, firstOffset, lastOffset);
        return new ClosedSegment(key, BackupLayout.segment(key), buffer.toByteArray(), summary, reason, lsnAtMaxCommit,
                epoch, openedAt, now);
    }

    /** Drops the segment without a file (e.g. an unfinished re-cut on revocation: the next owner redoes it). */
    void abandon() {
        writer.close();
    }

    TenantId tenant() {
        return tenant;
    }

    int partition() {
        return partition;
    }

    long epoch() {
        return epoch;
    }

    Instant openedAt() {
        return openedAt;
    }

    long firstOffset() {
        return firstOffset;
    }

    long lastOffset() {
        return lastOffset;
    }

    long records() {
        return writer.eventCount();
    }

    /** Compressed bytes so far; trails the appended events by at most one Avro block. */
    long bytes() {
        return writer.bytesWritten();
    }

    /** The earliest commit time among its events; MAX_VALUE while empty. */
    long minCommitMicros() {
        return minCommitMicros;
    }

    /** The latest commit time among its events; MIN_VALUE while empty. */
    long maxCommitMicros() {
        return maxCommitMicros;
    }

    boolean isEmpty() {
        return firstOffset < 0;
    }

    Optional<SegmentKey> recutOf() {
        return recutOf;
    }

    @Override
    public String toString() {
        return "OpenSegment[" + tenant + " p" + partition + " " + firstOffset + ".." + lastOffset + ", " + records() + " events"
                + recutOf.map(k -> ", re-cut of " + BackupLayout.segment(k)).orElse("") + "]";
    }
}
