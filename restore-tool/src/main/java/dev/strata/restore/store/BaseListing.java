package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tenant's bases as both regions list them. Only a base whose {@code base.manifest} is stored
 * counts: the sink writes it last, so table objects without one are a fold that was interrupted
 * and are never read.
 */
public final class BaseListing {
    private BaseListing() {
    }

    /** One complete base and the regions that list its manifest. */
    public record ListedBase(BaseCut cut, ObjectKey manifestKey, Set<Region> regions) {
    }

    /** Oldest cut first. */
    public static List<ListedBase> list(RegimeStores stores, TenantId tenant, RegionNotes notes) {
        Map<BaseCut, Set<Region>> found = new TreeMap<>();
        StoreFailures failures = new StoreFailures();
        for (EachRegion.Outcome<List<BaseCut>> listed : EachRegion.call(stores, region -> manifestCuts(region, tenant))) {
            if (listed.failed()) {
                failures.add(listed.region(), listed.failure());
                notes.note("could not list the bases in " + listed.region().describe() + ": " + listed.failure().getMessage()
                        + "; used the other region's listing");
            } else {
                listed.value().forEach(cut -> found.computeIfAbsent(cut, c -> EnumSet.noneOf(Region.class)).add(listed.region().region()));
            }
        }
        if (failures.reasons().size() == stores.regions().size()) {
            throw failures.noRegionAnswered("list the bases of tenant " + tenant);
        }
        return found.entrySet().stream()
                .map(e -> new ListedBase(e.getKey(), BackupLayout.baseManifest(new BaseManifestKey(tenant, e.getKey())), e.getValue()))
                .toList();
    }

    private static List<BaseCut> manifestCuts(RegionStore region, TenantId tenant) {
        try (Stream<ListedObject> listed = region.store().listAll(BackupLayout.basesPrefix(tenant), Optional.empty())) {
            return listed.map(o -> manifestCut(o.key())).flatMap(Optional::stream).toList();
        }
    }

    private static Optional<BaseCut> manifestCut(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parseBaseManifest(key).cut());
        } catch (InvalidObjectKeyException tableObjectOrStray) {
            return Optional.empty();
        }
    }
}
