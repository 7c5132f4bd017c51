package dev.strata.sink;

import dev.strata.sink.segment.PartitionSegmenter;
import dev.strata.schemas.layout.SegmentKey;
import org.apache.kafka.common.TopicPartition;

/** What the sink keeps for a partition while it owns it. Owned by the poll thread. */
final class AssignedPartition {
    final TopicPartition topicPartition;
    final long epoch;
    final PartitionSegmenter segmenter;
    /** The offset and horizon of the last successful commit. */
    long committed;
    long horizon;
    /** The horizon the next commit must record: every segment handed to the uploader is at or below it. */
    long wantedHorizon;
    /** A conflict was raised here: the partition stays paused until an operator has looked (restart). */
    boolean blocked;
    /** The last earlier-run segment whose records were skipped, so that the sealer hears of each once. */
    SegmentKey lastSkippedSegment;

    AssignedPartition(TopicPartition topicPartition, long epoch, PartitionSegmenter segmenter, long committed, long horizon) {
        this.topicPartition = topicPartition;
        this.epoch = epoch;
        this.segmenter = segmenter;
        this.committed = committed;
        this.horizon = horizon;
        this.wantedHorizon = horizon;
    }

    int partition() {
        return topicPartition.partition();
    }
}
