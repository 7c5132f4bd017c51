package dev.strata.restore.verify;

import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.LateNoticeKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.LateNotice;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.ManifestFormatException;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The tenant's late notices: each copy matches the SHA-256 its writer declared and names a segment
 * that both regions hold with the size and SHA-256 the notice gives (the ones a manifest vouches
 * for, once one does). A late segment itself is checked like any other: by the manifest that sealed
 * it, whatever hour that manifest is for, or by its declared SHA-256 until then.
 */
final class LateNoticeVerifier {
    private final RegimeStores stores;

    LateNoticeVerifier(RegimeStores stores) {
        this.stores = stores;
    }

    static boolean isNotice(ObjectKey key) {
        try {
            return BackupLayout.parse(key) instanceof LateNoticeKey;
        } catch (InvalidObjectKeyException e) {
            return false;
        }
    }

    void verify(Map<ObjectKey, Set<Region>> holders, Function<ObjectKey, Optional<ManifestEntry>> vouched, VerifyReport report) {
        holders.forEach((key, regions) -> {
            if (isNotice(key)) {
                check(key, regions, holders, vouched, report);
            }
        });
    }

    private void check(ObjectKey key, Set<Region> regions, Map<ObjectKey, Set<Region>> holders,
                       Function<ObjectKey, Optional<ManifestEntry>> vouched, VerifyReport report) {
        for (RegionStore region : stores.regions()) {
            if (!regions.contains(region.region())) {
                report.warn("late notice " + key + " is not in " + region.describe() + " yet (an upload in flight?)");
                continue;
            }
            Optional<StoredObject> copy = Verifier.read(region, key, report);
            if (copy.isEmpty()) {
                continue;
            }
            report.checked(copy.get().bytes().length);
            if (!copy.get().matchesDeclaredSha256()) {
                report.fail("late notice " + key + " in " + region.describe() + " does not match its declared SHA-256: tampered or corrupt");
                continue;
            }
            LateNotice notice;
            try {
                notice = LateNotice.decode(key, copy.get().bytes());
            } catch (ManifestFormatException e) {
                report.fail(e.getMessage() + " (copy in " + region.describe() + ")");
                continue;
            }
            ManifestEntry named = notice.segment();
            Set<Region> segmentIn = holders.getOrDefault(named.key(), Set.of());
            if (segmentIn.size() < stores.regions().size()) {
                report.fail("late notice " + key + " names segment " + named.key() + ", which " + (segmentIn.isEmpty() ? "neither region"
                        : "only the " + segmentIn.iterator().next().label()) + " holds: the sink stores a notice only after its"
                        + " segment is in both regions, so the segment is lost");
                continue;
            }
            ManifestEntry expected = vouched.apply(named.key()).orElseGet(() -> declared(region, named).orElse(named));
            if (!expected.equals(named)) {
                report.fail("late notice " + key + " gives segment " + named.key() + " " + named.size() + " bytes, SHA-256 "
                        + named.sha256() + ", but the backup holds " + expected.size() + " bytes, SHA-256 " + expected.sha256());
            }
        }
    }

    /** What the segment's writer declared in this region, if it declared anything. */
    private static Optional<ManifestEntry> declared(RegionStore region, ManifestEntry named) {
        try {
            Optional<ObjectInfo> head = region.store().head(named.key());
            return head.flatMap(h -> h.declaredSha256().map(sha -> new ManifestEntry(named.key(), h.size(), sha)));
        } catch (StoreException e) {
            return Optional.empty();
        }
    }
}
