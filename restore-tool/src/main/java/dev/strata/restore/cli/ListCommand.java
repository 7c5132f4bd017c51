package dev.strata.restore.cli;

import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.ledger.ErasureLedger;
import dev.strata.restore.durable.DurablePoint;
import dev.strata.restore.plan.RecoveryTarget;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.Progress;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplayOptions;
import dev.strata.schemas.fold.FoldMemory;
import java.nio.file.Path;
import dev.strata.restore.store.BaseSummary;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.store.StoreFailures;
import dev.strata.restore.store.TenantDirectory;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.store.failure.StoreException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import dev.strata.restore.expire.Expiry;
import dev.strata.restore.expire.ExpiryPlanner;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code list tenants} and {@code list points --tenant T}: what can be restored, from the stores alone. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants with backups, and a tenant's restore points.",
        subcommands = {ListCommand.Tenants.class, ListCommand.Points.class})
public final class ListCommand {
    @ParentCommand
    RestoreTool tool;

    @Command(name = "tenants", mixinStandardHelpOptions = true, description = "Tenants with objects in each configured regime.")
    static final class Tenants implements Callable<Integer> {
        @ParentCommand
        ListCommand list;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ToolConfig config = list.tool.config();
            StoreAccess access = new StoreAccess(config);
            PrintWriter out = spec.commandLine().getOut();
            Map<TenantId, List<String>> found = new TreeMap<>();
            Set<TenantId> erased = new TreeSet<>();
            StoreFailures unreadable = new StoreFailures();
            for (String regime : config.storeRegimes()) {
                try (RegimeStores stores = access.open(regime)) {
                    StoreFailures failures = new StoreFailures();
                    for (RegionStore region : stores.regions()) {
                        try {
                            TenantDirectory.tenants(region.store()).forEach(t ->
                                    found.computeIfAbsent(t, k -> new ArrayList<>()).add(regime + "/" + region.region().label()));
                            erased.addAll(Tombstones.erasedIn(region.store()));
                        } catch (StoreException e) {
                            failures.add(region, e);
                        }
                    }
                    unreadable.addAll("regime " + regime + " ", failures);
                }
            }
            if (found.isEmpty() && !unreadable.isEmpty()) {
                throw unreadable.error("cannot list tenants: " + String.join("; ", unreadable.reasons()));
            }
            if (found.isEmpty()) {
                out.println("no tenant has a backup yet in regime(s) " + config.storeRegimes());
            }
            found.forEach((tenant, where) -> out.printf(Locale.ROOT, "%-40s %s%s%n", tenant, String.join(" ", where),
                    erased.contains(tenant) ? "  ERASED (list points --tenant " + tenant + ")" : ""));
            unreadable.reasons().forEach(u -> out.println("note: could not read " + u));
            return ExitCodes.OK;
        }
    }

    /** How many erasure ledger entries every restore of the tenant applies; an unreadable ledger is shown, not hidden. */
    private static String ledgerLine(RegimeStores stores, TenantId id, RegionNotes notes) {
        try {
            int entries = ErasureLedger.read(stores, id, notes::note).size();
            return "erasure ledger:      " + entries + " entr" + (entries == 1 ? "y" : "ies") + ", applied by every restore to every point"
                    + (entries == 0 ? "" : " (restore-tool erasures list --tenant " + id + ")");
        } catch (VerificationFailedException e) {
            return "erasure ledger:      UNREADABLE, every restore refuses until it is fixed: " + e.getMessage();
        }
    }

    @Command(name = "points", mixinStandardHelpOptions = true,
            description = "A tenant's earliest and latest restorable time, segments, bases and size; with --until-xid or"
                    + " --until-lsn, what that restore point keeps (or why it is refused), without restoring.")
    public static final class Points implements Callable<Integer> {
        @ParentCommand
        ListCommand list;
        @Spec
        CommandSpec spec;
        @Option(names = "--tenant", required = true, description = "tenant id")
        String tenant;
        @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
        Optional<String> regime;
        @Option(names = "--until-xid", description = "also resolve this restore point as replay would (recovery_target_xid)")
        String untilXid;
        @Option(names = "--until-lsn", description = "also resolve this restore point as replay would (recovery_target_lsn, X/Y)")
        String untilLsn;

        @Override
        public Integer call() {
            TenantId id = StoreAccess.tenantId(tenant);
            PrintWriter out = spec.commandLine().getOut();
            ToolConfig config = list.tool.config();
            Optional<RecoveryTarget> point = untilXid == null && untilLsn == null ? Optional.empty()
                    : Optional.of(RecoveryTarget.of(null, untilXid, untilLsn)); // malformed input before any store is contacted
            StoreAccess access = new StoreAccess(config);
            try (RegimeStores stores = access.locateEvenErased(tenant, regime)) {
                Optional<TenantTombstone> erased = access.tombstone(stores, id);
                if (erased.isPresent()) {
                    out.printf(Locale.ROOT, "tenant %s (regime %s)%n  ERASED: %s; no point can be restored%n", id, stores.regime(),
                            erased.get().sentence());
                    return ExitCodes.OK;
                }
                RegionNotes notes = new RegionNotes();
                LogListing log = LogListing.list(stores, id, Optional.empty(), Long.MAX_VALUE, notes);
                DurablePoint durable = DurablePoint.read(stores, id, RestoreTime.micros(list.tool.clock.instant()));
                durable.unreadable().reasons().forEach(r -> notes.note("could not read the durable marks of " + r));
                List<ListedSegment> segments = log.segments();
                out.printf(Locale.ROOT, "tenant %s (regime %s)%n", id, stores.regime());
                if (segments.isEmpty()) {
                    out.println("  no log segments yet");
                } else {
                    long bytes = segments.stream().mapToLong(ListedSegment::size).sum();
                    long inBoth = segments.stream().filter(s -> s.regions().size() == 2).count();
                    out.println("  earliest restorable: " + RestoreTime.format(segments.get(0).minCommitMicros()));
                    out.println("  latest restorable:   " + durable.point().map(d -> RestoreTime.format(d) + " (the durable point)")
                            .orElseGet(() -> RestoreTime.format(segments.stream().mapToLong(ListedSegment::maxCommitMicros).max().orElseThrow())
                                    + " (the newest segment listed: NOT proven to be in both regions, no durable mark)"));
                    out.println("  durable point:       " + durable.describe());
                    out.printf(Locale.ROOT, "  segments: %d, %,d bytes; %d in both regions, %d in primary only, %d in backup only%n",
                            segments.size(), bytes, inBoth,
                            segments.stream().filter(s -> s.regions().equals(Set.of(Region.PRIMARY))).count(),
                            segments.stream().filter(s -> s.regions().equals(Set.of(Region.BACKUP))).count());
                }
                printBases(out, BaseSummary.list(stores, id, notes));
                RetentionLines.print(out, new Expiry(stores, Map.of(), config.retention(), new ExpiryPlanner(config.maxSegmentSpan()),
                        list.tool.clock).plan(id));
                out.println("  " + ledgerLine(stores, id, notes));
                notes.notes().forEach(n -> out.println("  note: " + n));
                if (point.isPresent()) {
                    // the same decision replay makes (refused the same way, exit 2): reads the tenant's log to its durable point
                    ReplayOptions options = new ReplayOptions(config.maxSegmentSpan(), config.readers(),
                            FoldMemory.defaults(Path.of(System.getProperty("java.io.tmpdir"))), false);
                    Replay.BoundedPlan bounded = new Replay(stores, options, list.tool.clock, Progress.NONE).plan(id, point.get());
                    out.println("  restore point:       " + bounded.bound().orElseThrow());
                }
            }
            DeadLetterNotice.print(out, config, id, Long.MAX_VALUE);
            return ExitCodes.OK;
        }

        /** Each base: cut, tables, rows, size and where its manifest is; interrupted folds as incomplete. */
        public static void printBases(PrintWriter out, List<BaseSummary> bases) {
            long complete = bases.stream().filter(BaseSummary::complete).count();
            out.printf(Locale.ROOT, "  bases: %s%n", bases.isEmpty() ? "none"
                    : complete + " complete" + (complete < bases.size() ? ", " + (bases.size() - complete) + " incomplete" : ""));
            for (BaseSummary base : bases) {
                String cut = RestoreTime.format(base.cut().cutCommitMicros()) + " lsn " + base.cut().cutLsn();
                if (base.manifest().isEmpty()) {
                    out.printf(Locale.ROOT, "    cut %s: incomplete (%s), never restored from%n", cut, base.manifestRegions().isEmpty()
                            ? "no base.manifest: a fold interrupted before its last write" : "its base.manifest cannot be read");
                    continue;
                }
                BaseManifest m = base.manifest().get();
                out.printf(Locale.ROOT, "    cut %s: %d tables, %,d rows, %,d bytes; manifest in %s%n", cut, m.tables().size(), m.rows(),
                        m.bytes(), base.manifestRegions().size() == 2 ? "both regions"
                                : base.manifestRegions().iterator().next().label() + " only");
            }
        }
    }
}
