package dev.strata.sink.watermark;

import dev.strata.schemas.TenantId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Turns "this segment is durable" into "this tenant's watermark may advance", under the ordering
 * rule: a watermark moves only after the Kafka offset covering the segment is committed. Durable
 * pieces wait per partition until a commit passes their last offset; then they fold into the
 * tenant's latest durable time. All times here are CUT times (running maxima of commit times in WAL
 * order, {@code CutTime}), the time a restore cuts at: a durable point T then means every
 * transaction of a restore to T is durable, which a commit time would not (commit times are not
 * monotonic in WAL order). Owned by the poll thread.
 *
 * <p>Whole transactions only: a piece proves its last cut time C only when it holds the last record
 * of the tenant with cut time C on its partition, known once the tenant's next record there (an
 * event or a heartbeat) has a greater cut time ({@link #read}); until then it proves C minus one
 * microsecond, as a heartbeat does. A rotation by age, size or count inside a transaction leaves
 * the rest of it in a later segment, which may not be durable yet: restoring to C then would return
 * part of it. Cut times never decrease along a tenant's records on a partition (capture publishes
 * in WAL order, the router keeps it), so every record with cut time C lies at or before the last one.
 */
public final class WatermarkTracker {

    /**
     * What one durable segment (or one re-read record already durable, or a heartbeat) says about its tenant.
     *
     * @param maxCutMicros the cut time of its last record, the greatest it holds
     */
    public record Piece(TenantId tenant, long lastOffset, long maxCutMicros, long lsn) {
    }

    /** The tenant's last record read on a partition: the last of its cut time until a greater one follows. */
    private record LastRead(long offset, long cutMicros) {
    }

    /** A tenant's advance after a commit. */
    public record Advance(long durableCommitMicros, long lsn) {
    }

    private final Map<Integer, PriorityQueue<Piece>> waiting = new HashMap<>();
    private final Map<Integer, Map<TenantId, LastRead>> lastRead = new HashMap<>();
    /** Per partition, the offsets of records known to be the last of their tenant with their cut time. */
    private final Map<Integer, Set<Long>> lastOfCut = new HashMap<>();

    /**
     * A heartbeat of {@code tenant} read at {@code offset}: it carries nothing to upload, so it holds
     * no offset back, and it waits here like a durable segment until a commit passes its offset.
     * A commit past it means every record below it in the partition is durable in both regions,
     * among them every change of the tenant that Postgres committed before the heartbeat (capture
     * publishes in commit order, the router keeps each partition's order); whatever of the tenant is
     * still open or uploading holds an offset below it, so the commit cannot pass it before.
     */
    public void heartbeat(int partition, TenantId tenant, long offset, long heartbeatCutMicros, long lsn) {
        read(partition, tenant, offset, heartbeatCutMicros);
        durable(partition, new Piece(tenant, offset, heartbeatCutMicros, lsn));
    }

    /**
     * A record of {@code tenant} read at {@code offset} (a change or a heartbeat, in offset order): when
     * its cut time is greater than that of the tenant's previous record on the partition, that one
     * was the last with its cut time, and a piece ending with it proves its cut time whole.
     */
    public void read(int partition, TenantId tenant, long offset, long cutMicros) {
        Map<TenantId, LastRead> tenants = lastRead.computeIfAbsent(partition, p -> new HashMap<>());
        LastRead previous = tenants.put(tenant, new LastRead(offset, cutMicros));
        if (previous != null && previous.offset() < offset && cutMicros > previous.cutMicros()) {
            lastOfCut.computeIfAbsent(partition, p -> new HashSet<>()).add(previous.offset());
        }
    }

    /**
     * The durable point a piece whose last record has cut time C proves while no greater cut time is
     * known to follow it: C minus one microsecond, not C. A restore to T holds the transactions with
     * cut time <= T (PostgreSQL's recovery_target_time). Cut times never decrease in WAL order, so
     * every transaction with a cut time below C precedes the piece's last record, and is durable. A
     * record after it, not durable yet, may have cut time C itself (the rest of a transaction a
     * rotation split, or a transaction whose commit time is C or less: an inversion), so C is not proven.
     */
    static long provenBefore(long cutMicros) {
        return cutMicros - 1;
    }

    public void durable(int partition, Piece piece) {
        waiting.computeIfAbsent(partition, p -> new PriorityQueue<>((a, b) -> Long.compare(a.lastOffset(), b.lastOffset()))).add(piece);
    }

    /**
     * The tenants whose pieces lie wholly below {@code committedOffset}, with the latest cut time they
     * prove whole. A piece committed before its tenant's next record is read proves one microsecond
     * less; the point moves on with the next piece, which proves at least that record's cut time minus one.
     */
    public Map<TenantId, Advance> committed(int partition, long committedOffset) {
        Map<TenantId, Advance> advances = new HashMap<>();
        PriorityQueue<Piece> queue = waiting.get(partition);
        Set<Long> lasts = lastOfCut.computeIfAbsent(partition, p -> new HashSet<>());
        while (queue != null && !queue.isEmpty() && queue.peek().lastOffset() < committedOffset) {
            Piece piece = queue.poll();
            long proven = lasts.contains(piece.lastOffset()) ? piece.maxCutMicros() : provenBefore(piece.maxCutMicros());
            advances.merge(piece.tenant(), new Advance(proven, piece.lsn()),
                    (a, b) -> a.durableCommitMicros() >= b.durableCommitMicros() ? a : b);
        }
        // every piece ending below the commit was taken: none can ask about these offsets again
        lasts.removeIf(offset -> offset < committedOffset);
        return advances;
    }

    public void revoked(int partition) {
        waiting.remove(partition);
        lastRead.remove(partition);
        lastOfCut.remove(partition);
    }

    int waiting(int partition) {
        PriorityQueue<Piece> queue = waiting.get(partition);
        return queue == null ? 0 : queue.size();
    }
}
