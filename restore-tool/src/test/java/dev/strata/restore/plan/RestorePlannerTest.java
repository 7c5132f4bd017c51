package dev.strata.restore.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.restore.store.Region;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_000_000_000_000L; // some hour in 2026
    private final RestorePlanner planner = new RestorePlanner(Duration.ofHours(2));

    private static ListedSegment seg(long min, long max, long offset) {
        SegmentKey key = new SegmentKey(ACME, min, max, 0, offset, offset + 9);
        return new ListedSegment(BackupLayout.segment(key), key, 1000 + offset, Set.of(Region.PRIMARY, Region.BACKUP));
    }

    private static LogListing listing(boolean fromStart, Optional<Long> beyond, ListedSegment... segments) {
        return new LogListing(List.of(segments), beyond, fromStart);
    }

    @Test
    void withoutABaseItReadsEverySegmentThatBeginsByTheRestorePoint() {
        ListedSegment a = seg(T0, T0 + 10, 0);
        ListedSegment b = seg(T0 + 20, T0 + 40, 10);
        ListedSegment c = seg(T0 + 30, T0 + 35, 20);
        RestorePlan plan = planner.plan(ACME, T0 + 30, Optional.empty(), listing(true, Optional.of(T0 + 50), a, b, c));
        assertThat(plan.segments()).containsExactly(a, b, c); // b straddles the point: read, then cut per event
        assertThat(plan.bytes()).isEqualTo(1000 + 1010 + 1020);
        assertThat(plan.earliestMicros()).contains(T0);
        assertThat(plan.latestMicros()).isEmpty();
        assertThat(planner.listingStart(ACME, Optional.empty())).isEmpty();
    }

    @Test
    void withABaseItStartsTheListingEarlierByTheLongestSegmentSpanAndSkipsWhatTheBaseHolds() {
        BaseCut cut = new BaseCut(T0 + 5 * H, 77);
        Optional<ObjectKey> start = planner.listingStart(ACME, Optional.of(cut));
        // listing starts 2 h (the longest span) before the cut, a microsecond early so that >= holds
        assertThat(start).contains(BackupLayout.logStartAfter(ACME, T0 + 3 * H - 1));
        ListedSegment beforeCut = seg(T0 + 3 * H, T0 + 4 * H, 0);
        ListedSegment straddlesCut = seg(T0 + 4 * H, T0 + 5 * H + 10, 10);
        ListedSegment afterCut = seg(T0 + 5 * H + 20, T0 + 5 * H + 30, 20);
        RestorePlan plan = planner.plan(ACME, T0 + 5 * H + 25, Optional.of(cut), Set.of(beforeCut.key(), straddlesCut.key()),
                listing(false, Optional.empty(), beforeCut, straddlesCut, afterCut), List.of(), DurableBound.unproven("?"));
        assertThat(plan.segments()).containsExactly(straddlesCut, afterCut);
        assertThat(plan.base()).contains(cut);
        assertThat(plan.earliestMicros()).isEmpty();
    }

    @Test
    void readsASegmentThatEndsBeforeTheCutWhenTheBaseDidNotFoldIt() {
        BaseCut cut = new BaseCut(T0 + 5 * H, 77);
        ListedSegment folded = seg(T0 + 4 * H, T0 + 5 * H - 10, 0);
        ListedSegment durableAfterTheFold = seg(T0 + 5 * H - 5, T0 + 5 * H - 5, 10); // its commit raced the one before the cut
        ListedSegment afterCut = seg(T0 + 5 * H + 20, T0 + 5 * H + 30, 20);
        RestorePlan plan = planner.plan(ACME, T0 + 5 * H + 25, Optional.of(cut), Set.of(folded.key()),
                listing(false, Optional.empty(), folded, durableAfterTheFold, afterCut), List.of(), DurableBound.unproven("?"));
        assertThat(plan.segments()).containsExactly(durableAfterTheFold, afterCut);
    }

    @Test
    void readsALateSegmentItsNoticeNamesWhenTheBaseDidNotFoldItAndOnlyUpToTheRestorePoint() {
        BaseCut cut = new BaseCut(T0 + 5 * H, 77);
        ListedSegment afterCut = seg(T0 + 5 * H + 20, T0 + 5 * H + 30, 20);
        // redriven hours after their commit: both begin long before the listing's start (the cut minus 2 h)
        ListedSegment lateBeforeCut = seg(T0 + H, T0 + H + 10, 30);
        ListedSegment lateAfterThePoint = seg(T0 + 5 * H + 40, T0 + 5 * H + 50, 40);
        ListedSegment lateTheBaseFolded = seg(T0 + 2 * H, T0 + 2 * H + 10, 50);
        RestorePlan plan = planner.plan(ACME, T0 + 5 * H + 25, Optional.of(cut), Set.of(lateTheBaseFolded.key()),
                listing(false, Optional.empty(), afterCut), List.of(lateBeforeCut, lateAfterThePoint, lateTheBaseFolded, afterCut),
                DurableBound.unproven("?"));
        assertThat(plan.segments()).as("in key order, each once").containsExactly(lateBeforeCut, afterCut);
        assertThat(plan.firstHour()).as("its hour's manifests vouch for it").contains(lateBeforeCut.segment().hour());
        assertThat(plan.latestMicros()).as("a late segment does not move the latest point (the newest transaction listed is not shown whole)")
                .contains(T0 + 5 * H + 29);
    }

    @Test
    void choosesTheNewestBaseAtOrBeforeTheRestorePoint() {
        BaseCut early = new BaseCut(T0, 1);
        BaseCut middle = new BaseCut(T0 + H, 2);
        BaseCut late = new BaseCut(T0 + 2 * H, 3);
        assertThat(planner.chooseBase(List.of(late, early, middle), T0 + H)).contains(middle);
        assertThat(planner.chooseBase(List.of(late, early, middle), T0 - 1)).isEmpty();
    }

    @Test
    void aTimeBeforeTheFirstBackupNamesTheEarliest() {
        assertThatThrownBy(() -> planner.plan(ACME, T0 - 1, Optional.empty(), listing(true, Optional.of(T0))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("before its first backup")
                .hasMessageContaining(RestoreTime.format(T0));
    }

    @Test
    void aTimeAfterTheLatestDurablePointNamesTheLatest() {
        // without durable marks the newest transaction listed (cut T0 + 60) is not shown whole: the point stops before it
        assertThatThrownBy(() -> planner.plan(ACME, T0 + 60, Optional.empty(),
                listing(true, Optional.empty(), seg(T0, T0 + 10, 0), seg(T0 + 5, T0 + 60, 10))))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("after its latest restorable point " + RestoreTime.format(T0 + 59))
                .hasMessageContaining("not shown whole");
        RestorePlan atLatest = planner.plan(ACME, T0 + 59, Optional.empty(),
                listing(true, Optional.empty(), seg(T0, T0 + 10, 0), seg(T0 + 5, T0 + 60, 10)));
        assertThat(atLatest.latestMicros()).contains(T0 + 59);
        RestorePlan latest = planner.plan(ACME, Long.MAX_VALUE, Optional.empty(),
                listing(true, Optional.empty(), seg(T0, T0 + 10, 0), seg(T0 + 5, T0 + 60, 10)));
        assertThat(latest.untilMicros()).as("'latest' without marks").isEqualTo(T0 + 59);
    }

    @Test
    void anEmptyLogIsNothingToRestore() {
        assertThatThrownBy(() -> planner.plan(ACME, T0, Optional.empty(), listing(true, Optional.empty())))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no log segments");
    }

    @Test
    void theDurablePointBoundsTheRestorePointAndNamesWhereItComesFrom() {
        ListedSegment a = seg(T0, T0 + 10, 0);
        ListedSegment heldInOneRegion = new ListedSegment(seg(T0 + 20, T0 + 30, 10).key(), seg(T0 + 20, T0 + 30, 10).segment(), 5,
                Set.of(Region.PRIMARY));
        DurableBound durable = new DurableBound(Optional.of(T0 + 10), "newest durable mark in primary X, in backup Y", "eu");
        LogListing listed = listing(true, Optional.empty(), a, heldInOneRegion);

        assertThatThrownBy(() -> planner.plan(ACME, T0 + 11, Optional.empty(), Set.of(), listed, List.of(), durable))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("cannot restore tenant acme to " + RestoreTime.format(T0 + 11))
                .hasMessageContaining("after its durable point " + RestoreTime.format(T0 + 10) + " (newest durable mark in primary X, in backup Y)")
                .hasMessageContaining("check the sink of regime eu").hasMessageContaining("--until " + RestoreTime.format(T0 + 10));
        RestorePlan atPoint = planner.plan(ACME, T0 + 10, Optional.empty(), Set.of(), listed, List.of(), durable);
        assertThat(atPoint.segments()).as("the segment one region holds begins after the point: not read").containsExactly(a);
        assertThat(atPoint.latestMicros()).contains(T0 + 10);
        assertThat(atPoint.durable()).isEqualTo(durable);
    }

    @Test
    void aTimeAfterTheLastChangeButNotAfterTheDurablePointIsRestorable() {
        ListedSegment a = seg(T0, T0 + 10, 0);
        DurableBound idleSince = new DurableBound(Optional.of(T0 + H), "newest durable mark in primary X", "eu");

        RestorePlan plan = planner.plan(ACME, T0 + H / 2, Optional.empty(), Set.of(), listing(true, Optional.empty(), a), List.of(), idleSince);

        assertThat(plan.segments()).containsExactly(a);
        assertThat(plan.untilMicros()).isEqualTo(T0 + H / 2);
        assertThat(plan.latestMicros()).contains(T0 + H);
        assertThatThrownBy(() -> planner.plan(ACME, T0 + 20, Optional.empty(), listing(true, Optional.empty(), a)))
                .as("without durable marks the newest listed commit bounds it, as before").hasMessageContaining("after its latest restorable point");
    }

    @Test
    void aDurablePointBeforeTheFirstChangeSaysNothingIsProvenWholeYet() {
        // the first transaction's segment is durable, but nothing after it shows the transaction whole
        DurableBound beforeFirst = new DurableBound(Optional.of(T0 + 9), "newest durable mark in primary X", "eu");
        assertThatThrownBy(() -> planner.plan(ACME, T0 + 9, Optional.empty(), Set.of(), listing(true, Optional.empty(), seg(T0 + 10, T0 + 10, 0)),
                List.of(), beforeFirst))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("no transaction of it is proven whole")
                .hasMessageContaining("wait for the sink's next durable mark");
    }
}
