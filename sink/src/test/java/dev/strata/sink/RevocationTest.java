package dev.strata.sink;

import static dev.strata.sink.LoopBed.FLUSH;
import static dev.strata.sink.LoopBed.TP;
import static dev.strata.sink.LoopBed.changes;
import static dev.strata.sink.LoopBed.healthy;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition revoked while its segment is in flight in one region: nothing is committed for data
 * not in both regions; the object ends identical in both regions, or in neither with its offset
 * uncommitted; whoever reads the partition next resumes from the committed offset and stores
 * nothing twice but as the same object.
 */
class RevocationTest {
    private static final RecordingConsumer.Commit HORIZON_ONLY = new RecordingConsumer.Commit(TP, 0, CommitMetadata.format(9));

    @TempDir
    Path spill;
    private LoopBed bed;
    private HeldPuts primaryHeld;
    private HeldPuts backupHeld;

    @AfterEach
    void close() {
        bed.close();
    }

    /** A sink that has read acme 0..9, closed it as one segment and put it in the primary, while the backup's put is held. */
    private LoopBed.Run inFlightInTheBackup(Duration revocationTimeout, boolean holdPrimaryToo) {
        bed = new LoopBed(spill);
        bed.atClose(() -> {
            backupHeld.die();
            if (primaryHeld != null) {
                primaryHeld.die();
            }
        });
        LoopBed.Run run = bed.start(holdPrimaryToo ? store -> primaryHeld = new HeldPuts(store) : healthy(),
                store -> backupHeld = new HeldPuts(store), revocationTimeout);
        run.assign(Optional.empty(), changes("acme", 0, 9));
        run.advance(FLUSH);
        backupHeld.awaitHeld(1);
        if (holdPrimaryToo) {
            primaryHeld.awaitHeld(1);
        } else {
            bed.await("the primary holds it", () -> bed.journal.first("put primary acme 0..9 WRITTEN") >= 0);
        }
        return run;
    }

    private int mark(String marker) {
        bed.journal.add(marker);
        return bed.journal.first(marker);
    }

    private List<String> since(int index) {
        List<String> all = bed.journal.entries();
        return all.subList(index, all.size());
    }

    @Test
    void aRevocationWaitsForTheSegmentInFlightAndCommitsItOnceBothRegionsHoldIt() throws Exception {
        LoopBed.Run run = inFlightInTheBackup(Duration.ofSeconds(10), false);
        CountDownLatch revoking = new CountDownLatch(1);
        run.consumer.schedulePollTask(() -> {
            revoking.countDown();
            run.consumer.rebalance(List.of()); // onPartitionsRevoked: the drain waits for the backup
            bed.journal.add("revoked");
        });
        assertThat(revoking.await(10, TimeUnit.SECONDS)).isTrue();
        backupHeld.release("acme 0..9"); // the backup gets it while the partition is being revoked
        run.awaitRound();

        Journal j = bed.journal;
        int inBackup = j.first("put backup acme 0..9 WRITTEN");
        int committed = j.first("commit p0 offset=10 ");
        int watermark = j.first("watermark acme p0 offset=10");
        assertThat(List.of(inBackup, committed, watermark)).as(j.toString()).doesNotContain(-1);
        assertThat(j.first(e -> e.startsWith("commit") && !e.startsWith("commit p0 offset=0 "))).as("nothing moved before")
                .isEqualTo(committed);
        assertThat(inBackup).isLessThan(committed);
        assertThat(watermark).as("committed and published before the partition was let go").isLessThan(j.first("revoked"));

        int reassigned = mark("--- re-assigned");
        run.assign(Optional.empty(), changes("acme", 0, 14)); // the group kept the commit: reading resumes at 10
        run.advance(FLUSH);
        backupHeld.release("acme 10..14");
        bed.await("offset 15 committed", () -> run.committed() == 15);
        assertThat(since(reassigned)).as("the horizon (9) is below the committed offset: nothing to recover")
                .noneMatch(e -> e.startsWith("list")).filteredOn(e -> e.startsWith("put"))
                .containsExactlyInAnyOrder("put primary acme 10..14 WRITTEN", "put backup acme 10..14 WRITTEN");
        assertThat(LoopBed.segments(bed.backupBucket)).containsExactly("acme 0..9", "acme 10..14");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(2);
    }

    @Test
    void aRevocationThatOutlastsItsTimeoutCommitsNothingAndTheNextOwnerStoresTheSameObject() {
        LoopBed.Run first = inFlightInTheBackup(Duration.ofMillis(200), false);
        first.onPollThread(() -> first.consumer.rebalance(List.of())); // the drain gives up after 200 ms without progress
        assertThat(first.lastCommit()).as("not in both regions: not committed").contains(HORIZON_ONLY);
        assertThat(LoopBed.segments(bed.backupBucket)).isEmpty();

        int nextOwner = mark("--- next owner");
        LoopBed.Run second = bed.start(healthy(), healthy());
        second.assign(first.lastCommit(), changes("acme", 0, 9));
        bed.await("the next owner committed 10", () -> second.committed() == 10);
        assertThat(since(nextOwner)).as("re-cut to the same key and bytes").filteredOn(e -> e.startsWith("put"))
                .containsExactlyInAnyOrder("put primary acme 0..9 ALREADY_PRESENT_IDENTICAL", "put backup acme 0..9 WRITTEN");

        backupHeld.release("acme 0..9"); // the first owner's put, still retrying, lands after all
        bed.await("the first owner's put landed", () -> bed.journal.first("put backup acme 0..9 ALREADY_PRESENT_IDENTICAL") >= 0);
        first.awaitRound();
        first.awaitRound();
        assertThat(first.running()).as("its late result is not its business any more").isTrue();
        assertThat(first.lastCommit()).contains(HORIZON_ONLY);
        assertThat(first.count("object.conflicts", "region", "backup")).isZero();
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(1);
    }

    @Test
    void aRevocationBeforeEitherRegionTookTheSegmentLeavesItInNeitherAndUncommitted() {
        LoopBed.Run first = inFlightInTheBackup(Duration.ofMillis(200), true);
        first.onPollThread(() -> first.consumer.rebalance(List.of()));
        first.shutdown.stop(); // a graceful stop owns no partition now: it ends without waiting for that segment
        assertThat(first.awaitEnd()).isNull();
        primaryHeld.die(); // the stop's bound passed: the retries are abandoned
        backupHeld.die();
        assertThat(first.lastCommit()).contains(HORIZON_ONLY);
        assertThat(LoopBed.segments(bed.primaryBucket)).isEmpty();
        assertThat(LoopBed.segments(bed.backupBucket)).isEmpty();

        LoopBed.Run second = bed.start(healthy(), healthy());
        second.assign(first.lastCommit(), changes("acme", 0, 9));
        second.advance(FLUSH);
        bed.await("the next owner committed 10", () -> second.committed() == 10);
        assertThat(LoopBed.segments(bed.primaryBucket)).containsExactly("acme 0..9");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(1);
    }
}
