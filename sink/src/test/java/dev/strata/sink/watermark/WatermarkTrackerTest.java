package dev.strata.sink.watermark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tenant's point advances only to whole transactions: a segment proves its last cut time only when a greater one follows it. */
class WatermarkTrackerTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final WatermarkTracker tracker = new WatermarkTracker();

    @Test
    void aSegmentEndingInsideATransactionProvesOnlyTheMicrosecondBefore() {
        // transaction at cut 100 split by a rotation: offsets 0-1 in one segment, offset 2 in the next
        read(ACME, 0, 100);
        read(ACME, 1, 100);
        read(ACME, 2, 100);
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 1, 100, 7));

        assertThat(tracker.committed(0, 2)).containsEntry(ACME, new WatermarkTracker.Advance(99, 7));
    }

    @Test
    void aSegmentFollowedByAGreaterCutProvesItsLastCut() {
        read(ACME, 0, 100);
        read(ACME, 1, 100);
        read(ACME, 2, 101);
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 1, 100, 7));

        assertThat(tracker.committed(0, 2)).containsEntry(ACME, new WatermarkTracker.Advance(100, 7));
    }

    @Test
    void aGreaterCutAfterTheRestOfTheTransactionDoesNotProveTheFirstPart() {
        read(ACME, 0, 100); // first part, segment 1
        read(ACME, 1, 100); // rest, segment 2, not durable
        read(ACME, 2, 101);
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 0, 100, 7));

        assertThat(tracker.committed(0, 1)).containsEntry(ACME, new WatermarkTracker.Advance(99, 7));
    }

    @Test
    void anInvertedTransactionWithTheSameCutKeepsTheCutOpen() {
        // a commit time below the running maximum gets the same cut time: the segment before it does not end the cut
        read(ACME, 0, 100);
        read(ACME, 1, 100);
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 0, 100, 7));

        assertThat(tracker.committed(0, 1)).containsEntry(ACME, new WatermarkTracker.Advance(99, 7));
    }

    @Test
    void anotherTenantsRecordsProveNothing() {
        read(ACME, 0, 100);
        read(GLOBEX, 1, 200);
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 0, 100, 7));

        assertThat(tracker.committed(0, 2)).containsEntry(ACME, new WatermarkTracker.Advance(99, 7));
    }

    @Test
    void aHeartbeatProvesItsCutOnceAGreaterOneFollows() {
        tracker.heartbeat(0, ACME, 0, 100, 7);
        assertThat(tracker.committed(0, 1)).containsEntry(ACME, new WatermarkTracker.Advance(99, 7));

        tracker.heartbeat(0, ACME, 1, 150, 8);
        read(ACME, 2, 151);
        Map<TenantId, WatermarkTracker.Advance> advances = tracker.committed(0, 3);
        assertThat(advances).containsEntry(ACME, new WatermarkTracker.Advance(150, 8));
    }

    @Test
    void theNextPieceMovesThePointOnWhenTheBoundaryWasLearnedAfterTheCommit() {
        read(ACME, 0, 100);
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 0, 100, 7));
        assertThat(tracker.committed(0, 1)).containsEntry(ACME, new WatermarkTracker.Advance(99, 7));

        read(ACME, 1, 105);
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 1, 105, 9));
        assertThat(tracker.committed(0, 2)).containsEntry(ACME, new WatermarkTracker.Advance(104, 9));
    }

    @Test
    void aRevokedPartitionForgetsWhatItRead() {
        read(ACME, 0, 100);
        tracker.revoked(0);
        read(ACME, 1, 101); // a new assignment starts afresh: offset 0 is not known to end its cut
        tracker.durable(0, new WatermarkTracker.Piece(ACME, 0, 100, 7));

        assertThat(tracker.committed(0, 1)).containsEntry(ACME, new WatermarkTracker.Advance(99, 7));
    }

    private void read(TenantId tenant, long offset, long cut) {
        tracker.read(0, tenant, offset, cut);
    }
}
