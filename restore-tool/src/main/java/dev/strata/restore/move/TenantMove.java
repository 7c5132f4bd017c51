package dev.strata.restore.move;

import dev.strata.restore.BadInputException;
import dev.strata.restore.erase.ErasedTenants;
import dev.strata.restore.erase.TenantErasedException;
import dev.strata.restore.erase.TenantErasure;
import dev.strata.restore.kafka.PlacementDirectory;
import dev.strata.restore.ledger.ErasureLedger;
import dev.strata.restore.ledger.LedgerWriter;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.BaseListing;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.PlacementValue;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.ObjectKey;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code tenants move T --to R --with-history}: moves a tenant with its whole history from the regime it is placed in to
 * another, and leaves nothing readable behind. In order, each step safe to repeat, so an interrupted move is continued by
 * running it again:
 * <ol>
 *   <li>the router parks the tenant's changes (MOVING) and proves it ({@link MoveFence});</li>
 *   <li>the old regime's sinks store what the router sent them before ({@link SinkDrain});</li>
 *   <li>its log is read there, checked as a restore checks it, and copied into the new regime's topic, whose sinks store
 *       and seal it under the new regime's keys ({@link HistoryCopy}), then the new regime's sinks are drained too; when
 *       retention expired the log's start, the kept history starts at the oldest base, copied first as snapshot events
 *       ({@link BaseSnapshot});</li>
 *   <li>the new regime's log is read back: every change of the old one must be in it (by eventId);</li>
 *   <li>the erasure ledger is copied, so a restore from the new regime leaves the same people out;</li>
 *   <li>the tenant is erased in the old regime (tombstone naming the new regime, data keys destroyed);</li>
 *   <li>the tenant is placed in the new regime and its parked changes are redriven there.</li>
 * </ol>
 * The copy starts only once nothing more can reach the old regime, and the erasure only once the copy is checked.
 */
public final class TenantMove {
    /** What the move needs, opened by the command with the credentials of each step. */
    public record Parts(Properties kafka, KafkaSizeLimits limits, PlacementDirectory directory, RegimeStores from, RegimeStores to,
                        Supplier<LedgerWriter> ledgerOfTarget, TenantErasure erasureOfSource, Runnable redriveMoving,
                        Duration waitLimit, PrintWriter out) {
    }

    /** Rounds of copying the old regime's new segments; one is the rule, a second only after a router's late record. */
    private static final int MAX_COPY_ROUNDS = 4;

    private final Parts parts;

    public TenantMove(Parts parts) {
        this.parts = parts;
    }

    /** @param requested the tombstone the old regime gets: who, when and why, and the regime the tenant went to */
    public void move(TenantId tenant, TenantTombstone requested) throws InterruptedException {
        String from = parts.from().regime();
        String to = parts.to().regime();
        PrintWriter out = parts.out();
        Optional<TenantTombstone> erased = ErasedTenants.tombstone(parts.from(), tenant);
        boolean copiedBefore = erased.isPresent() && erased.get().movedTo().filter(to::equals).isPresent();
        if (erased.isPresent() && !copiedBefore) {
            throw new TenantErasedException(erased.get());
        }
        Optional<TenantTombstone> inTarget = ErasedTenants.tombstone(parts.to(), tenant);
        if (inTarget.isPresent()) {
            // tombstones are write-once: the target's sinks would park every copied change as ERASED, run after run
            throw new BadInputException(inTarget.get().sentence() + " in regime " + to + ", whose tombstone is write-once: that regime"
                    + " cannot hold tenant " + tenant + " again; move it to another regime");
        }
        step("1/6 the router parks tenant " + tenant + "'s changes (MOVING) and proves it");
        new MoveFence(parts.kafka(), parts.waitLimit()).close(parts.directory(), tenant, from, to);
        if (copiedBefore) {
            step("2-4/6 done before: the history was copied and checked (" + erased.get().sentence() + ")");
        } else {
            copyAndCheck(tenant, from, to);
        }
        step("5/6 erasing tenant " + tenant + " in " + from);
        TenantErasure erasure = parts.erasureOfSource();
        // the tombstone first: an erasure ledger entry added from now on goes to the new regime, then this copy of the old one
        erasure.recordTombstone(requested);
        copyLedger(tenant, to);
        TenantErasure.Outcome outcome = erasure.erase(requested);
        parts.out().printf(Locale.ROOT, "  tombstone in %s; %d data key(s) destroyed%n", from, outcome.keysDestroyed());
        if (erasure.remainingKeys(tenant).stream().anyMatch(d -> !d.keys().isEmpty())) {
            throw new IllegalStateException("tenant " + tenant + " still has data keys in " + from + " after the erasure (a sink created"
                    + " one meanwhile): run the move again; it destroys them and goes on");
        }
        step("6/6 tenant " + tenant + " is placed in " + to + "; redriving its changes parked while it moved");
        parts.directory().put(tenant.value(), PlacementValue.placed(to));
        parts.redriveMoving().run();
        out.println("moved tenant " + tenant + " from regime " + from + " to " + to + " with its history: restore it from " + to
                + " ('restore-tool replay --tenant " + tenant + " ...' finds it there)");
    }

    private void copyAndCheck(TenantId tenant, String from, String to) throws InterruptedException {
        SinkDrain drain = new SinkDrain(parts.kafka(), parts.waitLimit(), parts.out());
        step("2/6 the sinks of " + from + " store what was sent to them before");
        drain.await(from);
        Optional<BaseCut> base = Optional.empty();
        TenantLog source = new TenantLog(parts.from(), tenant);
        Optional<UtcHour> expiredBefore = source.expiredBefore();
        if (expiredBefore.isPresent()) {
            List<BaseCut> bases = BaseListing.list(parts.from(), tenant, new RegionNotes()).stream().map(BaseListing.ListedBase::cut).toList();
            base = source.firstBaseWithWholeLogAfter(bases, expiredBefore.get());
            if (base.isEmpty()) {
                throw new IllegalStateException("tenant " + tenant + "'s log in " + from + " starts after an expired part (manifests from "
                        + expiredBefore.get() + " on), but no kept base has a whole log after its cut: its history cannot be rebuilt;"
                        + " run 'restore-tool verify --tenant " + tenant + "'; the tenant stays parked as MOVING (nothing is lost)");
            }
            parts.out().println("  its log before " + RestoreTime.format(base.get().cutCommitMicros()) + " was expired: the history"
                    + " moves from the base of that cut, copied as a snapshot; the bases kept before it (daily, weekly, monthly points)"
                    + " stay behind and are erased with the rest");
        }
        step("3/6 copying tenant " + tenant + "'s history from " + from + " into " + to);
        HistoryCopy copy = new HistoryCopy(parts.kafka(), parts.limits(), parts.out());
        EventIds copiedIds = new EventIds();
        Set<ObjectKey> copied = new HashSet<>();
        for (int round = 1; ; round++) {
            // A router whose copy of the placements lagged (a rebalance at the moment of the fence) may still have sent a
            // record to the old regime: what its sinks stored since the last listing is copied by the next round.
            HistoryCopy.Copied copiedRound = copy.copy(parts.from(), tenant, to, copied, copiedIds, base);
            TenantLog.Read read = copiedRound.read();
            if (copiedRound.baseEvents() > 0) {
                parts.out().printf(Locale.ROOT, "  %,d definitions and rows of the base copied%n", copiedRound.baseEvents());
            }
            if (copiedRound.unresolved().rows() > 0) {
                parts.out().printf(Locale.ROOT, "  %,d row(s) of the base hold a value no version in the backup holds (an unchanged TOAST"
                        + " value of a row last written before the backup began): they come out NULL in %s as in %s, e.g. %s%n",
                        copiedRound.unresolved().rows(), to, from, copiedRound.unresolved().examples());
            }
            drain.await(to);
            if (read.segments().isEmpty()) {
                break;
            }
            copied.addAll(read.segments());
            copied.addAll(copiedRound.coveredByBase());
            parts.out().printf(Locale.ROOT, "  round %d: %,d segment(s), %,d bytes, %,d changes copied from %s%n", round,
                    read.segments().size(), read.bytes(), read.events(), from);
            if (round == MAX_COPY_ROUNDS) {
                throw new IllegalStateException("tenant " + tenant + "'s log in " + from + " still grew after " + MAX_COPY_ROUNDS
                        + " copies: something still sends it there; check that every router runs this version, then run the move again");
            }
            drain.await(from);
        }
        step("4/6 checking " + to + " holds every change of the history");
        EventIds stored = new EventIds();
        TenantLog.Read read = new TenantLog(parts.to(), tenant).forEach(event -> stored.add(event.getEventId()));
        int missing = copiedIds.missingFrom(stored);
        if (missing > 0) {
            throw new IllegalStateException(missing + " change(s) of tenant " + tenant + "'s history in " + from + " are not in " + to
                    + " after the copy (" + read.events() + " read there): nothing was erased; run the move again");
        }
        parts.out().printf(Locale.ROOT, "  %s holds all %,d distinct changes (%,d segment(s))%n", to, copiedIds.distinct(),
                read.segments().size());
    }

    private void copyLedger(TenantId tenant, String to) {
        List<ErasureLedger.LedgerEntry> entries = ErasureLedger.read(parts.from(), tenant, parts.out()::println).entries();
        if (entries.isEmpty()) {
            return;
        }
        try (LedgerWriter ledger = parts.ledgerOfTarget().get()) {
            entries.forEach(e -> ledger.copy(e.key(), e.entry()));
        }
        parts.out().printf(Locale.ROOT, "  copied %d erasure ledger entr%s into %s%n", entries.size(), entries.size() == 1 ? "y" : "ies",
                to);
    }

    private void step(String what) {
        parts.out().println(what);
        parts.out().flush();
    }
}
