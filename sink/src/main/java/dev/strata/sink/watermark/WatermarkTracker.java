package dev.strata.sink.watermark;

import dev.strata.schemas.TenantId;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Turns "this segment is durable" into "this tenant's watermark may advance", under the ordering
 * rule: a watermark moves only after the Kafka offset covering the segment is committed. Durable
 * pieces wait per partition until a commit passes their last offset; then they fold into the
 * tenant's latest durable time. All times here are CUT times (running maxima of commit times in WAL
 * order, {@code CutTime}), the time a restore cuts at: a durable point T then means every
 * transaction of a restore to T is durable, which a commit time would not (commit times are not
 * monotonic in WAL order). Owned by the poll thread.
 */
public final class WatermarkTracker {

    /** What one durable segment (or one re-read record already durable, or a heartbeat) says about its tenant. */
    public record Piece(TenantId tenant, long lastOffset, long maxCommitMicros, long lsn) {
    }

    /** A tenant's advance after a commit. */
    public record Advance(long durableCommitMicros, long lsn) {
    }

    private final Map<Integer, PriorityQueue<Piece>> waiting = new HashMap<>();

    /**
     * A heartbeat of {@code tenant} read at {@code offset}: it carries nothing to upload, so it holds
     * no offset back, and it waits here like a durable segment until a commit passes its offset.
     * A commit past it means every record below it in the partition is durable in both regions,
     * among them every change of the tenant that Postgres committed before the heartbeat (capture
     * publishes in commit order, the router keeps each partition's order); whatever of the tenant is
     * still open or uploading holds an offset below it, so the commit cannot pass it before.
     */
    public void heartbeat(int partition, TenantId tenant, long offset, long heartbeatCutMicros, long lsn) {
        durable(partition, new Piece(tenant, offset, provenBefore(heartbeatCutMicros), lsn));
    }

    /**
     * The durable point a heartbeat with cut time C proves: C minus one microsecond, not C. A restore
     * to T holds the transactions with cut time <= T (PostgreSQL's recovery_target_time). Cut times
     * never decrease in WAL order, so every transaction with a cut time below C precedes the
     * heartbeat, and is durable. A transaction after the heartbeat, not durable yet, may have cut
     * time C itself (its commit time C or less: an inversion), so C is not proven.
     */
    static long provenBefore(long heartbeatCutMicros) {
        return heartbeatCutMicros - 1;
    }

    public void durable(int partition, Piece piece) {
        waiting.computeIfAbsent(partition, p -> new PriorityQueue<>((a, b) -> Long.compare(a.lastOffset(), b.lastOffset()))).add(piece);
    }

    /** The tenants whose pieces lie wholly below {@code committedOffset}, with their latest cut time among them. */
    public Map<TenantId, Advance> committed(int partition, long committedOffset) {
        Map<TenantId, Advance> advances = new HashMap<>();
        PriorityQueue<Piece> queue = waiting.get(partition);
        while (queue != null && !queue.isEmpty() && queue.peek().lastOffset() < committedOffset) {
            Piece piece = queue.poll();
            advances.merge(piece.tenant(), new Advance(piece.maxCommitMicros(), piece.lsn()),
                    (a, b) -> a.durableCommitMicros() >= b.durableCommitMicros() ? a : b);
        }
        return advances;
    }

    public void revoked(int partition) {
        waiting.remove(partition);
    }

    int waiting(int partition) {
        PriorityQueue<Piece> queue = waiting.get(partition);
        return queue == null ? 0 : queue.size();
    }
}
