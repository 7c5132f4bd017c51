package dev.strata.sink.watermark;

import dev.strata.schemas.TenantId;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Turns "this segment is durable" into "this tenant's watermark may advance", under the ordering
 * rule: a watermark moves only after the Kafka offset covering the segment is committed. Durable
 * pieces wait per partition until a commit passes their last offset; then they fold into the
 * tenant's latest durable commit time. Owned by the poll thread.
 */
public final class WatermarkTracker {

    /** What one durable segment (or one re-read record already durable) says about its tenant. */
    public record Piece(TenantId tenant, long lastOffset, long maxCommitMicros, long lsn) {
    }

    /** A tenant's advance after a commit. */
    public record Advance(long durableCommitMicros, long lsn) {
    }

    private final Map<Integer, PriorityQueue<Piece>> waiting = new HashMap<>();

    public void durable(int partition, Piece piece) {
        waiting.computeIfAbsent(partition, p -> new PriorityQueue<>((a, b) -> Long.compare(a.lastOffset(), b.lastOffset()))).add(piece);
    }

    /** The tenants whose pieces lie wholly below {@code committedOffset}, with their latest commit time among them. */
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
