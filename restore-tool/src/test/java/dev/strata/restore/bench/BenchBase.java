package dev.strata.restore.bench;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseBuilder;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.base.StoredBaseManifest;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One base of the benchmark tenant in the making, made as the sink's {@code BaseFolder} makes it.
 * BaseFolder is package-private in sink and restore-tool does not depend on sink, so the same
 * schemas classes are called here in the same order: the previous base's tables (matched to their
 * SHA-256) folded in with {@link BaseLoader}, then each verified segment with {@link SegmentFold}
 * up to the cut, the cut's LSN the greatest folded, one object per table by {@link BaseBuilder},
 * and {@link #store} puts the table objects in both regions first and {@code base.manifest} last.
 * The segments are the bytes just stored in both regions, matched again to their SHA-256 here, so
 * the bench need not fetch them back (the sink does, from the regions).
 */
final class BenchBase implements AutoCloseable {
    /** The sink's default {@code strata.base.memory.bytes}: folds beyond it spill to disk. */
    private static final long SINK_FOLD_MEMORY = 256L << 20;

    /** A base written to files, not stored yet. */
    record Made(BaseManifest manifest, Map<String, ObjectFile> files) {
    }

    private final TenantId tenant;
    private final long cutMicros;
    private final Optional<StoredBaseManifest> previous;
    private final Path work;
    private final ShapeCatalog catalog = new ShapeCatalog();
    private final ChangeFolder folder;
    private final SegmentFold segmentFold;
    private final List<ManifestEntry> folded = new ArrayList<>();
    private long maxLsn;

    private BenchBase(TenantId tenant, long cutMicros, Optional<Made> previous, Path work) {
        this.tenant = tenant;
        this.cutMicros = cutMicros;
        this.previous = previous.map(p -> BaseManifestCodec.seal(p.manifest()));
        this.work = work;
        this.folder = new ChangeFolder(catalog, new FoldMemory(SINK_FOLD_MEMORY, work, FoldMemory.DEFAULT_PARTITIONS));
        this.segmentFold = new SegmentFold(catalog, cutMicros);
    }

    /** A fold to {@code cutMicros}, on top of {@code previous} if there is one. */
    static BenchBase start(TenantId tenant, long cutMicros, Optional<Made> previous, Path parent) throws IOException {
        BenchBase base = new BenchBase(tenant, cutMicros, previous, Files.createTempDirectory(parent, "base-"));
        if (previous.isPresent()) {
            base.loadPrevious(previous.get());
        }
        return base;
    }

    private void loadPrevious(Made made) throws IOException {
        StoredBaseManifest sealed = previous.orElseThrow();
        BaseManifest manifest = made.manifest();
        maxLsn = manifest.cut().cutLsn();
        folded.add(new ManifestEntry(manifest.objectKey(), sealed.bytes().length, sealed.sha256()));
        for (BaseTable table : manifest.tables()) {
            byte[] content = Files.readAllBytes(made.files().get(table.table()).path());
            requireSha256(manifest.tableKey(table), content, table.sha256());
            BaseLoader.load(table, content, manifest.tableKey(table).value(), catalog, folder);
        }
    }

    void fold(ObjectKey key, Segment segment) {
        byte[] bytes = segment.bytes();
        requireSha256(key, bytes, segment.summary().sha256());
        segmentFold.read(bytes, segment.summary().sha256(), key.value(), op -> {
            maxLsn = Math.max(maxLsn, op.lsn());
            folder.accept(op);
        });
        folded.add(new ManifestEntry(key, bytes.length, segment.summary().sha256()));
    }

    /** Drains the fold into one file per table; the fold cannot be used after. */
    Made finish() {
        BaseCut cut = new BaseCut(cutMicros, maxLsn);
        BaseBuilder.Built built = BaseBuilder.write(tenant, cut, catalog, folder, work);
        BaseManifest manifest = new BaseManifest(tenant, cut,
                previous.map(p -> new BaseManifest.PreviousBase(p.manifest().cut(), p.sha256())), built.tables(), folded);
        return new Made(manifest, built.files());
    }

    /** Every table object in both regions, then the manifest: the order that makes a base all or nothing. */
    static void store(Made made, ObjectStore primary, ObjectStore backup) throws IOException {
        BaseManifest manifest = made.manifest();
        for (BaseTable table : manifest.tables()) {
            primary.putIfAbsent(manifest.tableKey(table), made.files().get(table.table()));
            backup.putIfAbsent(manifest.tableKey(table), made.files().get(table.table()));
        }
        StoredBaseManifest sealed = BaseManifestCodec.seal(manifest);
        primary.putIfAbsent(manifest.objectKey(), sealed.bytes(), sealed.sha256());
        backup.putIfAbsent(manifest.objectKey(), sealed.bytes(), sealed.sha256());
    }

    private static void requireSha256(ObjectKey key, byte[] bytes, Sha256 expected) {
        if (!Sha256.of(bytes).equals(expected)) {
            throw new IllegalStateException(key + " does not match its SHA-256: nothing of it is folded");
        }
    }

    @Override
    public void close() {
        folder.close();
    }
}
