package dev.strata.restore.plan;

import dev.strata.restore.BadInputException;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.ObjectKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides what a restore to {@code until} reads (DESIGN.md section 7, step 1). Pure: it sees keys,
 * never bytes, so it is tested with made-up listings.
 *
 * <p>How the listing is bounded: segment keys sort by (first commit, last commit, partition,
 * offsets). The END is exact: the listing stops at the first key whose first commit is after
 * {@code until}. The START is the base's cut minus the longest segment span the sink may write,
 * because a segment that began before the cut can still hold changes after it; segments that end
 * at or before the cut are dropped by their key alone, unread. Without a base the listing starts
 * at the tenant's first segment.
 *
 * <p>A segment that ends at or before the cut is skipped only if the base folded it: one that became
 * durable after the base was made (Postgres takes a commit's timestamp before the commit record is
 * ordered, so concurrent commits can reach the log slightly out of timestamp order) is read, like
 * the sink's next base reads it. Re-reading a segment an older base folded costs time, never rows:
 * it folds to the versions the base already holds.
 *
 * <p>A segment that arrived late (a redrive hours after its commit) can begin long before the
 * listing's start although the base did not fold it: the sink names each such segment in a late
 * notice listed by arrival time, and the caller passes the segments of the notices that arrived
 * from the base's {@code lateNoticesFrom} on (earlier ones the base folded). They are chosen by the
 * same rule as listed segments, so a late change lands in its place in its row's history: the fold
 * orders by LSN, and the base's rows keep theirs.
 */
public final class RestorePlanner {
    private final Duration maxSegmentSpan;

    public RestorePlanner(Duration maxSegmentSpan) {
        this.maxSegmentSpan = Objects.requireNonNull(maxSegmentSpan, "maxSegmentSpan");
        if (maxSegmentSpan.isNegative()) {
            throw new IllegalArgumentException("maxSegmentSpan " + maxSegmentSpan + " is negative");
        }
    }

    /** The newest base whose cut is at or before {@code untilMicros}. */
    public Optional<BaseCut> chooseBase(List<BaseCut> bases, long untilMicros) {
        return bases.stream().filter(b -> b.cutCommitMicros() <= untilMicros).max(Comparator.naturalOrder());
    }

    /** Where the log listing starts: empty for the tenant's first segment. */
    public Optional<ObjectKey> listingStart(TenantId tenant, Optional<BaseCut> base) {
        if (base.isEmpty()) {
            return Optional.empty();
        }
        long from = base.get().cutCommitMicros() - maxSegmentSpan.toNanos() / 1000;
        // start-after the marker of time t yields keys with first commit >= t; one microsecond
        // earlier keeps a segment that begins exactly at the bound
        return from <= 0 ? Optional.empty() : Optional.of(BackupLayout.logStartAfter(tenant, from - 1));
    }

    /** As {@link #plan(TenantId, long, Optional, Set, LogListing)} for a plan that has no base. */
    public RestorePlan plan(TenantId tenant, long untilMicros, Optional<BaseCut> base, LogListing listing) {
        return plan(tenant, untilMicros, base, Set.of(), listing);
    }

    /** As {@link #plan(TenantId, long, Optional, Set, LogListing, List, DurableBound)} for a backup without late notices or durable marks. */
    public RestorePlan plan(TenantId tenant, long untilMicros, Optional<BaseCut> base, Set<ObjectKey> foldedByBase, LogListing listing) {
        return plan(tenant, untilMicros, base, foldedByBase, listing, List.of(), DurableBound.unproven("?"));
    }

    /**
     * A restore point is offered up to the tenant's durable point and no further (DESIGN.md section
     * 7): any time up to it is restorable, one after the tenant's last change included (nothing is
     * missing: the restore equals the state at that change). Without durable marks the bound is one
     * microsecond before the latest cut time the listing shows, which proves nothing about the other
     * region; the newest transaction is left out because nothing shows it whole (a rotation may have
     * split it, and the segment with its rest may not be stored yet).
     *
     * @param foldedByBase the segments the base's manifest says it folded
     * @param listing the regions' merged listing from {@link #listingStart}, stopped after {@code untilMicros}
     * @param late the segments named by late notices that arrived from the base's {@code lateNoticesFrom} on: they
     *     may begin long before the listing's start, and are read by the same rule as a listed segment
     * @throws BadInputException when {@code untilMicros} lies before the first backup or after the durable point
     */
    public RestorePlan plan(TenantId tenant, long untilMicros, Optional<BaseCut> base, Set<ObjectKey> foldedByBase, LogListing listing,
                            List<ListedSegment> late, DurableBound durable) {
        List<ListedSegment> listed = listing.segments();
        Optional<Long> earliest = !listing.fromStart() ? Optional.empty()
                : listed.isEmpty() ? listing.nextBeyondMicros() : Optional.of(listed.get(0).minCommitMicros());
        if (durable.proven() && untilMicros > durable.pointMicros().get()) {
            String point = RestoreTime.format(durable.pointMicros().get());
            throw new BadInputException("cannot restore tenant " + tenant + " to " + RestoreTime.format(untilMicros)
                    + ": that is after its durable point " + point + " (" + durable.source() + "), the latest time every change"
                    + " is proven to be in both regions; later changes may not be there yet. Wait for the sink to write a later"
                    + " durable mark ('restore-tool status' shows the point per region), check the sink of regime " + durable.regime()
                    + " if it does not move, or use --until " + point + " or --until latest");
        }
        // without marks, the newest transaction listed is not proven whole (the segment holding its rest may be missing yet)
        Optional<Long> latest = durable.proven() ? durable.pointMicros() : listing.moreBeyond() ? Optional.empty()
                : listed.stream().map(ListedSegment::maxCommitMicros).max(Long::compare).map(newest -> newest - 1);
        if (!durable.proven() && untilMicros == Long.MAX_VALUE && latest.isPresent()) {
            untilMicros = latest.get(); // 'latest' of a backup without marks
        }
        if (base.isEmpty() && listed.isEmpty() && !listing.moreBeyond()) {
            throw new BadInputException("tenant " + tenant + " has no log segments and no base: nothing to restore"
                    + " (is the sink running for its regime?)");
        }
        if (base.isEmpty() && earliest.isPresent() && latest.isPresent() && latest.get() < earliest.get() && untilMicros <= latest.get()) {
            throw new BadInputException("cannot restore tenant " + tenant + " yet: no transaction of it is proven whole in both regions"
                    + " (its latest restorable point " + RestoreTime.format(latest.get()) + " is before its first change at "
                    + RestoreTime.format(earliest.get()) + "); wait for the sink's next durable mark ('restore-tool status'),"
                    + " which the tenant's next change or heartbeat brings");
        }
        if (base.isEmpty() && earliest.isPresent() && untilMicros < earliest.get()) {
            throw new BadInputException("cannot restore tenant " + tenant + " to " + RestoreTime.format(untilMicros)
                    + ": that is before its first backup; the earliest restorable time is " + RestoreTime.format(earliest.get())
                    + " (use --until with that time or later)");
        }
        if (!durable.proven() && latest.isPresent() && untilMicros > latest.get()) {
            throw new BadInputException("cannot restore tenant " + tenant + " to " + RestoreTime.format(untilMicros)
                    + ": that is after its latest restorable point " + RestoreTime.format(latest.get())
                    + " (one microsecond before the newest transaction listed, which is not shown whole without a durable mark;"
                    + " later changes are not in the backup yet); use --until " + RestoreTime.format(latest.get())
                    + " or --until latest");
        }
        long cut = base.map(BaseCut::cutCommitMicros).orElse(Long.MIN_VALUE);
        Map<ObjectKey, ListedSegment> chosen = new TreeMap<>();
        for (ListedSegment s : concat(listed, late)) {
            if (s.minCommitMicros() <= untilMicros && (s.maxCommitMicros() > cut || !foldedByBase.contains(s.key()))) {
                chosen.putIfAbsent(s.key(), s);
            }
        }
        return new RestorePlan(tenant, untilMicros, base, List.copyOf(chosen.values()), earliest, latest, durable);
    }

    private static List<ListedSegment> concat(List<ListedSegment> a, List<ListedSegment> b) {
        List<ListedSegment> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
