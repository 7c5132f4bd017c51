package dev.strata.restore.replay;

import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.Region;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Folds a planned base in before the log after its cut: its manifest (matched to its declared
 * SHA-256), then every table object, each matched to the SHA-256 the manifest names before any row
 * of it is folded.
 */
final class BaseRead {
    private final ObjectFetcher fetcher;

    BaseRead(ObjectFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** The base's manifest alone: what the plan needs to know which segments the base folded. */
    BaseManifest manifest(TenantId tenant, BaseCut cut) {
        return BaseManifestCodec.decode(fetchManifest(tenant, cut).bytes());
    }

    /** @return bytes read */
    long fold(TenantId tenant, BaseCut cut, ShapeCatalog catalog, ChangeFolder folder, Progress progress) {
        FetchedObject manifestObject = fetchManifest(tenant, cut);
        BaseManifest manifest = BaseManifestCodec.decode(manifestObject.bytes());
        long bytes = manifestObject.bytes().length;
        for (BaseTable table : manifest.tables()) {
            ObjectKey key = manifest.tableKey(table);
            FetchedObject object = fetcher.fetch(key, EnumSet.allOf(Region.class), Optional.of(new ManifestEntry(key, table.size(), table.sha256())));
            long keys = BaseLoader.load(table, object.bytes(), key.value(), catalog, folder);
            progress.objectRead(object.bytes().length, keys);
            bytes += object.bytes().length;
        }
        return bytes;
    }

    private FetchedObject fetchManifest(TenantId tenant, BaseCut cut) {
        ObjectKey manifestKey = BackupLayout.baseManifest(new BaseManifestKey(tenant, cut));
        return fetcher.fetch(manifestKey, EnumSet.allOf(Region.class), Optional.empty());
    }
}
