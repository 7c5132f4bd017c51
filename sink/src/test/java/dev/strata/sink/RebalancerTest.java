package dev.strata.sink;

import static dev.strata.sink.LoopBed.COMMIT_MICROS;
import static dev.strata.sink.LoopBed.FLUSH;
import static dev.strata.sink.LoopBed.TP;
import static dev.strata.sink.LoopBed.TP1;
import static dev.strata.sink.LoopBed.change;
import static dev.strata.sink.LoopBed.changes;
import static dev.strata.sink.LoopBed.healthy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.ownership.Lease;
import dev.strata.sink.ownership.PartitionMovedException;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.sink.segment.ClosedSegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partitions coming and going on the poll thread: epochs, where reading resumes, recovery from the buckets, losses. */
class RebalancerTest {
    /** What the Rebalancer keeps for one partition. */
    record Kept(long epoch, long committed, long horizon) {
    }

    @TempDir
    Path spill;
    private LoopBed bed;
    private HeldPuts backupHeld;
    private final AtomicReference<Map<Integer, Kept>> kept = new AtomicReference<>();

    @AfterEach
    void close() {
        bed.close();
    }

    private LoopBed.Run start(Duration revocationTimeout, boolean holdBackup) {
        bed = new LoopBed(spill);
        bed.atClose(() -> {
            if (backupHeld != null) {
                backupHeld.die();
            }
        });
        return bed.start(healthy(), holdBackup ? store -> backupHeld = new HeldPuts(store) : healthy(), revocationTimeout);
    }

    /** Runs a rebalance to {@code assignment} on the poll thread, then notes what the Rebalancer keeps. */
    private Map<Integer, Kept> rebalance(LoopBed.Run run, List<TopicPartition> assignment) {
        run.onPollThread(() -> {
            run.consumer.rebalance(assignment);
            note(run);
        });
        return kept.get();
    }

    /** On the poll thread, which owns the Rebalancer's state. */
    private void note(LoopBed.Run run) {
        Map<Integer, Kept> now = new TreeMap<>();
        run.loop.rebalancer().partitions().forEach((n, p) -> now.put(n, new Kept(p.epoch, p.committed, p.horizon)));
        kept.set(now);
    }

    @Test
    void eachAssignmentGetsANewEpochAndResumesAtItsCommittedOffsetAndHorizon() {
        LoopBed.Run run = start(Duration.ofSeconds(10), false);
        run.onPollThread(() -> {
            run.consumer.updateBeginningOffsets(Map.of(TP, 0L, TP1, 0L));
            run.consumer.restore(new RecordingConsumer.Commit(TP1, 3, CommitMetadata.format(7))); // an earlier owner's
        });

        Map<Integer, Kept> both = rebalance(run, List.of(TP, TP1));
        assertThat(both.get(0)).as("never committed: from the beginning, nothing to recover").extracting(Kept::committed, Kept::horizon)
                .containsExactly(0L, -1L);
        assertThat(both.get(1)).extracting(Kept::committed, Kept::horizon).containsExactly(3L, 7L);
        assertThat(both.get(0).epoch()).isNotEqualTo(both.get(1).epoch());

        Map<Integer, Kept> one = rebalance(run, List.of(TP1));
        assertThat(one).containsOnlyKeys(1).containsEntry(1, both.get(1));

        Map<Integer, Kept> again = rebalance(run, List.of(TP, TP1));
        assertThat(again.get(1)).as("kept through the rebalance").isEqualTo(both.get(1));
        assertThat(again.get(0).epoch()).as("a new generation").isGreaterThan(Math.max(both.get(0).epoch(), both.get(1).epoch()));
    }

    @Test
    void aNewlyAssignedPartitionIsRecoveredFromBothRegionsListingEachTenantOnce() {
        LoopBed.Run run = start(Duration.ofSeconds(10), false);
        // an earlier owner stored acme 0..4 in both regions and 5..9 in the primary only, then died (committed 0, horizon 9)
        put(Segments.of("acme", 0, 4, COMMIT_MICROS), true, true);
        put(Segments.of("acme", 5, 9, COMMIT_MICROS + 5), true, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(changes("acme", 0, 9));
        records.addAll(changes("globex", 10, 12)); // past the horizon: nobody stored it, nothing to look up
        run.assign(Optional.of(new RecordingConsumer.Commit(TP, 0, CommitMetadata.format(9))), records);
        run.advance(FLUSH);
        bed.await("offset 13 committed", () -> run.committed() == 13);

        assertThat(bed.journal.entries()).filteredOn(e -> e.startsWith("list")).as("acme once per region, globex never")
                .containsExactlyInAnyOrder("list primary strata/v1/tenants/acme/log/", "list backup strata/v1/tenants/acme/log/");
        assertThat(run.count("events.already.durable")).as("0..4: in both regions, skipped").isEqualTo(5);
        assertThat(bed.journal.entries()).filteredOn(e -> e.startsWith("put")).containsExactlyInAnyOrder(
                "put primary acme 0..4 WRITTEN", "put backup acme 0..4 WRITTEN", "put primary acme 5..9 WRITTEN", // the earlier owner's
                "put primary acme 5..9 ALREADY_PRESENT_IDENTICAL", "put backup acme 5..9 WRITTEN",
                "put primary globex 10..12 WRITTEN", "put backup globex 10..12 WRITTEN");
        assertThat(LoopBed.segments(bed.primaryBucket)).containsExactlyInAnyOrder("acme 0..4", "acme 5..9", "globex 10..12");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(3);
    }

    /** Stores {@code plain} as the earlier owner (a sealing sink with the same key store) stored it. */
    private void put(ClosedSegment plain, boolean inPrimary, boolean inBackup) {
        ClosedSegment segment = plain.sealedWith(bed.bodies);
        ObjectStore primary = new JournaledStore(bed.primaryBucket.store(VersionPolicy.LATEST_VERSION), "primary", bed.journal);
        ObjectStore backup = new JournaledStore(bed.backupBucket.store(VersionPolicy.LATEST_VERSION), "backup", bed.journal);
        if (inPrimary) {
            primary.putIfAbsent(segment.key(), segment.bytes(), segment.sha256());
        }
        if (inBackup) {
            backup.putIfAbsent(segment.key(), segment.bytes(), segment.sha256());
        }
    }

    @Test
    void aPartitionRevokedMidRecoveryLeavesItsUnfinishedReCutToWhoeverReadsItNext() {
        LoopBed.Run run = start(Duration.ofSeconds(10), false);
        put(Segments.of("acme", 0, 9, COMMIT_MICROS), true, false);
        RecordingConsumer.Commit earlier = new RecordingConsumer.Commit(TP, 0, CommitMetadata.format(9));
        run.assign(Optional.of(earlier), changes("acme", 0, 4)); // the re-cut of 0..9 is half done
        rebalance(run, List.of());

        assertThat(run.lastCommit()).as("the unfinished re-cut keeps its hold: nothing committed").isEmpty();
        assertThat(LoopBed.segments(bed.backupBucket)).as("no 0..4 cut over the earlier 0..9").isEmpty();

        rebalance(run, List.of(TP));
        run.read(changes("acme", 0, 9));
        bed.await("offset 10 committed", () -> run.committed() == 10);
        assertThat(LoopBed.segments(bed.primaryBucket)).containsExactly("acme 0..9");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(1);
    }

    @Test
    void aStaleUploadOfAnEarlierAssignmentReleasesNothingOfTheNextOne() {
        LoopBed.Run run = start(Duration.ofMillis(200), true);
        run.assign(Optional.empty(), changes("acme", 0, 9));
        run.advance(FLUSH);
        backupHeld.awaitHeld(1); // the first assignment's segment, in the primary, held for the backup
        rebalance(run, List.of()); // the revocation gives up waiting for it
        Map<Integer, Kept> second = rebalance(run, List.of(TP));
        run.read(changes("acme", 0, 9)); // recovery re-cuts 0..9: the same object, held for the backup too
        backupHeld.awaitHeld(2);

        backupHeld.releaseNext(); // the first assignment's put lands: a stale result
        bed.await("the stale result applied", () -> run.registry.get(SinkMetrics.PREFIX + "commit.to.durable").timer().count() == 1);
        run.awaitRound();
        run.awaitRound();
        assertThat(run.running()).isTrue();
        assertThat(run.committed()).as("epoch %s waits for its own upload", second.get(0).epoch()).isZero();

        backupHeld.releaseNext();
        bed.await("offset 10 committed", () -> run.committed() == 10);
        assertThat(run.running()).isTrue();
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(1);
    }

    @Test
    void aLostPartitionIsDroppedWithoutACommitAndItsOpenSegmentWithIt() {
        LoopBed.Run run = start(Duration.ofSeconds(10), false);
        run.assign(Optional.empty(), List.of(change("acme", 0), change("acme", 1)));
        run.onPollThread(() -> {
            run.loop.rebalancer().onPartitionsLost(List.of(TP)); // the group moved on without this sink
            run.consumer.rebalance(List.of());
            note(run);
        });
        run.advance(FLUSH);
        run.shutdown.stop();

        assertThat(run.awaitEnd()).isNull();
        assertThat(kept.get()).isEmpty();
        assertThat(run.consumer.commits()).as("its new owner reads from the last commit").isEmpty();
        assertThat(LoopBed.segments(bed.primaryBucket)).isEmpty();
        assertThat(LoopBed.segments(bed.backupBucket)).isEmpty();
    }

    @Test
    void anAssignedPartitionsTenantsContinueFromTheWatermarksAnotherInstancePublishedAndItsTenantWorkBecomesThisOnes() {
        LoopBed.Run run = start(Duration.ofSeconds(10), false);
        Watermark.ManifestHead head = new Watermark.ManifestHead(BackupLayout.manifest(new ManifestKey(TenantId.of("acme"),
                UtcHour.containing(COMMIT_MICROS), 2)),
                Sha256.of(new byte[] {1}));
        Watermark byOther = new Watermark(TenantId.of("acme"), "eu", COMMIT_MICROS + 500, 7, LoopBed.TOPIC, 0, 40, COMMIT_MICROS,
                Optional.of(head));
        Watermark elsewhere = new Watermark(TenantId.of("globex"), "eu", COMMIT_MICROS + 900, 9, LoopBed.TOPIC, 1, 50, COMMIT_MICROS,
                Optional.empty());
        run.published.put(byOther.tenant(), byOther);
        run.published.put(elsewhere.tenant(), elsewhere);
        run.watermarks.seed(Map.of(byOther.tenant(), new Watermark(byOther.tenant(), "eu", COMMIT_MICROS, 3, LoopBed.TOPIC, 0, 20,
                COMMIT_MICROS, Optional.empty()))); // what this instance knew when it started
        run.onPollThread(() -> run.consumer.updateBeginningOffsets(Map.of(TP, 0L)));

        rebalance(run, List.of(TP));

        assertThat(run.watermarks.current(byOther.tenant())).as("the other instance's durable point and chain head").contains(byOther);
        assertThat(run.watermarks.current(elsewhere.tenant())).as("partition 1 is not this instance's").isEmpty();
        assertThat(run.ownership.owns(0)).isTrue();
        assertThat(run.ownership.lease(1)).as("no seal or base of partition 1's tenants here").isEmpty();
    }

    @Test
    void aRevocationClosesTheOpenSegmentsStoresThemInBothRegionsAndCommitsBeforeLettingGo() {
        LoopBed.Run run = start(Duration.ofSeconds(10), false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(changes("acme", 0, 5));
        records.addAll(changes("globex", 6, 9));
        run.assign(Optional.empty(), records); // no time passes: both segments are open, none is due by age
        assertThat(LoopBed.segments(bed.primaryBucket)).as("nothing stored before the revocation").isEmpty();

        run.onPollThread(() -> {
            run.consumer.rebalance(List.of());
            bed.journal.add("revoked");
        });

        assertThat(run.count("rotations", "reason", "REVOCATION")).isEqualTo(2);
        assertThat(LoopBed.segments(bed.backupBucket)).containsExactlyInAnyOrder("acme 0..5", "globex 6..9");
        assertThat(bed.assertIdenticalInBothRegions()).isEqualTo(2);
        int committed = bed.journal.first("commit p0 offset=10 ");
        assertThat(committed).as(bed.journal.toString()).isNotNegative().isLessThan(bed.journal.first("revoked"));
        assertThat(bed.journal.first("put backup globex 6..9 WRITTEN")).isLessThan(committed);
    }

    @Test
    void aRevokedPartitionsTenantWorkStopsBeforeItsNextWrite() {
        LoopBed.Run run = start(Duration.ofMillis(300), false);
        run.onPollThread(() -> run.consumer.updateBeginningOffsets(Map.of(TP, 0L, TP1, 0L)));
        rebalance(run, List.of(TP, TP1));
        Lease fold = run.ownership.lease(0).orElseThrow(); // a base fold of a tenant of partition 0, under way
        fold.check("folding the first segment");

        rebalance(run, List.of(TP1)); // the revocation waits for it up to the timeout, then lets go

        assertThatThrownBy(() -> fold.check("storing base x")).isInstanceOf(PartitionMovedException.class);
        assertThat(run.ownership.lease(0)).as("no new seal or fold of partition 0's tenants").isEmpty();
        assertThat(run.ownership.lease(1)).as("partition 1 stays this instance's").isPresent();
        fold.close();
    }
}
