package dev.strata.sink.base;

import dev.strata.sink.SinkConfig;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.base.StoredBaseManifest;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a tenant's newest base, completing it first when an earlier run left its {@code base.manifest}
 * in one region only (it died between the two regions' puts, or a region was down then).
 *
 * <p>Why complete rather than ignore: that manifest's content was decided, and a new fold at the same
 * cut may decide another (its folded list depends on what was listed then), so its put would be a
 * conflict. Like {@link ChainHeads} for hour manifests, the SAME bytes are copied, never re-made: the
 * manifest must match the SHA-256 its region declares, and every table object must be in both regions
 * with the size and SHA-256 the manifest names; a table object missing in one region is copied there
 * from the other, matched to that SHA-256 first. Table objects before the manifest, as when a base is
 * made (DESIGN.md section 5: a manifest names only what both regions hold).
 */
final class BaseRepair {
    private static final Logger LOG = LoggerFactory.getLogger(BaseRepair.class);

    private final RegionReader reader;
    private final DualRegionUploader uploader;
    private final BaseMetrics metrics;
    private final Path spillDir;

    /** @param spillDir where a table object being copied is staged: it can be larger than the heap */
    BaseRepair(RegionReader reader, DualRegionUploader uploader, BaseMetrics metrics, Path spillDir) {
        this.reader = reader;
        this.uploader = uploader;
        this.metrics = metrics;
        this.spillDir = spillDir;
    }

    /**
     * The cut of the tenant's newest base whose manifest both regions hold, after completing the newest
     * one if it is in one region only.
     *
     * @throws IllegalStateException (an ALARM) if that manifest or one of its table objects does not match
     *     its SHA-256: no base of the tenant is made past it until an operator has run restore-tool verify
     */
    Optional<BaseCut> newestComplete(TenantId tenant) {
        NavigableMap<BaseCut, RegionReader.Presence> manifests = reader.baseManifests(tenant);
        if (manifests.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<BaseCut, RegionReader.Presence> newest = manifests.lastEntry();
        if (newest.getValue() != RegionReader.Presence.BOTH) {
            complete(tenant, newest.getKey(), newest.getValue());
        }
        return Optional.of(newest.getKey());
    }

    private void complete(TenantId tenant, BaseCut cut, RegionReader.Presence holder) {
        ObjectKey key = BackupLayout.baseManifest(new BaseManifestKey(tenant, cut));
        LOG.warn("base manifest {} is in the {} region only (a run stopped between the two regions' puts, or a region was down);"
                + " copying the same bytes to the other region", key, holder);
        RegionReader.Heads heads = reader.heads(key);
        Sha256 declared = heads.primary().or(heads::backup).flatMap(ObjectInfo::declaredSha256).orElseThrow(() -> new IllegalStateException(
                "ALARM: base manifest " + key + " declares no SHA-256 (or vanished since it was listed): it was not written by the sink;"
                        + " no base of tenant " + tenant + " is made past it; run restore-tool verify"));
        byte[] bytes = reader.fetchVerified(key, declared);
        StoredBaseManifest stored = BaseManifestCodec.read(bytes);
        BaseManifest manifest = stored.manifest();
        if (!manifest.objectKey().equals(key)) {
            throw new IllegalStateException("ALARM: " + key + " holds the base manifest of " + manifest.objectKey()
                    + ": no base of tenant " + tenant + " is made past it; run restore-tool verify");
        }
        int copied = 0;
        for (BaseTable table : manifest.tables()) {
            if (completeTable(manifest.tableKey(table), table)) {
                copied++;
            }
        }
        uploader.upload(key, bytes, declared, 0).join();
        metrics.repaired();
        LOG.warn("base manifest {} completed in both regions ({} of its {} table objects copied too); it is the tenant's newest base",
                key, copied, manifest.tables().size());
    }

    /** @return whether the table object had to be copied to a region */
    private boolean completeTable(ObjectKey key, BaseTable table) {
        if (reader.heads(key).bothHold(table.size(), table.sha256())) {
            return false;
        }
        // putIfAbsent finds the copy where it is (or raises the conflict alarm if that region holds other bytes)
        Path staged = stagingFile(key);
        try {
            ObjectFile file = reader.fetchVerifiedToFile(key, table.sha256(), staged);
            uploader.upload(key, file, 0).join();
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                LOG.warn("cannot delete {}, the staged copy of {}: delete it by hand: {}", staged, key, e.toString());
            }
        }
        return true;
    }

    private Path stagingFile(ObjectKey key) {
        try {
            Files.createDirectories(spillDir);
            return Files.createTempFile(spillDir, "strata-base-repair-", ".avro");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + key + " for its copy to the other region under " + spillDir
                    + " (" + e.getMessage() + "): set " + SinkConfig.BASE_SPILL_DIR + " to a writable directory", e);
        }
    }
}
