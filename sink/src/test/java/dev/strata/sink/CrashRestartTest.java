package dev.strata.sink;

import static dev.strata.sink.LoopBed.COMMIT_MICROS;
import static dev.strata.sink.LoopBed.FLUSH;
import static dev.strata.sink.LoopBed.TP;
import static dev.strata.sink.LoopBed.changes;
import static dev.strata.sink.LoopBed.healthy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.watermark.Watermark;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink killed at each point of its ordering chain (horizon commit, puts, offset commit, watermark),
 * then a new one started over the same buckets and what the first committed: nothing is lost, and
 * what is stored twice is stored as the same object. The first run reads offsets 0..9; the topic
 * has 0..14 when the second starts, so a restart that ignored the buckets would cut 0..14 as one
 * segment over the first run's 0..9.
 */
class CrashRestartTest {
    private static final String HORIZON_9 = CommitMetadata.format(9);

    @TempDir
    Path spill;
    private LoopBed bed;
    private HeldPuts primaryHeld;
    private HeldPuts backupHeld;

    @AfterEach
    void close() {
        bed.close();
    }

    private LoopBed.Run firstRun(boolean holdPrimary, boolean holdBackup) {
        bed = new LoopBed(spill);
        bed.atClose(() -> {
            if (primaryHeld != null) {
                primaryHeld.die();
            }
            if (backupHeld != null) {
                backupHeld.die();
            }
        });
        return bed.start(holdPrimary ? store -> primaryHeld = new HeldPuts(store) : healthy(),
                holdBackup ? store -> backupHeld = new HeldPuts(store) : healthy());
    }

    /** A new sink over the same buckets resumes from what {@code crashed} committed, with offsets 0..14 in the topic; returns it once it committed 15. */
    private LoopBed.Run restartAfter(LoopBed.Run crashed) {
        bed.journal.add("--- restart");
        LoopBed.Run run = bed.start(healthy(), healthy());
        run.assign(crashed.lastCommit(), changes("acme", 0, 14));
        run.advance(FLUSH);
        bed.await("offset 15 committed after the restart", () -> run.committed() == 15);
        return run;
    }

    private int restart() {
        return bed.journal.first("--- restart");
    }

    @Test
    void aCrashAfterTheHorizonCommitBeforeAnyPutLeavesNothingToRecover() {
        LoopBed.Run first = firstRun(true, true);
        first.assign(Optional.empty(), changes("acme", 0, 9));
        first.advance(FLUSH);
        primaryHeld.awaitHeld(1);
        backupHeld.awaitHeld(1);
        first.crash();
        primaryHeld.die();
        backupHeld.die();
        assertThat(first.lastCommit()).contains(new RecordingConsumer.Commit(TP, 0, HORIZON_9));
        assertThat(LoopBed.segments(bed.primaryBucket)).isEmpty();

        LoopBed.Run second = restartAfter(first);

        assertThat(bed.journal.first(e -> e.startsWith("list primary"))).as("the horizon made it look").isGreaterThan(restart());
        assertThat(LoopBed.segments(bed.primaryBucket)).containsExactly("acme 0..14");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(1);
        assertThat(second.producer.watermarks()).extracting(Watermark::durableCommitMicros)
                .as("the last change's transaction is not proven whole: no later record follows it").containsExactly(COMMIT_MICROS + 13);
    }

    @Test
    void aCrashWithTheSegmentInOneRegionOnlyIsCompletedWithTheSameObject() {
        LoopBed.Run first = firstRun(false, true);
        first.assign(Optional.empty(), changes("acme", 0, 9));
        first.advance(FLUSH);
        backupHeld.awaitHeld(1);
        bed.await("the primary holds it", () -> bed.journal.first("put primary acme 0..9 WRITTEN") >= 0);
        first.crash();
        backupHeld.die();
        assertThat(first.committed()).isZero();
        assertThat(LoopBed.segments(bed.backupBucket)).isEmpty();

        LoopBed.Run second = restartAfter(first);

        // re-cut at the first run's boundaries: the same key and bytes, found in the primary, written to the backup
        assertThat(bed.journal.entries().subList(restart(), bed.journal.entries().size())).filteredOn(e -> e.startsWith("put"))
                .containsExactlyInAnyOrder("put primary acme 0..9 ALREADY_PRESENT_IDENTICAL", "put backup acme 0..9 WRITTEN",
                        "put primary acme 10..14 WRITTEN", "put backup acme 10..14 WRITTEN");
        assertThat(second.count("segments.already.present", "region", "primary")).isEqualTo(1);
        assertThat(second.count("object.conflicts", "region", "primary")).isZero();
        assertThat(LoopBed.segments(bed.primaryBucket)).containsExactly("acme 0..9", "acme 10..14");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(2);
        assertThat(second.lastCommit()).contains(new RecordingConsumer.Commit(TP, 15, CommitMetadata.format(14)));
    }

    @Test
    void aCrashAfterBothRegionsHoldTheSegmentBeforeItsOffsetIsCommittedSkipsItsRecordsOnRestart() {
        LoopBed.Run first = firstRun(false, false);
        first.consumer.crashAtCommit(offsets -> offsets.containsKey(TP) && offsets.get(TP).offset() > 0);
        first.assign(Optional.empty(), changes("acme", 0, 9));
        first.advance(FLUSH);
        assertThat(first.awaitEnd()).isInstanceOf(RecordingConsumer.Crash.class);
        first.abort.stop();
        assertThat(bed.assertIdenticalInBothRegions()).as("both regions hold it").isEqualTo(1);
        assertThat(first.lastCommit()).contains(new RecordingConsumer.Commit(TP, 0, HORIZON_9));
        assertThat(first.producer.watermarks()).isEmpty();

        LoopBed.Run second = restartAfter(first);

        List<String> afterRestart = bed.journal.entries().subList(restart(), bed.journal.entries().size());
        assertThat(afterRestart).filteredOn(e -> e.startsWith("put")).as("0..9 found in both regions, not put again")
                .containsExactlyInAnyOrder("put primary acme 10..14 WRITTEN", "put backup acme 10..14 WRITTEN");
        assertThat(second.count("events.already.durable")).isEqualTo(10);
        assertThat(LoopBed.segments(bed.primaryBucket)).containsExactly("acme 0..9", "acme 10..14");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(2);
        assertThat(second.producer.watermarks()).as("the skipped records' commit (record 10 follows 9 with a greater cut: 9 is whole), then the new segment's")
                .extracting(Watermark::durableCommitMicros).containsExactly(COMMIT_MICROS + 9, COMMIT_MICROS + 13);
    }

    @Test
    void aCrashAfterTheOffsetCommitBeforeTheWatermarkLosesNoDataAndTheNextWatermarkCoversIt() {
        LoopBed.Run first = firstRun(false, false);
        first.producer.crashAtWatermark();
        first.assign(Optional.empty(), changes("acme", 0, 9));
        first.advance(FLUSH);
        assertThat(first.awaitEnd()).isInstanceOf(RecordingConsumer.Crash.class);
        first.abort.stop();
        assertThat(first.lastCommit()).contains(new RecordingConsumer.Commit(TP, 10, HORIZON_9));
        assertThat(bed.journal.first("watermark")).isEqualTo(-1);

        LoopBed.Run second = restartAfter(first);

        List<String> afterRestart = bed.journal.entries().subList(restart(), bed.journal.entries().size());
        assertThat(afterRestart).as("the horizon is below the committed offset: no recovery, nothing re-read")
                .noneMatch(e -> e.startsWith("list")).filteredOn(e -> e.startsWith("put"))
                .containsExactlyInAnyOrder("put primary acme 10..14 WRITTEN", "put backup acme 10..14 WRITTEN");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(2);
        // The watermark of 0..9 was never sent; acme's next one covers it. Until acme changes again, acme's published
        // watermark stays behind what is durable (late, never early).
        assertThat(second.producer.watermarks()).singleElement().satisfies(w -> {
            assertThat(w.durableCommitMicros()).isEqualTo(COMMIT_MICROS + 13); // the last one not proven whole
            assertThat(w.committedOffset()).isEqualTo(15);
        });
    }
}
