package dev.strata.restore.replay;

import dev.strata.restore.BadInputException;
import dev.strata.restore.durable.DurablePoint;
import dev.strata.restore.durable.DurablePointSearch;
import dev.strata.restore.ledger.ErasedRows;
import dev.strata.restore.ledger.ErasureLedger;
import dev.strata.restore.plan.DurableBound;
import dev.strata.restore.plan.LsnBound;
import dev.strata.restore.plan.RecoveryTarget;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestorePlanner;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.plan.TenantTransactions;
import dev.strata.restore.plan.TransactionBound;
import dev.strata.restore.store.BaseListing;
import dev.strata.restore.store.DaemonPool;
import dev.strata.restore.store.LateListing;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.target.ReplayTarget;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.ObjectKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * One tenant's restore to one point (DESIGN.md section 7): plan, verify, fold, load. Nothing
 * reaches the target before every planned object has been read and matched its checksum, so a
 * tampered object stops the restore before the target is touched.
 *
 * <p>Bases: the plan takes the newest complete base (one with a {@code base.manifest}) whose cut is
 * at or before the restore point; its table objects are fetched and verified first, then the log
 * after the cut is folded, and the base's rows are read during the load: a row whose key the log
 * did not change goes straight to the target, the others are folded with the log's changes of
 * their key ({@link VerifiedBase}). Segments straddling the cut are read whole: what they hold up
 * to the cut is already in the base at the same position in the log, so folding it again changes
 * nothing.
 */
public final class Replay {
    private static final ExecutorService LEDGER_READER = DaemonPool.of("erasure-ledger-read", 1);

    private final RegimeStores stores;
    private final ReplayOptions options;
    private final Clock clock;
    private final Progress progress;
    private final RegionNotes notes = new RegionNotes();
    private final BaseRead baseRead;
    private final Map<BaseCut, BaseInputs> baseInputs = new HashMap<>();
    private boolean baseFetchedWhilePlanning;
    private final PlanManifests planManifests;

    public Replay(RegimeStores stores, ReplayOptions options, Clock clock, Progress progress) {
        this.stores = stores;
        this.options = options;
        this.clock = clock;
        this.progress = progress;
        this.baseRead = new BaseRead(new ObjectFetcher(stores, notes), options.memory().spillDir());
        this.planManifests = new PlanManifests(stores, notes);
    }

    /**
     * For a plan that {@link #run} follows (not a dry run): the base a plan is likely to take is
     * fetched and verified while the plan waits on the store (the durable marks, the base's manifests),
     * instead of after it. {@link #run} takes the fetch, or discards it when it plans another base.
     */
    public Replay withBaseFetchedWhilePlanning() {
        baseFetchedWhilePlanning = true;
        return this;
    }

    /**
     * Lists and plans; {@code until} is an ISO-8601 time or {@value RestoreTime#LATEST}, the tenant's
     * durable point ({@link DurablePoint}). A backup without durable marks is planned as before they
     * existed (latest = one microsecond before the newest cut time either region lists: that
     * transaction is not shown whole), with a note that nothing is proven.
     */
    public RestorePlan plan(TenantId tenant, String until) {
        return plan(tenant, until, Long.MAX_VALUE);
    }

    /** As {@link #plan(TenantId, String)}, from a base only if its cut is at or before {@code baseCutNoLaterThanMicros}. */
    public RestorePlan plan(TenantId tenant, String until, long baseCutNoLaterThanMicros) {
        boolean latest = RestoreTime.LATEST.equalsIgnoreCase(until.trim());
        long requested = latest ? Long.MAX_VALUE : RestoreTime.parse(until);
        try {
            DurablePointSearch search = DurablePointSearch.start(stores, tenant, RestoreTime.micros(clock.instant()));
            RestorePlanner planner = new RestorePlanner(options.maxSegmentSpan());
            Early early;
            try {
                early = readEarly(tenant, requested, baseCutNoLaterThanMicros, search, planner);
            } catch (RuntimeException e) {
                durableBound(tenant, search); // a durable point that cannot be read is the first thing a restore reports, as before
                throw e;
            }
            List<BaseCut> bases = early.bases();
            DurableBound durable = durableBound(tenant, search);
            if (!durable.proven()) {
                notes.note("tenant " + tenant + " has no durable mark in regime " + stores.regime() + " (a backup written before the sinks"
                        + " wrote them, or a sink older than this tool): " + (latest ? "'latest' is" : "the restore point is bounded by")
                        + " one microsecond before the newest transaction either region lists (not shown whole), NOT proven to be in both regions");
            }
            // without marks the planner bounds 'latest' (Long.MAX_VALUE) to before the newest transaction listed
            long untilMicros = latest ? durable.pointMicros().orElse(Long.MAX_VALUE) : requested;
            Optional<BaseCut> base = planner.chooseBase(bases, Math.min(untilMicros, baseCutNoLaterThanMicros));
            LogListing listing = base.equals(early.likelyBase()) ? early.likelyLog().upTo(untilMicros)
                    : LogListing.list(stores, tenant, planner.listingStart(tenant, base), untilMicros, notes);
            RestorePlan plan = plan(tenant, untilMicros, false, baseCutNoLaterThanMicros, durable, bases, Optional.of(listing));
            if (!plan.base().equals(early.likelyBase())) {
                baseRead.discardPrefetch(); // the durable point ruled the likely base out: rare, a base cut after the newest mark
            }
            return plan;
        } catch (RuntimeException e) {
            baseRead.discardPrefetch();
            throw e;
        }
    }

    /**
     * A restore to a transaction id or an LSN (PostgreSQL's recovery_target_xid and _lsn, inclusive), decided from the tenant's transactions up to its durable point ({@link TransactionIndex}:
     * the whole log is read once first): the plan to the bound's cut time, from a base cut before it
     * (one at that cut time may hold a transaction committed after the bound), and the transactions run must leave out.
     */
    public BoundedPlan plan(TenantId tenant, RecoveryTarget target) {
        if (target instanceof RecoveryTarget.Time time) {
            return new BoundedPlan(plan(tenant, time.text()), TransactionFilter.ALL, Optional.empty());
        }
        RestorePlan whole = new Replay(stores, options, clock, Progress.NONE).plan(tenant, RestoreTime.LATEST, Long.MIN_VALUE);
        TenantTransactions transactions = TransactionIndex.read(stores, whole);
        TransactionBound bound = target instanceof RecoveryTarget.Lsn lsn ? LsnBound.toLsn(tenant, transactions, lsn.lsn())
                : TransactionBound.toXid(tenant, transactions.transactions(), ((RecoveryTarget.Xid) target).xid());
        RestorePlan plan = plan(tenant, RestoreTime.format(bound.cutMicros()), bound.cutMicros() - 1);
        return new BoundedPlan(plan, bound.filter(), Optional.of(bound.describe()));
    }

    /** A plan, the transactions to keep, and what bounded it when not a time. */
    public record BoundedPlan(RestorePlan plan, TransactionFilter transactions, Optional<String> bound) {
    }

    /**
     * Every segment either region lists, up to the newest, whatever the durable point: for a search
     * that then waits for the durable point to cover what it found (a drill's newest checkpoint),
     * never for a restore.
     */
    public RestorePlan planNewestListed(TenantId tenant, long baseCutNoLaterThanMicros) {
        return plan(tenant, Long.MAX_VALUE, true, baseCutNoLaterThanMicros, DurableBound.unproven(stores.regime()), listBases(tenant),
                Optional.empty());
    }

    private RestorePlan plan(TenantId tenant, long requestedMicros, boolean toNewestListed, long baseCutNoLaterThanMicros,
                             DurableBound durable, List<BaseCut> bases, Optional<LogListing> listed) {
        RestorePlanner planner = new RestorePlanner(options.maxSegmentSpan());
        long untilMicros = requestedMicros;
        Optional<BaseCut> base = planner.chooseBase(bases, Math.min(untilMicros, baseCutNoLaterThanMicros));
        LogListing listing = listed.orElseGet(() -> LogListing.list(stores, tenant, planner.listingStart(tenant, base), requestedMicros, notes));
        DurableBound bound = durable;
        if (toNewestListed && untilMicros == Long.MAX_VALUE) {
            untilMicros = listing.segments().stream().map(ListedSegment::maxCommitMicros).max(Long::compare)
                    .or(() -> base.map(BaseCut::cutCommitMicros))
                    .orElseThrow(() -> new BadInputException("tenant " + tenant + " has no log segments in regime "
                            + stores.regime() + ": there is no latest point to restore to"));
            // a search to the newest listed segment, its last transaction whole or not: bounded by what it found
            bound = new DurableBound(Optional.of(untilMicros), "the newest segment listed", stores.regime());
        }
        Optional<BaseInputs> inputs = base.map(b -> baseInputs(tenant, b, bases));
        Set<ObjectKey> foldedByBase = inputs.map(BaseInputs::folded).orElse(Set.of());
        List<ListedSegment> late = inputs.map(BaseInputs::late).orElse(List.of());
        return planner.plan(tenant, untilMicros, base, foldedByBase, listing, late, bound);
    }

    /** What a plan reads while the durable marks are searched: the bases, the one a restore to the newest point takes, the log after it. */
    private record Early(List<BaseCut> bases, Optional<BaseCut> likelyBase, LogListing likelyLog) {
    }

    /**
     * Reads what a plan needs whatever the durable point turns out to be, while the marks are searched, and gives the
     * search the better guesses it learns: the newest base's cut (a base is cut at a point its sink had marked durable:
     * the newest mark is at or after it, often just after it) and the newest segment listed (a live tenant's newest mark
     * is within seconds of its last change). The log is listed to the requested time, to the newest segment for 'latest'.
     */
    private Early readEarly(TenantId tenant, long requested, long baseCutNoLaterThanMicros, DurablePointSearch search,
                            RestorePlanner planner) {
        List<BaseCut> bases = listBases(tenant);
        bases.stream().max(Comparator.naturalOrder()).ifPresent(newest -> search.alsoFrom(newest.cutCommitMicros()));
        Optional<BaseCut> likelyBase = planner.chooseBase(bases, Math.min(requested, baseCutNoLaterThanMicros));
        if (baseFetchedWhilePlanning) {
            likelyBase.ifPresent(b -> baseRead.prefetch(tenant, b, options.tables()));
        }
        LogListing likelyLog = LogListing.list(stores, tenant, planner.listingStart(tenant, likelyBase), requested, notes);
        likelyLog.segments().stream().map(ListedSegment::maxCommitMicros).max(Long::compare).ifPresent(search::alsoFrom);
        likelyBase.ifPresent(b -> baseInputs(tenant, b, bases));
        return new Early(bases, likelyBase, likelyLog);
    }

    /**
     * @param folded the segments the base and the ancestors in the listing window folded
     * @param late the segments that arrived late, after the base was folded: they lie before the listing's start, their notices name them
     */
    private record BaseInputs(Set<ObjectKey> folded, List<ListedSegment> late) {
    }

    /** What the plan reads of a base, read once per base (a plan reads it while the durable marks are searched). */
    private BaseInputs baseInputs(TenantId tenant, BaseCut base, List<BaseCut> bases) {
        return baseInputs.computeIfAbsent(base, b -> new BaseInputs(
                baseRead.foldedSince(tenant, b, b.cutCommitMicros() - options.maxSegmentSpan().toNanos() / 1000, Set.copyOf(bases)),
                LateListing.since(stores, tenant, baseRead.manifest(tenant, b).lateNoticesFrom().orElse(0L), notes)));
    }

    private List<BaseCut> listBases(TenantId tenant) {
        return BaseListing.list(stores, tenant, notes).stream().map(BaseListing.ListedBase::cut).toList();
    }

    /** The tenant's durable point alone, from its durable marks (no listing of the log): what a wait for it polls. */
    public DurableBound durable(TenantId tenant) {
        return durableBound(tenant, DurablePointSearch.start(stores, tenant, RestoreTime.micros(clock.instant())));
    }

    /** The durable point from the marks of the regions that answered; when neither answered, the restore cannot go on. */
    private DurableBound durableBound(TenantId tenant, DurablePointSearch search) {
        DurablePoint point = search.await();
        if (point.unreadable().reasons().size() == stores.regions().size()) {
            throw point.unreadable().noRegionAnswered("read the durable marks of tenant " + tenant);
        }
        point.unreadable().reasons().forEach(r -> notes.note("could not read the durable marks of " + r + "; used the other region's"));
        return new DurableBound(point.point(), point.describe(), stores.regime());
    }

    public ReplaySummary run(RestorePlan plan, ReplayTarget target) {
        return run(plan, target, TransactionFilter.ALL);
    }

    /** Restores only the transactions {@code transactions} includes (a drill: those visible in a snapshot). */
    public ReplaySummary run(RestorePlan plan, ReplayTarget target, TransactionFilter transactions) {
        return run(plan, target, transactions, KeyFilter.ALL);
    }

    /**
     * Restores only the keys {@code keys} names (a rollback of the keys changed since its point): the log's
     * other keys are dropped before the fold, and the log is read newest segment first, only until the
     * changes read settle every key ({@link KeySettlement}); the base, when still needed then, is folded
     * whole (its rows are filtered at the target).
     */
    public ReplaySummary run(RestorePlan plan, ReplayTarget target, TransactionFilter transactions, KeyFilter keys) {
        Instant start = clock.instant();
        Phases phases = new Phases(clock);
        ShapeCatalog catalog = new ShapeCatalog();
        DefinitionHistory definitions = new DefinitionHistory();
        TableFilter tables = TableFilter.of(options.tables(), catalog);
        Set<String> tenantTables = new HashSet<>();
        Optional<KeySettlement> settlement = keys.settlement(options.tables());
        BaseRead.PendingBase pending = null;
        VerifiedBase base = null;
        try (ChangeFolder folder = new ChangeFolder(catalog, options.memory())) {
            keys.foldGiven(folder, catalog, options.tables(), tenantTables);
            // the base's table objects are fetched and verified while the ledger, the manifests and the log after the cut are
            // read: the target is touched only after every one matched its manifest (the load waits for them)
            if (plan.base().isPresent() && settlement.isEmpty()) {
                pending = baseRead.startFetch(plan.tenant(), plan.base().get(), catalog, folder, definitions, progress, options.tables(),
                        tenantTables);
            } else {
                baseRead.discardPrefetch();
            }
            // the ledger is read beside the manifests; both before anything is loaded
            CompletableFuture<ErasureLedger> ledgerRead = CompletableFuture.supplyAsync(
                    () -> ErasureLedger.read(stores, plan.tenant(), notes::note), LEDGER_READER);
            ManifestIndex manifests;
            try {
                manifests = planManifests.of(plan);
            } catch (RuntimeException e) {
                DaemonPool.join(ledgerRead); // a ledger that cannot be read is reported first, as when it was read first
                throw e;
            }
            ErasureLedger ledger = DaemonPool.join(ledgerRead);
            phases.end("manifests");
            progress.planned(plan.segments().size(), plan.bytes());
            long[] counts = new long[3];
            int unread = 0;
            // newest first for every read, not only one that may stop early: the fold keeps a key's newest version at its
            // first sight and refuses each older one at the probe, instead of appending every version to its arena
            List<ListedSegment> segments = newestFirst(plan.segments());
            if (manifests != null) {
                SegmentPipeline pipeline = new SegmentPipeline(new ObjectFetcher(stores, notes), manifests,
                        new SegmentFold(plan.tenant(), catalog, plan.untilMicros(), transactions, definitions), folder, options.readers(),
                        tables, keys, catalog);
                unread = pipeline.run(segments, batch -> {
                    counts[0] += batch.events();
                    counts[1] += batch.afterUntil();
                    counts[2] += batch.sealed() ? 0 : 1;
                    progress.objectRead(batch.bytes(), batch.events());
                }, settlement.orElse(null), definitions);
            }
            phases.end("read+fold");
            if (pending != null) {
                base = pending.await();
                pending = null;
                phases.end("base");
            }
            if (settlement.isPresent()) {
                KeySettlement settled = settlement.get();
                boolean baseNeeded = plan.base().isPresent() && unread == 0
                        && !settled.restNotNeeded(plan.base().get().cutCommitMicros(), definitions);
                if (baseNeeded) {
                    foldBase(plan, catalog, folder, definitions, tenantTables);
                    phases.end("base");
                }
                if (unread > 0 || (plan.base().isPresent() && !baseNeeded)) {
                    notes.note("the log was read newest first for the keys asked: " + settled.segmentsRead() + " of " + segments.size()
                            + " segment(s) read" + (plan.base().isPresent() && !baseNeeded ? ", and not the base" : "")
                            + "; what was not read is older than each key's last change up to the point");
                }
            }
            tables.addSeenTo(tenantTables);
            Loader.Result loaded = new Loader(catalog, folder, definitions, progress, new ErasedRows(ledger.erasures()))
                    .load(plan, target, options.force(), notes, new Loader.Selected(options.tables(), tenantTables), Optional.ofNullable(base));
            phases.end("load");
            progress.finished();
            return new ReplaySummary(plan, target.describe(), loaded.rowsPerTable(), loaded.tombstones(), counts[0], counts[1],
                    counts[2], notes.objectsFrom(Region.PRIMARY), notes.objectsFrom(Region.BACKUP), folder.stats(), loaded.ledger(), notes.notes(),
                    Duration.between(start, clock.instant()), phases.toString());
        } finally {
            baseRead.discardPrefetch(); // none left unless a failure came before the base was asked for
            if (pending != null) {
                pending.discard();
            }
            if (base != null) {
                base.close();
            }
        }
    }

    private void foldBase(RestorePlan plan, ShapeCatalog catalog, ChangeFolder folder, DefinitionHistory definitions, Set<String> tenantTables) {
        baseRead.fold(plan.tenant(), plan.base().get(), catalog, folder, definitions, progress, options.tables(), tenantTables);
    }

    /**
     * By the newest cut time each holds, newest first: what a read that may stop early reads first, and what spares a
     * whole read's fold the older versions.
     */
    private static List<ListedSegment> newestFirst(List<ListedSegment> segments) {
        return segments.stream().sorted(Comparator.comparingLong(ListedSegment::maxCommitMicros).reversed()).toList();
    }

    public List<String> notes() {
        return notes.notes();
    }

    /**
     * Starts reading the manifests {@link #run} of {@code plan} needs, while the caller does other work first (a rollback
     * reads the log after its point before it knows which keys to stage): the run takes them, or a failure to read them.
     */
    public void readManifestsAhead(RestorePlan plan) {
        planManifests.readAhead(plan);
    }
}
