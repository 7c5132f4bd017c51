package dev.strata.restore.store;

import dev.strata.restore.BadInputException;
import dev.strata.restore.VerificationFailedException;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.StoreException;
import dev.strata.schemas.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one object from the primary region, or from the backup when the primary lacks it, cannot
 * be reached or holds bytes that do not match the checksum that vouches for them; every fallback is
 * noted for the summary. Bytes are accepted only when they match: the manifest's SHA-256 and size
 * for a sealed hour, the SHA-256 the writer declared for an unsealed one. Thread-safe.
 */
public final class ObjectFetcher {
    private final RegimeStores stores;
    private final RegionNotes notes;

    public ObjectFetcher(RegimeStores stores, RegionNotes notes) {
        this.stores = stores;
        this.notes = notes;
    }

    /**
     * @param listedIn the regions whose listing showed the key (a region missing here is still tried:
     *     its listing may have failed)
     * @param vouched the manifest entry, empty for an object of a hour not sealed yet
     */
    public FetchedObject fetch(ObjectKey key, Set<Region> listedIn, Optional<ManifestEntry> vouched) {
        List<String> corrupt = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        StoreFailures unreachable = new StoreFailures();
        for (RegionStore region : stores.regions()) {
            Optional<StoredObject> read;
            try {
                read = vouched.isPresent() ? readLatestIfVouched(region, key, vouched.get()) : Optional.empty();
                if (read.isEmpty()) {
                    read = region.store().get(key);
                }
            } catch (StoreException e) {
                unreachable.add(region, e);
                continue;
            }
            if (read.isEmpty()) {
                missing.add(region.region().label() + " lacks it" + (listedIn.contains(region.region()) ? " (though it listed it)" : ""));
                continue;
            }
            Optional<String> problem = problem(read.get(), vouched);
            if (problem.isPresent()) {
                corrupt.add(region.region().label() + " copy " + problem.get());
                continue;
            }
            if (region.region() != Region.PRIMARY) {
                List<String> why = new ArrayList<>(missing);
                why.addAll(corrupt);
                why.addAll(unreachable.reasons());
                notes.note("read " + key + " from " + region.describe() + ": " + String.join("; ", why));
            }
            notes.readFrom(region.region());
            StoredObject object = read.get();
            Sha256 sha = vouched.map(ManifestEntry::sha256).orElseGet(() -> object.declaredSha256().orElseThrow());
            return new FetchedObject(key, object.bytes(), sha, region.region(), vouched.isPresent());
        }
        if (!corrupt.isEmpty()) {
            List<String> all = new ArrayList<>(corrupt);
            all.addAll(missing);
            all.addAll(unreachable.reasons());
            throw new VerificationFailedException("object " + key + " is altered or corrupt in every region that holds it ("
                    + String.join("; ", all) + "): nothing will be restored from it; run restore-tool verify and restore"
                    + " the object from a trusted copy, or restore to a time before it");
        }
        if (unreachable.isEmpty()) {
            throw new VerificationFailedException("object " + key + " is listed but neither region holds it now (" + String.join("; ", missing)
                    + "): the backup has lost it; run restore-tool verify, or restore to a time before it");
        }
        List<String> all = new ArrayList<>(missing);
        all.addAll(unreachable.reasons());
        throw new BadInputException("cannot read " + key + ": " + String.join("; ", all));
    }

    /**
     * The latest version, if it is the one the manifest names; else empty, and the first-version
     * read follows. A latest version other than the manifest's is an overwrite: worth a note.
     */
    private Optional<StoredObject> readLatestIfVouched(RegionStore region, ObjectKey key, ManifestEntry entry) {
        if (region.latest().isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredObject> latest;
        try {
            latest = region.latest().get().get(key);
        } catch (StoreException e) {
            return Optional.empty(); // the first-version read reports the store's trouble
        }
        if (latest.isPresent() && !entry.matches(latest.get().bytes())) {
            notes.note("the latest version of " + key + " in " + region.describe() + " is not the one its manifest names"
                    + " (overwritten?): read its first version instead; run restore-tool verify");
            return Optional.empty();
        }
        return latest;
    }

    private static Optional<String> problem(StoredObject object, Optional<ManifestEntry> vouched) {
        byte[] bytes = object.bytes();
        if (vouched.isPresent()) {
            ManifestEntry entry = vouched.get();
            if (entry.matches(bytes)) {
                return Optional.empty();
            }
            return Optional.of("has SHA-256 " + Sha256.of(bytes) + " and " + bytes.length + " bytes, but its manifest says "
                    + entry.sha256() + " and " + entry.size() + " bytes (tampered or corrupt)");
        }
        if (object.declaredSha256().isEmpty()) {
            return Optional.of("has no declared SHA-256 and no manifest vouches for it (not written by Strata?)");
        }
        if (!object.matchesDeclaredSha256()) {
            return Optional.of("does not match its declared SHA-256 " + object.declaredSha256().get() + " (tampered or corrupt)");
        }
        return Optional.empty();
    }
}
