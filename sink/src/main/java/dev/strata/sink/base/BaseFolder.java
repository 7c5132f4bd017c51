package dev.strata.sink.base;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.base.BaseBuilder;
import dev.strata.schemas.base.BaseDefinition;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.base.StoredBaseManifest;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.sink.SinkConfig;
import dev.strata.sink.ownership.Lease;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one base of a tenant: the newest complete base plus the verified log up to a cut, folded by
 * the same code a replay folds with, written as one object per table and then {@code base.manifest}.
 *
 * <p>The cut: the tenant's watermark says every change committed at or before {@code durableCommit}
 * is durable in both regions, whole transactions only ({@code WatermarkTracker}); the cut stays one
 * microsecond before it because a watermark read from the topic may have been published by an
 * earlier sink, whose watermark could end inside a transaction that spans two segments. Every change
 * committed at or before the cut lies before that transaction's events in the tenant's partition, so
 * all of it is in the segments listed. The cut's LSN is the greatest LSN folded.
 *
 * <p>Invariants kept here (DESIGN.md section 5): the inputs are only objects durable in both regions
 * whose bytes matched their SHA-256 (a sealed manifest's or the one both regions declare) before
 * anything of them is folded; the table objects are stored in both regions first, and the manifest
 * LAST, so a fold killed midway leaves table objects that no reader uses (they need the manifest)
 * and that the next fold at the same cut re-makes with the same bytes.
 */
public final class BaseFolder {
    private static final Logger LOG = LoggerFactory.getLogger(BaseFolder.class);

    private final RegionReader reader;
    private final DualRegionUploader uploader;
    private final BaseRepair repair;
    private final BodySealer bodies;
    private final BaseSettings settings;
    private final BaseMetrics metrics;
    private final Clock clock;

    public BaseFolder(RegionReader reader, DualRegionUploader uploader, BodySealer bodies, BaseSettings settings, BaseMetrics metrics,
                      Clock clock) {
        this.reader = reader;
        this.bodies = bodies;
        this.uploader = uploader;
        this.repair = new BaseRepair(reader, uploader, metrics, settings.spillDir());
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * The cut of the tenant's newest complete base. Its manifest may have been in one region only: it is
     * completed in the other before anything is decided from it, never re-made (see {@link BaseRepair}).
     */
    Optional<BaseCut> newestCut(TenantId tenant) {
        return repair.newestComplete(tenant);
    }

    /** The manifest of the tenant's newest complete base: its cut and its tables' row counts. */
    Optional<BaseManifest> newest(TenantId tenant) {
        return newestCut(tenant).map(cut -> readManifest(tenant, cut).manifest());
    }

    /**
     * Makes a base at the latest safe cut below {@code durableCommitMicros}.
     *
     * @param lease the tenant's partition, held by this instance: the fold stops (PartitionMovedException) at its next
     *     segment or before its manifest once the partition has moved to another instance, which makes the base instead
     * @return the base written, or empty when there is no log after the newest base up to the cut
     */
    public Optional<BaseManifest> make(TenantId tenant, long durableCommitMicros, Lease lease) {
        Instant start = clock.instant();
        Optional<StoredBaseManifest> previous = newestCut(tenant).map(cut -> readManifest(tenant, cut));
        long cutMicros = durableCommitMicros - 1;
        long previousCut = previous.map(p -> p.manifest().cut().cutCommitMicros()).orElse(Long.MIN_VALUE);
        if (cutMicros <= previousCut) {
            return Optional.empty();
        }
        FoldWindow window = previous.map(p -> FoldWindow.after(p.manifest(), foldedInLookback(tenant, p.manifest()), settings.maxSegmentSpan()))
                .orElseGet(FoldWindow::first);
        // listed before the log: a notice stored from here on is found by the next base, or by a replay from this one
        long lateNoticesFrom = micros(clock.instant()) - BackupLayout.LATE_NOTICE_MAX_DELAY.toNanos() / 1000;
        Map<ObjectKey, ListedObject> inputs = new LinkedHashMap<>();
        previous.ifPresent(p -> reader.lateSegmentsSince(tenant, p.manifest().lateNoticesFrom().orElse(0L)).stream()
                .filter(o -> window.needs(o.key()) && BackupLayout.parseSegment(o.key()).minCommitMicros() <= cutMicros)
                .forEach(o -> inputs.put(o.key(), o)));
        reader.durableSegmentsBetween(tenant, window.listFromMicros(), cutMicros).stream()
                .filter(o -> window.needs(o.key())).forEach(o -> inputs.put(o.key(), o));
        List<ListedObject> segments = List.copyOf(inputs.values());
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        Path work = workDirectory(tenant);
        try {
            ShapeCatalog catalog = new ShapeCatalog();
            DefinitionHistory definitions = new DefinitionHistory();
            List<ManifestEntry> folded = new ArrayList<>();
            AtomicLong maxLsn = new AtomicLong(previous.map(p -> p.manifest().cut().cutLsn()).orElse(0L));
            long foldedBytes;
            BaseBuilder.Built built;
            BaseCut cut;
            long duplicates;
            try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(settings.memoryBytes(), work, FoldMemory.DEFAULT_PARTITIONS))) {
                previous.ifPresent(p -> BaseDefinition.load(p.manifest().definitions(), catalog, definitions));
                SegmentFold segmentFold = new SegmentFold(tenant, catalog, cutMicros, TransactionFilter.ALL, definitions);
                Map<UtcHour, Map<ObjectKey, ManifestEntry>> sealed = new HashMap<>();
                // newest first, the previous base last: the fold keeps each key's newest version at its first sight and
                // refuses the older ones at the probe, so it holds no superseded versions (a tenant's first base, folded
                // from its whole log, then fits the memory that holds its rows: not spilled, it is written in key order)
                ManifestEntry[] entries = new ManifestEntry[segments.size()];
                foldedBytes = 0;
                for (int i = segments.size() - 1; i >= 0; i--) {
                    lease.check("folding " + segments.get(i).key());
                    ManifestEntry entry = expectedEntry(tenant, segments.get(i), sealed);
                    byte[] bytes = reader.fetchVerified(entry.key(), entry.sha256());
                    // its bytes matched their SHA-256, and a sealed body is authenticated as it opens: only now is anything folded
                    byte[] body = bodies.open(entry.key(), bytes);
                    segmentFold.read(body, entry.key().value(), op -> {
                        maxLsn.accumulateAndGet(op.lsn(), Math::max);
                        folder.accept(op);
                    });
                    entries[i] = entry;
                    foldedBytes += bytes.length;
                }
                if (previous.isPresent()) {
                    lease.check("folding the previous base");
                    foldedBytes += loadPrevious(previous.get(), catalog, folder, folded, work);
                }
                folded.addAll(Arrays.asList(entries)); // in the listing's order, after the previous base's manifest
                cut = new BaseCut(cutMicros, maxLsn.get());
                duplicates = folder.stats().duplicates();
                built = sealed(tenant, BaseBuilder.write(tenant, cut, catalog, folder, work), cut, work);
            }
            BaseManifest manifest = new BaseManifest(tenant, cut,
                    previous.map(p -> new BaseManifest.PreviousBase(p.manifest().cut(), p.sha256())), built.tables(), folded,
                    Optional.of(lateNoticesFrom), duplicates, BaseDefinition.of(definitions, catalog));
            store(manifest, built, lease);
            Duration took = Duration.between(start, clock.instant());
            metrics.written(tenant, cutMicros, foldedBytes, took);
            metrics.duplicatesRemoved(tenant, duplicates);
            LOG.info("base {} written: {} rows in {} tables, {} objects folded ({} bytes, {} duplicate changes removed) in {} ms",
                    manifest.objectKey(), manifest.rows(), manifest.tables().size(), folded.size(), foldedBytes, duplicates, took.toMillis());
            return Optional.of(manifest);
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * What a segment's bytes must hash to: the SHA-256 its sealed hour manifest recorded when it was
     * written (this sink reads the LATEST version of a key, and a stolen writer key can add one; a
     * restore reads the first), else the one both regions declare for a segment of an unsealed hour.
     */
    private ManifestEntry expectedEntry(TenantId tenant, ListedObject segment, Map<UtcHour, Map<ObjectKey, ManifestEntry>> sealed) {
        UtcHour hour = BackupLayout.parseSegment(segment.key()).hour();
        ManifestEntry recorded = sealed.computeIfAbsent(hour, h -> reader.entriesIn(tenant, h)).get(segment.key());
        if (recorded != null) {
            return recorded;
        }
        return reader.entryFromHeads(segment.key(), segment.size()).orElseThrow(() -> new IllegalStateException(
                "ALARM: " + segment.key() + " differs between the regions or has no SHA-256: no base of tenant " + tenant
                        + " is made past it; run restore-tool verify"));
    }

    /**
     * What {@code newest} and its ancestors with a cut inside the lookback folded. A segment listed
     * from {@code cut - lookback} on can only have been folded by one of them (a base folds segments
     * that begin at or before its cut), so older ones need not be read: one manifest per base in the
     * window, and no segment an earlier base holds is folded again.
     */
    private Set<ObjectKey> foldedInLookback(TenantId tenant, BaseManifest newest) {
        long since = newest.cut().cutCommitMicros() - settings.maxSegmentSpan().toNanos() / 1000;
        Set<ObjectKey> folded = new HashSet<>();
        BaseManifest manifest = newest;
        while (true) {
            manifest.folded().forEach(e -> folded.add(e.key()));
            Optional<BaseCut> previous = manifest.previous().map(BaseManifest.PreviousBase::cut).filter(c -> c.cutCommitMicros() >= since);
            if (previous.isEmpty()) {
                return folded;
            }
            manifest = readManifest(tenant, previous.get()).manifest();
        }
    }

    private StoredBaseManifest readManifest(TenantId tenant, BaseCut cut) {
        ObjectKey key = BackupLayout.baseManifest(new BaseManifestKey(tenant, cut));
        return BaseManifestCodec.read(reader.anyCopy(key).orElseThrow(() -> new IllegalStateException(
                "base manifest " + key + " was listed in both regions but is in neither now; retrying at the next check")));
    }

    /**
     * Folds the previous base in, after the log; every table object must match its SHA-256 in the manifest. Each is
     * read to a file in the work directory (a table can be larger than the heap), hashed as it arrives,
     * and deleted once folded, so the disk holds one of them at a time.
     */
    private long loadPrevious(StoredBaseManifest previous, ShapeCatalog catalog, ChangeFolder folder, List<ManifestEntry> folded,
            Path work) {
        BaseManifest manifest = previous.manifest();
        folded.add(new ManifestEntry(manifest.objectKey(), previous.bytes().length, previous.sha256()));
        long bytes = 0;
        int n = 0;
        for (BaseTable table : manifest.tables()) {
            ObjectKey key = manifest.tableKey(table);
            Path target = work.resolve("previous-base-table-" + n + ".avro");
            Path opened = work.resolve("previous-base-table-" + n++ + ".opened");
            try {
                ObjectFile content = reader.fetchVerifiedToFile(key, table.sha256(), target);
                ObjectFile body = bodies.open(key, content, opened);
                BaseLoader.load(table.withObject(body.size(), body.sha256()), body, key.value(), catalog, folder);
                bytes += content.size();
            } finally {
                deleteTableFile(target);
                deleteTableFile(opened);
            }
        }
        return bytes;
    }

    /**
     * The base's tables as they are stored: each body sealed under the tenant's data key of the cut, beside its plain
     * file in the work directory, and described in the manifest by the sealed bytes' size and SHA-256.
     */
    private BaseBuilder.Built sealed(TenantId tenant, BaseBuilder.Built built, BaseCut cut, Path work) {
        List<BaseTable> tables = new ArrayList<>();
        Map<String, ObjectFile> files = new HashMap<>();
        Instant cutTime = Instant.EPOCH.plus(cut.cutCommitMicros(), ChronoUnit.MICROS);
        int n = 0;
        for (BaseTable table : built.tables()) {
            ObjectKey key = BackupLayout.base(new BaseKey(tenant, cut, table.table()));
            ObjectFile file = bodies.seal(key, cutTime, built.files().get(table.table()), work.resolve("sealed-table-" + n++ + ".avro"));
            tables.add(table.withObject(file.size(), file.sha256()));
            files.put(table.table(), file);
        }
        return new BaseBuilder.Built(tables, files);
    }

    /**
     * Every table object durable in both regions, then the manifest: the order that makes a base all or
     * nothing. The table files stay in the work directory until both regions hold them; {@link #make}
     * deletes that directory afterwards, whether the upload succeeded or failed.
     */
    private void store(BaseManifest manifest, BaseBuilder.Built built, Lease lease) {
        lease.check("storing base " + manifest.objectKey());
        List<CompletableFuture<Void>> tables = new ArrayList<>();
        for (BaseTable table : manifest.tables()) {
            // streamed from the work directory by each region's put: a table larger than memory never is in it
            tables.add(uploader.upload(manifest.tableKey(table), built.files().get(table.table()), 0));
        }
        CompletableFuture.allOf(tables.toArray(CompletableFuture[]::new)).join();
        // the manifest makes the base; its bytes hold this fold's listing time, so two instances must not both write one
        lease.check("storing base manifest " + manifest.objectKey());
        StoredBaseManifest sealed = BaseManifestCodec.seal(manifest);
        uploader.upload(manifest.objectKey(), sealed.bytes(), sealed.sha256(), 0).join();
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    private Path workDirectory(TenantId tenant) {
        try {
            Files.createDirectories(settings.spillDir());
            return Files.createTempDirectory(settings.spillDir(), "strata-base-" + tenant.value() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for the base of tenant " + tenant + " under "
                    + settings.spillDir() + ": set " + SinkConfig.BASE_SPILL_DIR + " to a writable directory", e);
        }
    }

    private static void deleteTableFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}, a table of the previous base; the work directory is deleted at the end: {}", file, e.toString());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete the base work directory {}: {}", dir, e.toString());
        }
    }
}
