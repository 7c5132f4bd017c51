package dev.strata.restore;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.store.StoreFailures;
import dev.strata.restore.store.TenantDirectory;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.LayoutKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.StoreException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
@Command(name = "list", description = "List tenants with backups, and a tenant's restore points.",
        subcommands = {ListCommand.Tenants.class, ListCommand.Points.class})
final class ListCommand {
    @ParentCommand
    RestoreTool tool;

    @Command(name = "tenants", description = "Tenants with objects in each configured regime.")
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
            List<String> unreadable = new ArrayList<>();
            for (String regime : config.storeRegimes()) {
                try (RegimeStores stores = access.open(regime)) {
                    StoreFailures failures = new StoreFailures();
                    for (RegionStore region : stores.regions()) {
                        try {
                            TenantDirectory.tenants(region.store()).forEach(t ->
                                    found.computeIfAbsent(t, k -> new ArrayList<>()).add(regime + "/" + region.region().label()));
                        } catch (StoreException e) {
                            failures.add(region, e);
                        }
                    }
                    unreadable.addAll(failures.reasons().stream().map(r -> "regime " + regime + " " + r).toList());
                }
            }
            if (found.isEmpty() && !unreadable.isEmpty()) {
                throw new BadInputException("cannot list tenants: " + String.join("; ", unreadable));
            }
            if (found.isEmpty()) {
                out.println("no tenant has a backup yet in regime(s) " + config.storeRegimes());
            }
            found.forEach((tenant, where) -> out.printf(Locale.ROOT, "%-40s %s%n", tenant, String.join(" ", where)));
            unreadable.forEach(u -> out.println("note: could not read " + u));
            return ExitCodes.OK;
        }
    }

    @Command(name = "points", description = "A tenant's earliest and latest restorable time, segments, bases and size.")
    static final class Points implements Callable<Integer> {
        @ParentCommand
        ListCommand list;
        @Spec
        CommandSpec spec;
        @Option(names = "--tenant", required = true, description = "tenant id")
        String tenant;
        @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
        Optional<String> regime;

        @Override
        public Integer call() {
            TenantId id = StoreAccess.tenantId(tenant);
            PrintWriter out = spec.commandLine().getOut();
            try (RegimeStores stores = new StoreAccess(list.tool.config()).locate(tenant, regime)) {
                RegionNotes notes = new RegionNotes();
                LogListing log = LogListing.list(stores, id, Optional.empty(), Long.MAX_VALUE, notes);
                List<ListedSegment> segments = log.segments();
                out.printf(Locale.ROOT, "tenant %s (regime %s)%n", id, stores.regime());
                if (segments.isEmpty()) {
                    out.println("  no log segments yet");
                } else {
                    long bytes = segments.stream().mapToLong(ListedSegment::size).sum();
                    long inBoth = segments.stream().filter(s -> s.regions().size() == 2).count();
                    out.println("  earliest restorable: " + RestoreTime.format(segments.get(0).minCommitMicros()));
                    out.println("  latest restorable:   " + RestoreTime.format(
                            segments.stream().mapToLong(ListedSegment::maxCommitMicros).max().orElseThrow()));
                    out.printf(Locale.ROOT, "  segments: %d, %,d bytes; %d in both regions, %d in primary only, %d in backup only%n",
                            segments.size(), bytes, inBoth,
                            segments.stream().filter(s -> s.regions().equals(Set.of(Region.PRIMARY))).count(),
                            segments.stream().filter(s -> s.regions().equals(Set.of(Region.BACKUP))).count());
                }
                Set<String> bases = bases(stores, id);
                out.println("  bases: " + (bases.isEmpty() ? "none" : bases.size() + " (cuts " + String.join(", ", bases) + ")"));
                notes.notes().forEach(n -> out.println("  note: " + n));
            }
            return ExitCodes.OK;
        }

        private static Set<String> bases(RegimeStores stores, TenantId tenant) {
            Set<String> cuts = new TreeSet<>();
            for (RegionStore region : stores.regions()) {
                try {
                    for (ListedObject o : (Iterable<ListedObject>) region.store().listAll(BackupLayout.basesPrefix(tenant), Optional.empty())::iterator) {
                        cut(o).ifPresent(cuts::add);
                    }
                    return cuts;
                } catch (StoreException e) {
                    cuts.clear(); // the other region's listing is used instead
                }
            }
            return cuts;
        }

        private static Optional<String> cut(ListedObject o) {
            try {
                LayoutKey key = BackupLayout.parse(o.key());
                return key instanceof BaseManifestKey base ? Optional.of(RestoreTime.format(base.cut().cutCommitMicros())) : Optional.empty();
            } catch (InvalidObjectKeyException e) {
                return Optional.empty();
            }
        }
    }
}
