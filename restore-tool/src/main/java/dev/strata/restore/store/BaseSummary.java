package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.LayoutKey;
import dev.strata.schemas.manifest.ManifestFormatException;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One base of a tenant as {@code list points} shows it: its cut, the regions holding its manifest,
 * and what the manifest says (tables, rows, size). A base whose manifest neither region holds is
 * an interrupted fold: listed as incomplete, never restored from.
 */
public record BaseSummary(BaseCut cut, Set<Region> manifestRegions, Optional<BaseManifest> manifest) {

    public boolean complete() {
        return manifest.isPresent();
    }

    /** Oldest cut first; a region that cannot be listed is noted and the other's listing used. */
    public static List<BaseSummary> list(RegimeStores stores, TenantId tenant, RegionNotes notes) {
        Map<BaseCut, Set<Region>> cuts = new TreeMap<>();
        StoreFailures failures = new StoreFailures();
        for (RegionStore region : stores.regions()) {
            try (Stream<ListedObject> listed = region.store().listAll(BackupLayout.basesPrefix(tenant), Optional.empty())) {
                listed.forEach(o -> parse(o).ifPresent(key -> {
                    Set<Region> holding = cuts.computeIfAbsent(cut(key), c -> EnumSet.noneOf(Region.class));
                    if (key instanceof BaseManifestKey) {
                        holding.add(region.region());
                    }
                }));
            } catch (StoreException e) {
                failures.add(region, e);
                notes.note("could not list the bases in " + region.describe() + ": " + e.getMessage() + "; used the other region's listing");
            }
        }
        if (failures.reasons().size() == stores.regions().size()) {
            throw failures.noRegionAnswered("list the bases of tenant " + tenant);
        }
        return cuts.entrySet().stream()
                .map(e -> new BaseSummary(e.getKey(), e.getValue(), read(stores, tenant, e.getKey(), e.getValue(), notes)))
                .toList();
    }

    private static Optional<BaseManifest> read(RegimeStores stores, TenantId tenant, BaseCut cut, Set<Region> holding, RegionNotes notes) {
        for (RegionStore region : stores.regions()) {
            if (!holding.contains(region.region())) {
                continue;
            }
            try {
                Optional<StoredObject> stored = region.store().get(BackupLayout.baseManifest(new BaseManifestKey(tenant, cut)));
                if (stored.isPresent()) {
                    return Optional.of(BaseManifestCodec.read(stored.get().bytes()).manifest());
                }
            } catch (StoreException | ManifestFormatException e) {
                notes.note("could not read the manifest of base " + cut + " in " + region.describe() + ": " + e.getMessage()
                        + "; run restore-tool verify");
            }
        }
        return Optional.empty();
    }

    private static Optional<LayoutKey> parse(ListedObject o) {
        try {
            LayoutKey key = BackupLayout.parse(o.key());
            return key instanceof BaseKey || key instanceof BaseManifestKey ? Optional.of(key) : Optional.empty();
        } catch (InvalidObjectKeyException stray) {
            return Optional.empty();
        }
    }

    private static BaseCut cut(LayoutKey key) {
        return key instanceof BaseManifestKey m ? m.cut() : ((BaseKey) key).cut();
    }
}
