package dev.strata.sink;

import static dev.strata.sink.LoopBed.COMMIT_MICROS;
import static dev.strata.sink.LoopBed.FLUSH;
import static dev.strata.sink.LoopBed.change;
import static dev.strata.sink.LoopBed.changes;
import static dev.strata.sink.LoopBed.healthy;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit rule on the poll loop: an offset is committed only when both regions hold every
 * segment below it, and the order that makes a crash harmless: the horizon commit, then the puts,
 * then the offset commit, then the watermark.
 */
class CommitRuleTest {
    private static final String HORIZON_9 = CommitMetadata.format(9);

    @TempDir
    Path spill;
    private LoopBed bed;
    private HeldPuts backup;

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void commitsNoOffsetPastASegmentTheBackupDoesNotHoldYetWhateverOrderTheSegmentsFinishIn() {
        bed = new LoopBed(spill);
        bed.atClose(() -> backup.die());
        LoopBed.Run run = bed.start(healthy(), store -> backup = new HeldPuts(store));
        // three tenants interleaved in one partition: acme at 0,3,6,9, globex at 1,4,7, initech at 2,5,8
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long offset = 0; offset < 10; offset++) {
            records.add(change(List.of("acme", "globex", "initech").get((int) (offset % 3)), offset));
        }
        run.assign(Optional.empty(), records);
        run.advance(FLUSH); // all three segments close together and go to both regions
        bed.await("the primary holds all three", () -> LoopBed.segments(bed.primaryBucket).size() == 3);
        assertThat(run.lastCommit()).as("the horizon is recorded before any put, the offset not moved")
                .contains(new RecordingConsumer.Commit(LoopBed.TP, 0, HORIZON_9));

        releaseInBackup(run, "globex 1..7"); // durable, but acme (from 0) is not: nothing moves
        assertThat(run.committed()).isZero();

        releaseInBackup(run, "acme 0..9"); // 0 and 1 are durable now; initech holds 2
        assertThat(run.committed()).as("every record below 2 is in both regions, record 2 is not").isEqualTo(2);
        assertThat(run.producer.watermarks()).as("no commit covers a whole segment yet: no watermark").isEmpty();

        releaseInBackup(run, "initech 2..8");
        bed.await("offset 10 committed", () -> run.committed() == 10);
        assertThat(run.lastCommit()).contains(new RecordingConsumer.Commit(LoopBed.TP, 10, HORIZON_9));
        assertThat(run.producer.watermarks()).extracting(w -> w.tenant().value()).containsExactlyInAnyOrder("acme", "globex", "initech");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(3);
        for (RecordingConsumer.Commit commit : run.consumer.commits()) {
            assertThat(commit.offset()).as("committed offsets only grow").isIn(0L, 2L, 10L);
        }
    }

    /** Lets the backup's held put of {@code range} through and returns once the poll thread has applied it and tried to commit. */
    private void releaseInBackup(LoopBed.Run run, String range) {
        double durableBefore = run.registry.get(SinkMetrics.PREFIX + "commit.to.durable").timer().count();
        backup.release(range);
        bed.await(range + " applied", () -> run.registry.get(SinkMetrics.PREFIX + "commit.to.durable").timer().count() > durableBefore);
        run.awaitRound(); // the round that applied it has committed what it could
        run.awaitRound();
    }

    @Test
    void commitsTheHorizonThenPutsInBothRegionsThenCommitsTheOffsetThenPublishesTheWatermarkAndTheDurableMark() {
        bed = new LoopBed(spill);
        LoopBed.Run run = bed.start(healthy(), healthy());
        run.assign(Optional.empty(), changes("acme", 0, 9));
        run.advance(FLUSH);
        bed.await("the watermark", () -> !run.producer.watermarks().isEmpty());
        bed.await("the durable mark in both regions", () -> run.count("durable.marks") == 1);

        Journal j = bed.journal;
        int horizon = j.first("commit p0 offset=0 " + HORIZON_9);
        int inPrimary = j.first("put primary acme 0..9 WRITTEN");
        int inBackup = j.first("put backup acme 0..9 WRITTEN");
        int offset = j.first("commit p0 offset=10 ");
        int watermark = j.first("watermark acme p0 offset=10 durable=" + (COMMIT_MICROS + 9));
        String mark = "acme p0 offset=10 point=" + (COMMIT_MICROS + 9) + " WRITTEN";
        int markInPrimary = j.first("mark primary " + mark);
        int markInBackup = j.first("mark backup " + mark);
        assertThat(List.of(horizon, inPrimary, inBackup, offset, watermark, markInPrimary, markInBackup)).as(j.toString()).doesNotContain(-1);
        // a mark in one region proves the data is in both: it is written only after the commit that follows both puts
        assertThat(Math.min(markInPrimary, markInBackup)).as("the durable mark after the watermark").isGreaterThan(watermark);
        // A crash between an offset commit and the puts it covers cannot happen: the offset commit comes only after both.
        assertThat(horizon).as("write-ahead: the horizon before any put").isLessThan(Math.min(inPrimary, inBackup));
        assertThat(offset).as("the offset after both regions hold the segment").isGreaterThan(Math.max(inPrimary, inBackup));
        assertThat(watermark).as("the watermark after the offset commit").isGreaterThan(offset);
        assertThat(j.first(e -> e.startsWith("commit") && !e.startsWith("commit p0 offset=0 "))).isEqualTo(offset);
    }
}
