package dev.strata.restore.testing;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.SealedManifest;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentWriter;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.base.BaseBuilder;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.base.StoredBaseManifest;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.EventConverter;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.layout.BaseCut;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes a tenant's backup as the sink does (DESIGN.md section 5), with the schemas codecs: the
 * same segment bytes under the same key in both regions, then per tenant hour a sealed manifest
 * whose entries give every segment's SHA-256 and whose link is the previous manifest's SHA-256.
 */
public final class BackupWriter {
    private final ObjectStore primary;
    private final ObjectStore backup;
    private final Map<TenantId, TreeMap<UtcHour, List<ManifestEntry>>> unsealed = new HashMap<>();
    private final Map<TenantId, Optional<Sha256>> lastManifest = new HashMap<>();
    private long nextOffset;
    private boolean skipPrimary;

    public BackupWriter(ObjectStore primary, ObjectStore backup) {
        this.primary = primary;
        this.backup = backup;
    }

    /** One segment of one tenant's events, at the next Kafka offsets of partition 0; returns its key. */
    public ObjectKey segment(List<ChangeEvent> events) {
        return segment(TenantId.of(events.get(0).getTenant()), SegmentWriter.encode(events));
    }

    /** An already encoded segment of one tenant's events (for a caller that also folds its bytes, as the sink's bases do). */
    public ObjectKey segment(TenantId tenant, Segment segment) {
        long first = nextOffset;
        nextOffset += segment.summary().eventCount();
        SegmentKey key = new SegmentKey(tenant, segment.summary().minCommitMicros(), segment.summary().maxCommitMicros(), 0, first,
                nextOffset - 1);
        ObjectKey objectKey = BackupLayout.segment(key);
        if (!skipPrimary) {
            primary.putIfAbsent(objectKey, segment.bytes(), segment.summary().sha256());
        }
        backup.putIfAbsent(objectKey, segment.bytes(), segment.summary().sha256());
        unsealed.computeIfAbsent(tenant, t -> new TreeMap<>()).computeIfAbsent(key.hour(), h -> new ArrayList<>())
                .add(new ManifestEntry(objectKey, segment.bytes().length, segment.summary().sha256()));
        return objectKey;
    }

    /** While set, segments go to the backup region only (as if the primary lost them). */
    public void skipPrimary(boolean skip) {
        this.skipPrimary = skip;
    }

    /** Splits a tenant's events, in order, into segments of {@code perSegment} events each. */
    public List<ObjectKey> segments(List<ChangeEvent> events, int perSegment) {
        List<ObjectKey> keys = new ArrayList<>();
        for (int i = 0; i < events.size(); i += perSegment) {
            keys.add(segment(events.subList(i, Math.min(events.size(), i + perSegment))));
        }
        return keys;
    }

    /** Seals every hour of the tenant before {@code openHour} (empty: all hours), chaining the manifests. */
    public List<ObjectKey> seal(TenantId tenant, Optional<UtcHour> openHour) {
        List<ObjectKey> sealed = new ArrayList<>();
        TreeMap<UtcHour, List<ManifestEntry>> hours = unsealed.getOrDefault(tenant, new TreeMap<>());
        for (UtcHour hour : new ArrayList<>(hours.keySet())) {
            if (openHour.isPresent() && hour.compareTo(openHour.get()) >= 0) {
                break;
            }
            Optional<Sha256> previous = lastManifest.getOrDefault(tenant, Optional.empty());
            SealedManifest m = ManifestCodec.seal(new Manifest(tenant, hour, 0, previous, hours.remove(hour)));
            ObjectKey key = BackupLayout.manifest(m.manifest().key());
            primary.putIfAbsent(key, m.bytes(), m.sha256());
            backup.putIfAbsent(key, m.bytes(), m.sha256());
            lastManifest.put(tenant, Optional.of(m.sha256()));
            sealed.add(key);
        }
        return sealed;
    }

    /**
     * Folds {@code events} up to {@code cut} as the sink does and stores the base: every table
     * object, then (unless {@code withManifest} is false: a fold killed before its last write) base.manifest.
     */
    public BaseManifest base(TenantId tenant, List<ChangeEvent> events, BaseCut cut, Path workDir, boolean withManifest) {
        return base(tenant, events, cut, workDir, withManifest, List.of());
    }

    /** @param folded what the base's manifest says it folded */
    public BaseManifest base(TenantId tenant, List<ChangeEvent> events, BaseCut cut, Path workDir, boolean withManifest,
                             List<ManifestEntry> folded) {
        ShapeCatalog catalog = new ShapeCatalog();
        EventConverter converter = new EventConverter(catalog, cut.cutCommitMicros());
        BaseBuilder.Built built;
        try (ChangeFolder folder = new ChangeFolder(catalog, FoldMemory.defaults(workDir))) {
            events.forEach(e -> converter.convert(e, folder::accept));
            built = BaseBuilder.write(tenant, cut, catalog, folder, workDir);
        }
        BaseManifest manifest = new BaseManifest(tenant, cut, Optional.empty(), built.tables(), folded);
        for (BaseTable table : built.tables()) {
            primary.putIfAbsent(manifest.tableKey(table), built.files().get(table.table()));
            backup.putIfAbsent(manifest.tableKey(table), built.files().get(table.table()));
        }
        if (withManifest) {
            StoredBaseManifest sealed = BaseManifestCodec.seal(manifest);
            primary.putIfAbsent(manifest.objectKey(), sealed.bytes(), sealed.sha256());
            backup.putIfAbsent(manifest.objectKey(), sealed.bytes(), sealed.sha256());
        }
        return manifest;
    }
}
