package dev.strata.sink;

import dev.strata.sink.segment.PartitionRecovery;
import dev.strata.sink.segment.PartitionSegmenter;
import dev.strata.sink.segment.RecoveryGuide;
import dev.strata.sink.segment.RotationReason;
import dev.strata.sink.watermark.WatermarkTracker;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.watermark.Watermark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitions coming and going. On assignment: read the tenants' latest watermarks (another instance
 * of the regime may have moved them on), resume at the committed offset, and if the last owner's
 * horizon lies beyond it, recover (see {@link PartitionRecovery}); only then is the partition's
 * tenant work (sealing, bases) this instance's. On revocation: stop that tenant work, close the
 * partition's segments (REVOCATION), let them become durable for a while, commit, make sure the
 * watermarks sent are stored, let go. A lost partition (the group moved on without us) is dropped
 * without a commit: its new owner recovers. Runs on the poll thread, inside {@code poll()}.
 *
 * <p>With the cooperative-sticky assignor the group hands a revoked partition to its new owner only
 * in the rebalance after this callback returned, so the two never hold it at once.
 */
final class Rebalancer implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

    private final SinkLoop loop;
    private final SinkParts parts;
    private final Consumer<byte[], byte[]> consumer;
    private final CommitTracker tracker;
    private final WatermarkTracker watermarkTracker;
    private final Map<Integer, AssignedPartition> partitions = new HashMap<>();
    private long epochs;

    Rebalancer(SinkLoop loop, SinkParts parts, Consumer<byte[], byte[]> consumer, CommitTracker tracker, WatermarkTracker watermarkTracker) {
        this.loop = loop;
        this.parts = parts;
        this.consumer = consumer;
        this.tracker = tracker;
        this.watermarkTracker = watermarkTracker;
    }

    Map<Integer, AssignedPartition> partitions() {
        return partitions;
    }

    List<TopicPartition> topicPartitions(boolean withoutBlocked) {
        List<TopicPartition> all = new ArrayList<>();
        partitions.values().stream().filter(p -> !(withoutBlocked && p.blocked)).forEach(p -> all.add(p.topicPartition));
        return all;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
            return;
        }
        List<Integer> numbers = assigned.stream().map(TopicPartition::partition).toList();
        Map<TenantId, Watermark> latest = parts.published().of(numbers);
        parts.watermarks().refresh(latest);
        for (Watermark w : latest.values()) {
            parts.sealer().hint(w); // hours the last owner left unsealed, and the chain's head as it now is
            parts.bases().hint(w.tenant(), w.partition());
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata last = committed.get(tp);
            long start = last != null ? last.offset() : consumer.position(tp);
            long horizon = last == null ? -1 : CommitMetadata.horizon(last.metadata()).orElse(-1);
            tracker.assigned(tp.partition(), start);
            if (last != null) {
                parts.sealer().committed(tp.partition(), last.offset()); // an earlier run's segments below it are the sink's own
            }
            RecoveryGuide recovery = RecoveryGuide.NONE;
            if (horizon >= start) {
                recovery = new PartitionRecovery(tp.partition(), start, horizon, parts.tuning().recoveryLookback(), parts.catalog());
                LOG.info("partition {}: resuming at offset {}; an earlier run may have stored segments up to offset {}: recovering"
                        + " them from the buckets so that nothing is stored twice as different objects", tp.partition(), start, horizon);
            } else {
                LOG.info("partition {}: resuming at offset {}", tp.partition(), start);
            }
            long epoch = ++epochs;
            PartitionSegmenter segmenter = new PartitionSegmenter(tp.partition(), epoch, parts.tuning().rotationPolicy(),
                    SinkParts.ZSTD_LEVEL, tracker, recovery, loop);
            partitions.put(tp.partition(), new AssignedPartition(tp, epoch, segmenter, start, Math.max(horizon, -1)));
        }
        if (loop.paused()) {
            consumer.pause(assigned);
        }
        parts.ownership().acquired(numbers);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        List<AssignedPartition> leaving = owned(revoked);
        if (leaving.isEmpty()) {
            return;
        }
        stopTenantWork(leaving, parts.tuning().revocationTimeout());
        if (!loop.failed()) { // after a failure nothing more is written: the next owner reads these records again
            Instant now = parts.clock().instant();
            leaving.forEach(p -> p.segmenter.closeAll(RotationReason.REVOCATION, now));
            loop.drain(leaving, parts.tuning().revocationTimeout());
            parts.watermarks().flush(); // the next owner reads them when it is assigned these partitions
        }
        forget(leaving);
        LOG.info("partitions {} revoked", numbers(leaving));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        List<AssignedPartition> gone = owned(lost);
        stopTenantWork(gone, Duration.ZERO); // the group has already given them to another: nothing to wait for
        forget(gone);
        LOG.warn("partitions {} lost without a clean revocation; their new owner recovers what this sink had not committed",
                numbers(gone));
    }

    /** No new seal or fold of these partitions' tenants starts here; waits for those under way to stop at their next step. */
    private void stopTenantWork(List<AssignedPartition> leaving, Duration wait) {
        List<Integer> busy = parts.ownership().release(numbers(leaving), wait);
        if (!busy.isEmpty()) {
            LOG.warn("partitions {}: a seal or base fold of their tenants was still running after {} s; it stops before its next"
                    + " write, and the new owner may start the same work meanwhile", busy, wait.toSeconds());
        }
    }

    private List<AssignedPartition> owned(Collection<TopicPartition> tps) {
        List<AssignedPartition> owned = new ArrayList<>();
        for (TopicPartition tp : tps) {
            AssignedPartition p = partitions.get(tp.partition());
            if (p != null) {
                owned.add(p);
            }
        }
        return owned;
    }

    private void forget(List<AssignedPartition> leaving) {
        List<Integer> numbers = numbers(leaving);
        for (AssignedPartition p : leaving) {
            p.segmenter.abandonAll(); // nothing is open after a revocation; after a loss the new owner redoes it
            partitions.remove(p.partition());
            tracker.revoked(p.partition());
            watermarkTracker.revoked(p.partition());
        }
        loop.forget(numbers);
    }

    private static List<Integer> numbers(List<AssignedPartition> ps) {
        return ps.stream().map(AssignedPartition::partition).toList();
    }
}
