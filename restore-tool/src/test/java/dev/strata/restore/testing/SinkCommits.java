package dev.strata.restore.testing;

import dev.strata.schemas.TenantId;
import dev.strata.sink.CommitTracker;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.watermark.DurableMarkWriter;
import dev.strata.sink.watermark.WatermarkTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The sink's commit rule and what follows it, for {@link SinkBackup}: a segment durable in both
 * regions releases its offsets ({@link CommitTracker}); the offset below which every record is
 * durable is "committed"; the {@link WatermarkTracker} turns that into advances and the sink's
 * {@link DurableMarkWriter} writes them as durable marks, on an uploader of its own. A mark after
 * every advance (no interval), each waited for, so that a test knows what the store proves.
 */
final class SinkCommits {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final CommitTracker tracker;
    private final WatermarkTracker watermarks = new WatermarkTracker();
    private final DualRegionUploader markUploader;
    private final DurableMarkWriter marks;
    private final Map<Integer, Long> committed = new HashMap<>();
    private boolean writing = true;

    SinkCommits(CommitTracker tracker, DualRegionUploader.Region primary, DualRegionUploader.Region backup, String regime,
                SinkMetrics metrics, Clock clock) {
        this.tracker = tracker;
        this.markUploader = new DualRegionUploader(primary, backup, 1, metrics, clock);
        this.marks = new DurableMarkWriter(markUploader, regime, Duration.ZERO, clock, metrics);
    }

    /** From now on no mark is written: a sink older than durable marks. */
    void stopWritingMarks() {
        writing = false;
    }

    /** A record of {@code tenant} read at {@code offset}, as the sink's poll loop tells its tracker of each one. */
    void read(int partition, TenantId tenant, long offset, long cutMicros) {
        watermarks.read(partition, tenant, offset, cutMicros);
    }

    /** A heartbeat of {@code tenant} read at {@code offset}: it holds no offset back and waits for a commit past it. */
    void heartbeat(int partition, TenantId tenant, long offset, long cutMicros) {
        watermarks.heartbeat(partition, tenant, offset, cutMicros, 0);
    }

    /** {@code segment} is in both regions: its offsets are released, and what that lets the sink commit is committed. */
    void durable(ClosedSegment segment) {
        tracker.release(segment.partition(), segment.firstOffset());
        watermarks.durable(segment.partition(), new WatermarkTracker.Piece(segment.tenant(), segment.lastOffset(),
                segment.summary().maxCommitMicros(), segment.lsnAtMaxCommit()));
        commit(segment.partition());
    }

    /** Commits what the tracker allows on {@code partition}, then writes the durable marks that follow and waits for them. */
    void commit(int partition) {
        OptionalLong offset = tracker.committable(partition);
        if (offset.isEmpty() || offset.getAsLong() <= committed.getOrDefault(partition, -1L)) {
            return;
        }
        committed.put(partition, offset.getAsLong());
        Map<TenantId, WatermarkTracker.Advance> advances = watermarks.committed(partition, offset.getAsLong());
        if (!writing) {
            return;
        }
        advances.forEach((tenant, advance) -> marks.advanced(tenant, advance, partition, offset.getAsLong()));
        settle();
        marks.flush(); // one still in flight when its tenant advanced again held the next back
        settle();
    }

    /** An advance with no segment behind it, as heartbeats will give an idle tenant: its mark, waited for. */
    void advanceIdle(TenantId tenant, long pointMicros, int partition) {
        marks.advanced(tenant, new WatermarkTracker.Advance(pointMicros, 0), partition, committed.getOrDefault(partition, 0L));
        settle();
        marks.flush();
        settle();
    }

    private void settle() {
        if (!markUploader.settled(WAIT)) {
            throw new IllegalStateException("durable marks not stored within " + WAIT.toSeconds() + " s");
        }
    }

    void close() {
        markUploader.close();
    }
}
