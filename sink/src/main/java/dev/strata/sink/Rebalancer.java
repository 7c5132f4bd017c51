package dev.strata.sink;

import dev.strata.sink.segment.PartitionRecovery;
import dev.strata.sink.segment.PartitionSegmenter;
import dev.strata.sink.segment.RecoveryGuide;
import dev.strata.sink.segment.RotationReason;
import dev.strata.sink.watermark.WatermarkTracker;
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
 * Partitions coming and going. On assignment: resume at the committed offset, and if the last
 * owner's horizon lies beyond it, recover (see {@link PartitionRecovery}). On revocation: close the
 * partition's segments (REVOCATION), let them become durable for a while, commit, let go. A lost
 * partition (the group moved on without us) is dropped without a commit: its new owner recovers.
 * Runs on the poll thread, inside {@code poll()}.
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
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        List<AssignedPartition> leaving = owned(revoked);
        if (leaving.isEmpty()) {
            return;
        }
        if (!loop.failed()) { // after a failure nothing more is written: the next owner reads these records again
            Instant now = parts.clock().instant();
            leaving.forEach(p -> p.segmenter.closeAll(RotationReason.REVOCATION, now));
            loop.drain(leaving, parts.tuning().revocationTimeout());
        }
        forget(leaving);
        LOG.info("partitions {} revoked", numbers(leaving));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        List<AssignedPartition> gone = owned(lost);
        forget(gone);
        LOG.warn("partitions {} lost without a clean revocation; their new owner recovers what this sink had not committed",
                numbers(gone));
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
