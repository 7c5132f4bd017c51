package dev.strata.sink.segment;

import dev.strata.sink.CommitTracker;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.SegmentKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one partition's records into segments: one open segment per tenant, closed when the
 * {@link RotationPolicy} says so, on revocation and on shutdown. Every closed segment goes to the
 * {@link Output}; a hold is placed on a segment's first offset when it opens (see
 * {@link CommitTracker}). Owned by the poll thread.
 *
 * <p>While an earlier run's records are read again ({@link RecoveryGuide}), segments follow what
 * that run wrote: records of a segment already in both regions are skipped, and a segment found in
 * one region only is re-cut at exactly its boundaries, so that it has the same key and bytes. Then
 * a restart leaves duplicates only as whole identical objects, never as overlapping ones.
 */
public final class PartitionSegmenter {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionSegmenter.class);

    /** Where the segmenter's results go. */
    public interface Output {
        void closed(ClosedSegment segment);

        /** A re-read record that an earlier run already made durable in both regions, inside {@code segment}. */
        void alreadyDurable(TenantId tenant, long offset, EventView event, SegmentKey segment);
    }

    private final int partition;
    private final long epoch;
    private final RotationPolicy policy;
    private final int zstdLevel;
    private final CommitTracker tracker;
    private final RecoveryGuide recovery;
    private final Output output;
    private final Map<TenantId, OpenSegment> open = new HashMap<>();
    private boolean recovering;
    private long skippedDurable;
    private long recutSegments;

    public PartitionSegmenter(int partition, long epoch, RotationPolicy policy, int zstdLevel, CommitTracker tracker,
                       RecoveryGuide recovery, Output output) {
        this.partition = partition;
        this.epoch = epoch;
        this.policy = policy;
        this.zstdLevel = zstdLevel;
        this.tracker = tracker;
        this.recovery = recovery;
        this.output = output;
        this.recovering = recovery != RecoveryGuide.NONE;
    }

    /** Adds a record; may close its tenant's segment (size, count, age, commit span, or a recovery boundary). */
    public void append(long offset, TenantId tenant, EventView event, Instant now) {
        Optional<KnownSegment> known = recovery.covers(offset)
                ? recovery.segmentHolding(tenant, offset, event.cutMicros()) : Optional.empty();
        if (known.isPresent()) {
            appendRecovered(tenant, offset, event, known.get(), now);
            return;
        }
        OpenSegment current = open.get(tenant);
        if (current != null && current.recutOf().isPresent()) {
            close(current, RotationReason.RECOVERY, now); // a re-cut whose records ran out early: it cannot complete
        }
        OpenSegment filling = openFor(tenant, offset, Optional.empty(), now);
        if (!filling.isEmpty() && policy.spanWouldExceed(filling.minCommitMicros(), filling.maxCommitMicros(), event.cutMicros())) {
            close(filling, RotationReason.SPAN, now);
        }
        OpenSegment segment = openFor(tenant, offset, Optional.empty(), now);
        segment.append(offset, event);
        policy.check(segment.bytes(), segment.records(), segment.openedAt(), now).ifPresent(reason -> close(segment, reason, now));
    }

    private void appendRecovered(TenantId tenant, long offset, EventView event, KnownSegment known, Instant now) {
        OpenSegment current = open.get(tenant);
        if (current != null && !current.recutOf().equals(Optional.of(known.key()))) {
            close(current, RotationReason.RECOVERY, now); // stop before the earlier run's segment begins
        }
        if (known.durable()) {
            skippedDurable++;
            output.alreadyDurable(tenant, offset, event, known.key());
            return;
        }
        OpenSegment recut = openFor(tenant, offset, Optional.of(known.key()), now);
        if (recut.isEmpty() && offset != known.key().firstOffset()) {
            LOG.warn("recovery: partition {} tenant {}: segment {}..{} found in one region only, but its first record is gone"
                    + " (re-read from {}); the new segment will overlap it instead of repeating it", partition, tenant,
                    known.key().firstOffset(), known.key().lastOffset(), offset);
        }
        recut.append(offset, event);
        if (offset == known.key().lastOffset()) {
            recutSegments++;
            close(recut, RotationReason.RECOVERY, now);
        }
    }

    private OpenSegment openFor(TenantId tenant, long offset, Optional<SegmentKey> recutOf, Instant now) {
        OpenSegment segment = open.get(tenant);
        if (segment == null) {
            segment = new OpenSegment(tenant, partition, epoch, now, zstdLevel, recutOf);
            open.put(tenant, segment);
            tracker.hold(partition, offset);
        }
        return segment;
    }

    /**
     * Closes what is due by age. A re-cut ignores age (its end is fixed) but is closed once the
     * consumer has passed its last offset without completing it: it cannot complete any more.
     */
    public void rotateDue(Instant now, long position) {
        if (recovering && !recovery.covers(position)) { // every record up to the horizon has been read
            recovering = false;
            LOG.info("partition {}: recovery done at offset {}: {} re-read events were already durable in both regions (skipped),"
                    + " {} segments found in one region only were re-cut to the same key and bytes", partition, position,
                    skippedDurable, recutSegments);
        }
        for (OpenSegment segment : List.copyOf(open.values())) {
            if (segment.recutOf().isPresent()) {
                if (position > segment.recutOf().get().lastOffset()) {
                    close(segment, RotationReason.RECOVERY, now);
                }
            } else {
                policy.check(segment.bytes(), segment.records(), segment.openedAt(), now)
                        .ifPresent(reason -> close(segment, reason, now));
            }
        }
    }

    /**
     * Closes every open segment for {@code reason} (revocation, shutdown). An unfinished re-cut is
     * abandoned instead, keeping its hold: whoever reads the partition next finishes it.
     */
    public void closeAll(RotationReason reason, Instant now) {
        for (OpenSegment segment : new ArrayList<>(open.values())) {
            if (segment.recutOf().isPresent()) {
                open.remove(segment.tenant());
                segment.abandon();
            } else {
                close(segment, reason, now);
            }
        }
    }

    /** Drops every open segment without a file: the partition is gone, whoever owns it now reads the records again. */
    public void abandonAll() {
        open.values().forEach(OpenSegment::abandon);
        open.clear();
    }

    /** When the next segment falls due by age, if any is open. */
    public Optional<Instant> nextDue() {
        return open.values().stream().filter(s -> s.recutOf().isEmpty()).map(s -> policy.dueAt(s.openedAt())).min(Instant::compareTo);
    }

    /** The earliest commit time among records in open segments: for the backup-lag gauge. */
    public OptionalLong oldestOpenCommitMicros() {
        return open.values().stream().mapToLong(OpenSegment::minCommitMicros).min();
    }

    int openSegments() {
        return open.size();
    }

    long epoch() {
        return epoch;
    }

    private void close(OpenSegment segment, RotationReason reason, Instant now) {
        open.remove(segment.tenant());
        ClosedSegment closed = segment.close(reason, now);
        segment.recutOf().filter(expected -> !expected.equals(closed.segmentKey())).ifPresent(expected -> LOG.warn(
                "recovery: partition {} tenant {}: the re-cut segment is {} but the earlier run wrote {}; both stay, overlapping",
                partition, segment.tenant(), closed.key(), expected));
        output.closed(closed);
    }
}
