package dev.strata.sink;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits, per partition, the offset the {@link CommitTracker} allows (everything below it is
 * durable in both regions) together with the horizon (see {@link CommitMetadata}). Commits only
 * what changed, synchronously: the caller uploads new segments and publishes watermarks only after
 * it returned true.
 */
final class OffsetCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

    private final Consumer<byte[], byte[]> consumer;
    private final CommitTracker tracker;

    OffsetCommitter(Consumer<byte[], byte[]> consumer, CommitTracker tracker) {
        this.consumer = consumer;
        this.tracker = tracker;
    }

    /**
     * @return the partitions whose committed offset moved, with the new offset (an empty map if nothing
     *     changed); empty if the commit failed (logged; the caller tries again on its next round)
     */
    Optional<Map<AssignedPartition, Long>> commit(Collection<AssignedPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<AssignedPartition, Long> moved = new HashMap<>();
        for (AssignedPartition p : partitions) {
            OptionalLong committable = tracker.committable(p.partition());
            if (committable.isEmpty()) {
                continue;
            }
            long offset = committable.getAsLong();
            if (offset != p.committed || p.wantedHorizon != p.horizon) {
                offsets.put(p.topicPartition, new OffsetAndMetadata(offset, CommitMetadata.format(p.wantedHorizon)));
                if (offset != p.committed) {
                    moved.put(p, offset);
                }
            }
        }
        if (offsets.isEmpty()) {
            return Optional.of(Map.of());
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            // e.g. a rebalance under way: nothing is lost, the next round (or the new owner) commits
            LOG.warn("offset commit failed ({}); new segments wait for the next successful commit", e.toString());
            return Optional.empty();
        }
        for (AssignedPartition p : partitions) {
            OffsetAndMetadata done = offsets.get(p.topicPartition);
            if (done != null) {
                p.committed = done.offset();
                p.horizon = p.wantedHorizon;
            }
        }
        return Optional.of(moved);
    }
}
