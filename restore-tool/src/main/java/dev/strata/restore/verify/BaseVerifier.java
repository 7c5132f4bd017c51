package dev.strata.restore.verify;

import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.LayoutKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.ManifestFormatException;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code verify} for bases. A base is checked through its {@code base.manifest}: the manifest
 * against its writer's declared SHA-256 and against the other region's copy, then every table
 * object it names, in each region, against the SHA-256 it gives; a newer base's link to it
 * (previous base's manifest SHA-256) must match too. Table objects without a manifest are a fold
 * that was interrupted: incomplete, never used by a restore, so a warning and not a failure.
 * Second versions of base keys are flagged by the caller, as for every key.
 */
final class BaseVerifier {
    private final RegimeStores stores;

    BaseVerifier(RegimeStores stores) {
        this.stores = stores;
    }

    static Optional<BaseCut> cutOf(ObjectKey key) {
        try {
            LayoutKey parsed = BackupLayout.parse(key);
            return parsed instanceof BaseKey base ? Optional.of(base.cut())
                    : parsed instanceof BaseManifestKey manifest ? Optional.of(manifest.cut()) : Optional.empty();
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
    }

    /** @param recorded what the hour manifests record for a segment, to check what each base says it folded */
    void verify(TenantId tenant, Map<ObjectKey, Set<Region>> holders, Function<ObjectKey, Optional<ManifestEntry>> recorded,
                VerifyReport report) {
        Map<BaseCut, Set<ObjectKey>> byCut = new TreeMap<>();
        holders.keySet().forEach(key -> cutOf(key).ifPresent(cut -> byCut.computeIfAbsent(cut, c -> new TreeSet<>()).add(key)));
        Map<BaseCut, Sha256> manifestShas = new TreeMap<>();
        Map<BaseCut, BaseManifest> manifests = new TreeMap<>();
        byCut.forEach((cut, keys) -> {
            ObjectKey manifestKey = BackupLayout.baseManifest(new BaseManifestKey(tenant, cut));
            if (!keys.contains(manifestKey)) {
                report.warn("base " + BackupLayout.basePrefix(tenant, cut) + " is incomplete: " + keys.size() + " table object(s) and no"
                        + " base.manifest in either region (a fold interrupted before its last write); no restore uses it");
                report.base(false);
                return;
            }
            readManifest(manifestKey, holders.get(manifestKey), report).ifPresent(stored -> {
                manifestShas.put(cut, stored.sha256);
                manifests.put(cut, stored.manifest);
                checkTables(stored.manifest, keys, holders, report);
                checkFolded(stored.manifest, recorded, report);
                report.base(true);
                report.duplicatesRemoved(stored.manifest.duplicatesRemoved());
            });
        });
        manifests.forEach((cut, manifest) -> manifest.previous().ifPresent(previous -> {
            Sha256 actual = manifestShas.get(previous.cut());
            if (actual != null && !actual.equals(previous.manifestSha256())) {
                report.fail("base " + manifest.objectKey() + " names previous base " + previous.cut() + " with manifest SHA-256 "
                        + previous.manifestSha256() + " but that manifest's SHA-256 is " + actual + ": one of them was altered");
            }
        }));
    }

    private record Stored(BaseManifest manifest, Sha256 sha256) {
    }

    /** A base made from bytes other than those its segments' hour manifests recorded was made from a forged version. */
    private static void checkFolded(BaseManifest manifest, Function<ObjectKey, Optional<ManifestEntry>> recorded, VerifyReport report) {
        for (ManifestEntry folded : manifest.folded()) {
            recorded.apply(folded.key()).filter(r -> !r.sha256().equals(folded.sha256())).ifPresent(r -> report.fail("base "
                    + manifest.objectKey() + " folded " + folded.key() + " with SHA-256 " + folded.sha256() + " but its hour manifest"
                    + " records " + r.sha256() + ": the base was made from altered bytes; restore to a time before its cut, or from"
                    + " an older base, and find who holds the writer key"));
        }
    }

    private Optional<Stored> readManifest(ObjectKey key, Set<Region> holding, VerifyReport report) {
        Stored first = null;
        for (RegionStore region : stores.regions()) {
            if (!holding.contains(region.region())) {
                report.warn("base manifest " + key + " is missing from " + region.describe() + ": the base is in the other region only");
                continue;
            }
            Optional<byte[]> bytes = read(region, key, report);
            if (bytes.isEmpty()) {
                continue;
            }
            Sha256 sha = Sha256.of(bytes.get());
            BaseManifest manifest;
            try {
                manifest = BaseManifestCodec.read(bytes.get()).manifest();
            } catch (ManifestFormatException unreadable) {
                report.fail("base manifest " + key + " in " + region.describe() + " cannot be read (" + unreadable.getMessage() + "): corrupt");
                continue;
            }
            if (first == null) {
                first = new Stored(manifest, sha);
            } else if (!first.sha256.equals(sha)) {
                report.fail("base manifest " + key + " differs between primary and backup (SHA-256 " + first.sha256 + " vs " + sha
                        + "): one copy was altered");
            }
        }
        return Optional.ofNullable(first);
    }

    private void checkTables(BaseManifest manifest, Set<ObjectKey> keys, Map<ObjectKey, Set<Region>> holders, VerifyReport report) {
        Set<ObjectKey> named = new HashSet<>(List.of(manifest.objectKey()));
        for (BaseTable table : manifest.tables()) {
            ObjectKey key = manifest.tableKey(table);
            named.add(key);
            for (RegionStore region : stores.regions()) {
                if (!holders.getOrDefault(key, Set.of()).contains(region.region())) {
                    report.fail(key + " is missing from " + region.describe() + " though base manifest " + manifest.objectKey() + " names it");
                    continue;
                }
                read(region, key, report).ifPresent(bytes -> {
                    report.checked(bytes.length);
                    if (!table.sha256().matches(bytes)) {
                        report.fail(key + " in " + region.describe() + " is tampered or corrupt: SHA-256 " + Sha256.of(bytes) + ", "
                                + bytes.length + " bytes; base manifest " + manifest.objectKey() + " says " + table.sha256());
                    }
                });
            }
        }
        keys.stream().filter(k -> !named.contains(k)).forEach(k -> report.warn(k + " lies in base " + manifest.objectKey()
                + " but its manifest does not name it: never read by a restore"));
    }

    private static Optional<byte[]> read(RegionStore region, ObjectKey key, VerifyReport report) {
        try {
            Optional<StoredObject> read = region.store().get(key);
            if (read.isEmpty()) {
                report.fail(key + " was listed in " + region.describe() + " but cannot be read");
            } else if (!read.get().matchesDeclaredSha256()) {
                report.fail(key + " in " + region.describe() + " does not match the SHA-256 its writer declared "
                        + read.get().declaredSha256().map(Sha256::hex).orElse("(none)") + ": tampered or corrupt");
            }
            return read.map(StoredObject::bytes);
        } catch (StoreException e) {
            report.fail("cannot read " + key + " from " + region.describe() + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
