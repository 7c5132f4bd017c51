package dev.strata.sink;

import static dev.strata.sink.LoopBed.COMMIT_MICROS;
import static dev.strata.sink.LoopBed.FLUSH;
import static dev.strata.sink.LoopBed.change;
import static dev.strata.sink.LoopBed.changes;
import static dev.strata.sink.LoopBed.healthy;
import static dev.strata.sink.LoopBed.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.watermark.Watermark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit rule on the poll loop: an offset is committed only when both regions hold every
 * segment below it, and the order that makes a crash harmless: the horizon commit, then the puts,
 * then the offset commit, then the watermark. Heartbeats: never in a segment, holding no offset
 * back, and moving a tenant's watermark to just before their commit time only once a commit passes
 * them, so never past a record of the partition still open or uploading before them.
 */
class CommitRuleTest {
    private static final String HORIZON_9 = CommitMetadata.format(9);
    private static final long HEARTBEAT_MICROS = COMMIT_MICROS + 60_000_000L;

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
        // the last change's transaction may go on in the next segment: nothing after it proves it whole
        int watermark = j.first("watermark acme p0 offset=10 durable=" + (COMMIT_MICROS + 8));
        String mark = "acme p0 offset=10 point=" + (COMMIT_MICROS + 8) + " WRITTEN";
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

    @Test
    void heartbeatsAloneNeedNoUploadAndMoveTheWatermarkOnceCommitted() {
        bed = new LoopBed(spill);
        LoopBed.Run run = bed.start(healthy(), healthy());
        run.assign(Optional.empty(), List.of(heartbeat("acme", 0, HEARTBEAT_MICROS), heartbeat("globex", 1, HEARTBEAT_MICROS),
                heartbeat("acme", 2, HEARTBEAT_MICROS + 1_000_000)));
        bed.await("offset 3 committed", () -> run.committed() == 3);
        bed.await("both watermarks", () -> latest(run).size() == 2);

        assertThat(latest(run)).as("C minus 1 us of each tenant's newest heartbeat")
                .containsEntry("acme", HEARTBEAT_MICROS + 1_000_000 - 1).containsEntry("globex", HEARTBEAT_MICROS - 1);
        assertThat(LoopBed.segments(bed.primaryBucket)).as("a heartbeat is no data: no segment").isEmpty();
        assertThat(bed.journal.first(e -> e.startsWith("put"))).isEqualTo(-1);
    }

    @Test
    void aHeartbeatBehindAnUploadStillHeldWaitsForItWhoeverItsTenant() {
        bed = new LoopBed(spill);
        bed.atClose(() -> backup.die());
        LoopBed.Run run = bed.start(healthy(), store -> backup = new HeldPuts(store));
        // globex changes at 0, acme at 1; then both idle: heartbeats at 2 and 3, globex's behind acme's change
        run.assign(Optional.empty(), List.of(change("globex", 0), change("acme", 1), heartbeat("globex", 2, HEARTBEAT_MICROS),
                heartbeat("acme", 3, HEARTBEAT_MICROS)));
        run.advance(FLUSH);
        backup.awaitHeld(2);

        backup.release("globex 0..0");
        bed.await("offset 1 committed", () -> run.committed() == 1);
        run.awaitRound();
        assertThat(latest(run)).as("globex's change is durable, its heartbeat waits behind acme's upload at 1")
                .isEqualTo(Map.of("globex", COMMIT_MICROS));

        backup.release("acme 1..1");
        bed.await("offset 4 committed", () -> run.committed() == 4);
        bed.await("both heartbeats", () -> latest(run).equals(Map.of("acme", HEARTBEAT_MICROS - 1, "globex", HEARTBEAT_MICROS - 1)));
        assertThat(LoopBed.segments(bed.primaryBucket)).as("segments hold the changes only").containsExactly("acme 1..1", "globex 0..0");
    }

    @Test
    void aHeartbeatBehindAnOpenSegmentOfItsTenantWaitsForThatSegment() {
        bed = new LoopBed(spill);
        LoopBed.Run run = bed.start(healthy(), healthy());
        run.assign(Optional.empty(), List.of(change("acme", 0), heartbeat("acme", 1, HEARTBEAT_MICROS)));
        run.awaitRound();
        assertThat(run.committed()).as("acme's segment from 0 is still open: no commit past 0").isLessThanOrEqualTo(0);
        assertThat(run.producer.watermarks()).isEmpty();

        run.advance(FLUSH);
        bed.await("offset 2 committed", () -> run.committed() == 2);
        bed.await("acme's watermark", () -> latest(run).containsKey("acme"));
        assertThat(latest(run)).containsEntry("acme", HEARTBEAT_MICROS - 1);
        assertThat(run.producer.watermarks()).as("one commit covers both: one publication").hasSize(1);
    }

    /** The newest published durable point per tenant. */
    private static Map<String, Long> latest(LoopBed.Run run) {
        return run.producer.watermarks().stream().collect(Collectors.toMap(w -> w.tenant().value(), Watermark::durableCommitMicros,
                Math::max));
    }
}
