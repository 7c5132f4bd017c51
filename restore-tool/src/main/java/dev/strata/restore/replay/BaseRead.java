package dev.strata.restore.replay;

import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.Region;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseDefinition;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.ObjectFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Folds a planned base in before the log after its cut: its manifest (matched to its declared
 * SHA-256), then every table object, each matched to the SHA-256 the manifest names before any row
 * of it is folded. A table object can be larger than the heap: it is read to a file in the spill
 * directory, hashed as it arrives, folded from there and deleted, so the disk holds one at a time.
 */
final class BaseRead {
    private final ObjectFetcher fetcher;
    private final Path spillDir;

    BaseRead(ObjectFetcher fetcher, Path spillDir) {
        this.fetcher = fetcher;
        this.spillDir = spillDir;
    }

    /** The base's manifest alone. */
    BaseManifest manifest(TenantId tenant, BaseCut cut) {
        return BaseManifestCodec.decode(fetchManifest(tenant, cut).bytes());
    }

    /**
     * The objects this base and its ancestors with a cut at or after {@code sinceMicros} folded: what
     * the plan needs to tell a late segment from one an earlier base already holds. A segment that
     * begins at or after {@code sinceMicros} can only have been folded by such a base (a base folds
     * segments that begin at or before its cut), so the walk stops there: one manifest per base in
     * the listing window, not one per base of the tenant's life. It also stops at an ancestor the
     * listing does not hold: expiry removed it, with every segment only it folded (README "Retention").
     */
    Set<ObjectKey> foldedSince(TenantId tenant, BaseCut cut, long sinceMicros, Set<BaseCut> held) {
        Set<ObjectKey> folded = new HashSet<>();
        Optional<BaseCut> next = Optional.of(cut);
        while (next.isPresent()) {
            BaseManifest manifest = manifest(tenant, next.get());
            manifest.folded().forEach(e -> folded.add(e.key()));
            next = manifest.previous().map(BaseManifest.PreviousBase::cut).filter(c -> c.cutCommitMicros() >= sinceMicros)
                    .filter(held::contains);
        }
        return folded;
    }

    /**
     * @param selection the tables to fold: the object of any other table is not even fetched
     * @param tenantTables receives the name of every table the base holds, folded or not
     * @return bytes read; the base's table definitions go into {@code definitions}
     */
    long fold(TenantId tenant, BaseCut cut, ShapeCatalog catalog, ChangeFolder folder, DefinitionHistory definitions, Progress progress,
              TableSelection selection, Set<String> tenantTables) {
        FetchedObject manifestObject = fetchManifest(tenant, cut);
        BaseManifest manifest = BaseManifestCodec.decode(manifestObject.bytes());
        BaseDefinition.load(manifest.definitions(), catalog, definitions);
        long bytes = manifestObject.bytes().length;
        for (BaseTable table : selected(manifest, selection, tenantTables)) {
            VerifiedBase.Table fetched = fetchTable(manifest, table);
            try {
                long keys = BaseLoader.load(fetched.table(), fetched.file(), fetched.source(), catalog, folder);
                progress.objectRead(fetched.file().size(), keys);
                bytes += fetched.file().size();
            } finally {
                delete(fetched.file().path());
            }
        }
        return bytes;
    }

    /**
     * Every selected table object of the base fetched to the spill directory and matched to the
     * manifest (and opened, when sealed), the base's definitions and final shapes noted: what a
     * restore needs before the target is touched. The rows are read later, while they are loaded
     * ({@link VerifiedBase#stream}); the disk holds the selected tables at once until then.
     */
    VerifiedBase fetch(TenantId tenant, BaseCut cut, ShapeCatalog catalog, ChangeFolder folder, DefinitionHistory definitions,
                       Progress progress, TableSelection selection, Set<String> tenantTables) {
        BaseManifest manifest = BaseManifestCodec.decode(fetchManifest(tenant, cut).bytes());
        BaseDefinition.load(manifest.definitions(), catalog, definitions);
        List<VerifiedBase.Table> fetched = new ArrayList<>();
        try {
            for (BaseTable table : selected(manifest, selection, tenantTables)) {
                VerifiedBase.Table one = fetchTable(manifest, table);
                fetched.add(one);
                BaseLoader.noteFinalShape(one.table(), catalog, folder);
                progress.objectRead(one.file().size(), table.rows() + table.tombstones());
            }
        } catch (RuntimeException e) {
            fetched.forEach(t -> delete(t.file().path()));
            throw e;
        }
        return new VerifiedBase(fetched);
    }

    private static List<BaseTable> selected(BaseManifest manifest, TableSelection selection, Set<String> tenantTables) {
        List<BaseTable> tables = new ArrayList<>();
        for (BaseTable table : manifest.tables()) {
            tenantTables.add(table.table());
            if (selection.includes(table.table())) {
                tables.add(table);
            }
        }
        return tables;
    }

    /** One table object to a staging file, matched to the manifest (the fetcher checks it, and opens a sealed body). */
    private VerifiedBase.Table fetchTable(BaseManifest manifest, BaseTable table) {
        ObjectKey key = manifest.tableKey(table);
        Path target = stagingFile(key);
        try {
            ManifestEntry vouched = new ManifestEntry(key, table.size(), table.sha256());
            ObjectFile file = fetcher.fetchToFile(key, EnumSet.allOf(Region.class), vouched, target);
            // the fetcher matched the stored bytes to the manifest and opened (authenticated) a sealed body: this is its table
            return new VerifiedBase.Table(table.withObject(file.size(), file.sha256()), file, key.value());
        } catch (RuntimeException e) {
            delete(target);
            throw e;
        }
    }

    private Path stagingFile(ObjectKey key) {
        try {
            Files.createDirectories(spillDir);
            return Files.createTempFile(spillDir, "strata-base-table-", ".avro");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage base object " + key + " under the spill directory " + spillDir + " ("
                    + e.getMessage() + "): give the restore a writable spill directory with room for the base's largest table", e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ", a base table already folded: delete it by hand", e);
        }
    }

    private FetchedObject fetchManifest(TenantId tenant, BaseCut cut) {
        ObjectKey manifestKey = BackupLayout.baseManifest(new BaseManifestKey(tenant, cut));
        return fetcher.fetch(manifestKey, EnumSet.allOf(Region.class), Optional.empty());
    }
}
