package dev.strata.sink.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.LateNotice;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.SealedManifest;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the sealer reads from both regions with the writer credential (latest versions, plain
 * LIST, HEAD and GET: a writer may not list versions). "Durable" here means present in BOTH
 * regions with the same size and declared SHA-256: a manifest only names such objects.
 */
public final class RegionReader {
    private final ObjectStore primary;
    private final ObjectStore backup;

    public RegionReader(ObjectStore primary, ObjectStore backup) {
        this.primary = primary;
        this.backup = backup;
    }

    /** The tenant's segments filed under {@code hour} that both regions hold, with sizes, in key order. */
    public Map<ObjectKey, Long> durableSegments(TenantId tenant, UtcHour hour) {
        Map<ObjectKey, Long> inBackup = new LinkedHashMap<>();
        backup.listAll(BackupLayout.logHourPrefix(tenant, hour), Optional.empty()).forEach(o -> inBackup.put(o.key(), o.size()));
        Map<ObjectKey, Long> both = new TreeMap<>();
        primary.listAll(BackupLayout.logHourPrefix(tenant, hour), Optional.empty())
                .filter(o -> Long.valueOf(o.size()).equals(inBackup.get(o.key())))
                .forEach(o -> both.put(o.key(), o.size()));
        return both;
    }

    /** The hours that hold segments of the tenant from {@code from} on (for hours an earlier run left unsealed). */
    public Set<UtcHour> hoursWithSegments(TenantId tenant, UtcHour from) {
        Set<UtcHour> hours = new HashSet<>();
        primary.listAll(BackupLayout.logPrefix(tenant), Optional.of(BackupLayout.logStartAfter(tenant, from.startMicros())))
                .map(ListedObject::key).forEach(key -> {
                    try {
                        hours.add(BackupLayout.parseSegment(key).hour());
                    } catch (InvalidObjectKeyException e) {
                        // not a segment: nothing to seal
                    }
                });
        return hours;
    }

    /** An entry for a durable object whose SHA-256 this run does not remember: the declared one, equal in both regions. */
    public Optional<ManifestEntry> entryFromHeads(ObjectKey key, long size) {
        Optional<ObjectInfo> p = primary.head(key);
        Optional<ObjectInfo> b = backup.head(key);
        if (p.isEmpty() || b.isEmpty() || p.get().declaredSha256().isEmpty() || !p.get().declaredSha256().equals(b.get().declaredSha256())
                || p.get().size() != size || b.get().size() != size) {
            return Optional.empty();
        }
        return Optional.of(new ManifestEntry(key, size, p.get().declaredSha256().get()));
    }

    /** Manifest keys of the tenant after {@code startAfter} (or all), with the regions holding each. */
    public NavigableMap<ObjectKey, Presence> manifestKeys(TenantId tenant, Optional<ObjectKey> startAfter) {
        NavigableMap<ObjectKey, Presence> keys = new TreeMap<>();
        primary.listAll(BackupLayout.manifestsPrefix(tenant), startAfter).forEach(o -> keys.merge(o.key(), Presence.PRIMARY, Presence::and));
        backup.listAll(BackupLayout.manifestsPrefix(tenant), startAfter).forEach(o -> keys.merge(o.key(), Presence.BACKUP, Presence::and));
        return keys;
    }

    /** The keys the manifests of {@code hour} already vouch for. */
    public Set<ObjectKey> vouchedIn(TenantId tenant, UtcHour hour) {
        return entriesIn(tenant, hour).keySet();
    }

    /** What the manifests of {@code hour} say about each object they name: its size and SHA-256 as written. */
    public Map<ObjectKey, ManifestEntry> entriesIn(TenantId tenant, UtcHour hour) {
        Map<ObjectKey, ManifestEntry> entries = new HashMap<>();
        for (ObjectKey key : manifestKeys(tenant, Optional.of(BackupLayout.manifestsStartAfter(tenant, hour))).keySet()) {
            ManifestKey manifest = BackupLayout.parseManifest(key);
            if (!manifest.hour().equals(hour)) {
                break;
            }
            read(key).manifest().entries().forEach(e -> entries.put(e.key(), e));
        }
        return entries;
    }

    /** A manifest's stored bytes, from whichever region has it. */
    public SealedManifest read(ObjectKey key) {
        for (ObjectStore store : List.of(primary, backup)) {
            Optional<StoredObject> stored = store.get(key);
            if (stored.isPresent()) {
                return ManifestCodec.read(stored.get().bytes());
            }
        }
        throw new IllegalStateException("manifest " + key + " is in neither region although it was just listed");
    }

    /**
     * The tenant's segments both regions hold (same size) whose first commit is in
     * [{@code fromMicros}, {@code toMicros}], in key order (commit order).
     */
    public List<ListedObject> durableSegmentsBetween(TenantId tenant, long fromMicros, long toMicros) {
        Optional<ObjectKey> start = fromMicros <= 0 ? Optional.empty() : Optional.of(BackupLayout.logStartAfter(tenant, fromMicros - 1));
        Map<ObjectKey, Long> inBackup = new HashMap<>();
        backup.listAll(BackupLayout.logPrefix(tenant), start).takeWhile(o -> firstCommit(o.key()) <= toMicros)
                .forEach(o -> inBackup.put(o.key(), o.size()));
        return primary.listAll(BackupLayout.logPrefix(tenant), start).takeWhile(o -> firstCommit(o.key()) <= toMicros)
                .filter(o -> Long.valueOf(o.size()).equals(inBackup.get(o.key())))
                .toList();
    }

    /**
     * The segments named by the tenant's late notices that arrived at {@code fromMicros} or later, with the
     * size their notice gives. A notice is stored only once its segment is durable in both regions, so
     * either region's listing of notices will do; a notice is read from whichever region has it.
     */
    public List<ListedObject> lateSegmentsSince(TenantId tenant, long fromMicros) {
        Optional<ObjectKey> start = Optional.of(BackupLayout.lateStartAfter(tenant, fromMicros));
        Set<ObjectKey> notices = new TreeSet<>();
        for (ObjectStore store : List.of(primary, backup)) {
            store.listAll(BackupLayout.latePrefix(tenant), start).forEach(o -> notices.add(o.key()));
        }
        Map<ObjectKey, ListedObject> segments = new LinkedHashMap<>();
        for (ObjectKey key : notices) {
            LateNotice notice = LateNotice.decode(key, anyCopy(key).orElseThrow(() -> new IllegalStateException(
                    "late notice " + key + " was listed but neither region gives it now; retrying at the next check")));
            segments.putIfAbsent(notice.segment().key(), new ListedObject(notice.segment().key(), notice.segment().size()));
        }
        return List.copyOf(segments.values());
    }

    private static long firstCommit(ObjectKey key) {
        try {
            return BackupLayout.parseSegment(key).minCommitMicros();
        } catch (InvalidObjectKeyException notASegment) {
            return Long.MIN_VALUE; // a stray object under log/: skipped by the caller's parse, never stops the listing
        }
    }

    /** The cuts of the tenant's bases whose manifest both regions hold, newest first: a base without one is an interrupted fold. */
    public List<BaseCut> completeBases(TenantId tenant) {
        List<BaseCut> cuts = new ArrayList<>();
        baseManifests(tenant).descendingMap().forEach((cut, presence) -> {
            if (presence == Presence.BOTH) {
                cuts.add(cut);
            }
        });
        return cuts;
    }

    /** The cuts of the tenant's bases that have a manifest in either region, with the regions holding it. */
    public NavigableMap<BaseCut, Presence> baseManifests(TenantId tenant) {
        NavigableMap<BaseCut, Presence> manifests = new TreeMap<>();
        addBaseManifests(primary, tenant, Presence.PRIMARY, manifests);
        addBaseManifests(backup, tenant, Presence.BACKUP, manifests);
        return manifests;
    }

    private static void addBaseManifests(ObjectStore store, TenantId tenant, Presence region, NavigableMap<BaseCut, Presence> manifests) {
        store.listAll(BackupLayout.basesPrefix(tenant), Optional.empty()).map(ListedObject::key).forEach(key -> {
            try {
                manifests.merge(BackupLayout.parseBaseManifest(key).cut(), region, Presence::and);
            } catch (InvalidObjectKeyException notAManifest) {
                // a table object: its manifest decides
            }
        });
    }

    /** What each region's HEAD says of an object. */
    public Heads heads(ObjectKey key) {
        return new Heads(primary.head(key), backup.head(key));
    }

    /** An object as the primary and the backup region's HEADs describe it (empty where it is missing). */
    public record Heads(Optional<ObjectInfo> primary, Optional<ObjectInfo> backup) {
        /** Whether both regions hold the object with this size and declared SHA-256. */
        public boolean bothHold(long size, Sha256 sha256) {
            return holds(primary, size, sha256) && holds(backup, size, sha256);
        }

        private static boolean holds(Optional<ObjectInfo> head, long size, Sha256 sha256) {
            return head.isPresent() && head.get().size() == size && head.get().declaredSha256().equals(Optional.of(sha256));
        }
    }

    /** An object's stored bytes from whichever region has it (primary first). */
    public Optional<byte[]> anyCopy(ObjectKey key) {
        for (ObjectStore store : List.of(primary, backup)) {
            Optional<StoredObject> stored = store.get(key);
            if (stored.isPresent()) {
                return Optional.of(stored.get().bytes());
            }
        }
        return Optional.empty();
    }

    /** An object's bytes from whichever region has it, matched against {@code expected}; fails naming the key otherwise. */
    public byte[] fetchVerified(ObjectKey key, Sha256 expected) {
        return firstMatching(key, expected, store -> store.get(key).map(StoredObject::bytes), expected::matches, bytes -> { });
    }

    /**
     * As {@link #fetchVerified}, for an object too large for memory (a base table): read to {@code target}
     * and hashed as it is written, so the check is over the bytes received; a copy that does not match is
     * deleted before the other region is tried, and on the alarm nothing is left at {@code target}.
     */
    public ObjectFile fetchVerifiedToFile(ObjectKey key, Sha256 expected, Path target) {
        return firstMatching(key, expected, store -> store.getToFile(key, target).map(StoredFile::file),
                file -> file.sha256().equals(expected), file -> deleteAlteredCopy(file.path()));
    }

    private <T> T firstMatching(ObjectKey key, Sha256 expected, Function<ObjectStore, Optional<T>> read, Predicate<T> matches,
            Consumer<T> discard) {
        for (ObjectStore store : List.of(primary, backup)) {
            Optional<T> stored = read.apply(store);
            if (stored.isPresent()) {
                if (matches.test(stored.get())) {
                    return stored.get();
                }
                discard.accept(stored.get());
            }
        }
        throw new IllegalStateException("ALARM: " + key + " matches its SHA-256 " + expected + " in neither region: it is"
                + " missing or was altered; no base is made from it; run restore-tool verify");
    }

    private static void deleteAlteredCopy(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ", an altered copy of a base object: delete it by hand", e);
        }
    }

    /** Where an object was found. */
    public enum Presence {
        PRIMARY, BACKUP, BOTH;

        Presence and(Presence other) {
            return this == other ? this : BOTH;
        }
    }
}
