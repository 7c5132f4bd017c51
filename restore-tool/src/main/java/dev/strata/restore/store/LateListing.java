package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.LateNotice;
import dev.strata.schemas.store.ListedObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The segments named by a tenant's late notices that arrived at or after a time (a base's
 * {@code lateNoticesFrom}), as both regions list the notices. The sink stores a notice only once
 * its segment is durable in both regions, so each is planned as held by both; each notice is read
 * and matched to the SHA-256 its writer declared before the segment it names is trusted.
 */
public final class LateListing {
    private LateListing() {
    }

    public static List<ListedSegment> since(RegimeStores stores, TenantId tenant, long fromMicros, RegionNotes notes) {
        Map<ObjectKey, Set<Region>> notices = new TreeMap<>();
        StoreFailures failures = new StoreFailures();
        for (EachRegion.Outcome<List<ObjectKey>> listed : EachRegion.call(stores, region -> noticesFrom(region, tenant, fromMicros))) {
            if (listed.failed()) {
                failures.add(listed.region(), listed.failure());
                notes.note("could not list the late notices in " + listed.region().describe() + ": " + listed.failure().getMessage()
                        + "; used the other region's listing");
            } else {
                listed.value().forEach(key -> notices.computeIfAbsent(key, k -> EnumSet.noneOf(Region.class)).add(listed.region().region()));
            }
        }
        if (failures.reasons().size() == stores.regions().size()) {
            throw failures.noRegionAnswered("list the late notices of tenant " + tenant);
        }
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        Map<ObjectKey, ListedSegment> segments = new TreeMap<>();
        notices.forEach((key, regions) -> {
            try {
                BackupLayout.parseLateNotice(key);
            } catch (InvalidObjectKeyException e) {
                notes.note("ignored a stray object under the late notices: " + e.getMessage());
                return;
            }
            LateNotice notice = LateNotice.decode(key, fetcher.fetch(key, regions, Optional.empty()).bytes());
            segments.putIfAbsent(notice.segment().key(), new ListedSegment(notice.segment().key(), notice.key().segment(),
                    notice.segment().size(), EnumSet.allOf(Region.class)));
        });
        return new ArrayList<>(segments.values());
    }

    private static List<ObjectKey> noticesFrom(RegionStore region, TenantId tenant, long fromMicros) {
        try (Stream<ListedObject> listed = region.store().listAll(BackupLayout.latePrefix(tenant),
                Optional.of(BackupLayout.lateStartAfter(tenant, fromMicros)))) {
            return listed.map(ListedObject::key).toList();
        }
    }
}
