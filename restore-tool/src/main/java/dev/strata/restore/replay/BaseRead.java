package dev.strata.restore.replay;

import dev.strata.restore.store.DaemonPool;
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
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

/**
 * Folds a planned base in before the log after its cut: its manifest (matched to its declared
 * SHA-256), then every table object, each matched to the SHA-256 the manifest names before any row
 * of it is folded. A table object can be larger than the heap: it is read to a file in the spill
 * directory, hashed as it arrives, folded from there and deleted, so the disk holds one at a time.
 */
final class BaseRead {
    /** One table object at a time, beside the restore's own thread: the fetch is mostly waiting on the store. */
    private static final ExecutorService FETCHERS = DaemonPool.of("base-fetch", 1);

    private final ObjectFetcher fetcher;
    private final Path spillDir;
    /** Each base's manifest once verified: a plan reads it for what the base folded, and the restore again for its tables. */
    private final Map<BaseCut, BaseManifest> manifests = new ConcurrentHashMap<>();
    /** The table objects of one base being fetched before a restore asked for them (while it was planned); null when none. */
    private Prefetch prefetched; // guarded by this

    private record Prefetch(BaseCut cut, CompletableFuture<List<VerifiedBase.Table>> tables) {
    }

    BaseRead(ObjectFetcher fetcher, Path spillDir) {
        this.fetcher = fetcher;
        this.spillDir = spillDir;
    }

    /** The base's manifest alone. */
    BaseManifest manifest(TenantId tenant, BaseCut cut) {
        return manifests.computeIfAbsent(cut, c -> BaseManifestCodec.decode(fetchManifest(tenant, c).bytes()));
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
        List<BaseTable> tables = selected(manifest, selection, tenantTables);
        progress.baseTables(tables.size());
        for (BaseTable table : tables) {
            VerifiedBase.Table fetched = fetchTable(manifest, table);
            try {
                long keys = BaseLoader.load(fetched.table(), fetched.file(), fetched.opening(), fetched.source(), catalog, folder);
                progress.objectRead(fetched.file().size(), keys);
                bytes += fetched.file().size();
            } finally {
                delete(fetched.file().path());
            }
        }
        return bytes;
    }

    /**
     * Starts fetching every selected table object of the base to the spill directory, each matched
     * to the manifest (a sealed one is opened later, while read), on a thread of its own: what a restore needs before
     * the target is touched, fetched while the restore reads the rest (the manifests, the log after
     * the cut). The base's definitions and final shapes are noted here, on the caller's thread, before
     * the log is folded. The rows are read later, while they are loaded ({@link VerifiedBase#stream});
     * the disk holds the selected tables at once until then.
     */
    PendingBase startFetch(TenantId tenant, BaseCut cut, ShapeCatalog catalog, ChangeFolder folder, DefinitionHistory definitions,
                           Progress progress, TableSelection selection, Set<String> tenantTables) {
        BaseManifest manifest = manifest(tenant, cut);
        BaseDefinition.load(manifest.definitions(), catalog, definitions);
        List<BaseTable> tables = selected(manifest, selection, tenantTables);
        progress.baseTables(tables.size());
        tables.forEach(table -> BaseLoader.noteFinalShape(table, catalog, folder));
        CompletableFuture<List<VerifiedBase.Table>> fetch = takePrefetch(cut);
        return new PendingBase(fetch != null ? fetch : CompletableFuture.supplyAsync(() -> fetchTables(manifest, tables), FETCHERS), progress);
    }

    /**
     * Starts fetching the selected table objects of {@code cut}'s base before the restore asks for
     * them, so that the fetch runs while the restore still plans (waiting on the durable marks and
     * the manifests). One base at a time: a fetch of another base started before is discarded.
     */
    synchronized void prefetch(TenantId tenant, BaseCut cut, TableSelection selection) {
        if (prefetched != null && prefetched.cut().equals(cut)) {
            return;
        }
        discardPrefetch();
        BaseManifest manifest = manifest(tenant, cut);
        List<BaseTable> tables = selected(manifest, selection, new HashSet<>());
        prefetched = new Prefetch(cut, CompletableFuture.supplyAsync(() -> fetchTables(manifest, tables), FETCHERS));
    }

    /** Waits for a fetch started ahead that no restore will take (another base was planned, or none), and deletes its files. */
    synchronized void discardPrefetch() {
        if (prefetched != null) {
            new PendingBase(prefetched.tables(), Progress.NONE).discard();
            prefetched = null;
        }
    }

    /** The fetch started ahead for {@code cut}, now the caller's; null when none was (one of another base is discarded). */
    private synchronized CompletableFuture<List<VerifiedBase.Table>> takePrefetch(BaseCut cut) {
        if (prefetched == null || !prefetched.cut().equals(cut)) {
            discardPrefetch();
            return null;
        }
        CompletableFuture<List<VerifiedBase.Table>> taken = prefetched.tables();
        prefetched = null;
        return taken;
    }

    private List<VerifiedBase.Table> fetchTables(BaseManifest manifest, List<BaseTable> tables) {
        List<VerifiedBase.Table> fetched = new ArrayList<>();
        try {
            for (BaseTable table : tables) {
                fetched.add(fetchTable(manifest, table));
            }
        } catch (RuntimeException e) {
            fetched.forEach(t -> delete(t.file().path()));
            throw e;
        }
        return fetched;
    }

    /** A base's table objects being fetched and verified; {@link #await} gives them once every one matched its manifest. */
    static final class PendingBase {
        private final CompletableFuture<List<VerifiedBase.Table>> tables;
        private final Progress progress;

        PendingBase(CompletableFuture<List<VerifiedBase.Table>> tables, Progress progress) {
            this.tables = tables;
            this.progress = progress;
        }

        VerifiedBase await() {
            // a failure as the fetch threw it: a mismatch, a lost object, a store that did not answer
            List<VerifiedBase.Table> fetched = DaemonPool.join(tables);
            fetched.forEach(t -> progress.objectRead(t.file().size(), t.table().rows() + t.table().tombstones()));
            return new VerifiedBase(fetched);
        }

        /** A restore that stops before the load: the fetch is waited for and its files deleted, whatever it came to. */
        void discard() {
            try {
                await().close();
            } catch (RuntimeException alreadyReported) {
                // the restore is already failing for its own reason; a failed fetch deleted its files itself
            }
        }
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

    /**
     * One table object's stored bytes to a staging file, matched to the manifest (the fetcher checks them). A sealed
     * body is opened while its rows are read, each chunk authenticated before its rows are used: the load runs while
     * the rest is opened (on a thread of its own), and a chunk that fails stops it before the target commits. Its data
     * key is had here, before the target is touched.
     */
    private VerifiedBase.Table fetchTable(BaseManifest manifest, BaseTable table) {
        ObjectKey key = manifest.tableKey(table);
        Path target = stagingFile(key);
        try {
            ManifestEntry vouched = new ManifestEntry(key, table.size(), table.sha256());
            ObjectFile stored = fetcher.fetchStoredToFile(key, EnumSet.allOf(Region.class), vouched, target);
            UnaryOperator<InputStream> opening = fetcher.opening(key);
            try (InputStream raw = Files.newInputStream(target); InputStream header = opening.apply(raw)) {
                // the seal's header read and its data key had: an erased tenant's key fails here, not during the load
            }
            return new VerifiedBase.Table(table, stored, in -> new ReadAheadStream(opening.apply(in)), key.value());
        } catch (IOException e) {
            delete(target);
            throw new UncheckedIOException("cannot read base object " + key + " staged at " + target + ": " + e.getMessage(), e);
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
