package dev.strata.restore.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import dev.strata.restore.VerificationFailedException;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads one object from the primary region, or from the backup when the primary lacks it, cannot
 * be reached or holds bytes that do not match the checksum that vouches for them; every fallback is
 * noted for the summary. Bytes are accepted only when they match: the manifest's SHA-256 and size
 * for a sealed hour, the SHA-256 the writer declared for an unsealed one. A segment or base body sealed under its
 * tenant's data key is then opened (and so authenticated) with the regime's key store; what is returned is the body,
 * except from {@link #fetchStoredToFile}, whose stored bytes {@link #opening} opens while they are read.
 * Thread-safe.
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
        Accepted<StoredObject> accepted = accept(key, listedIn, vouched, RegionCopy.IN_MEMORY);
        byte[] stored = accepted.copy().bytes();
        // the stored bytes matched their checksum; a sealed body is authenticated chunk by chunk as it opens
        byte[] body = stores.bodies().open(key, stored);
        return new FetchedObject(key, body, accepted.from(), vouched.isPresent());
    }

    /**
     * As {@link #fetch}, for an object that may not fit in memory (a base table): each region's copy is
     * written to {@code target} and hashed as it arrives, and only a copy matching {@code vouched} is
     * kept; on a failure nothing is left at {@code target}. The caller deletes the file when done.
     */
    public ObjectFile fetchToFile(ObjectKey key, Set<Region> listedIn, ManifestEntry vouched, Path target) {
        ObjectFile stored = fetchStoredToFile(key, listedIn, vouched, target);
        Path sealed = target.resolveSibling(target.getFileName() + ".sealed");
        try {
            ObjectFile staged = stored.moveTo(sealed);
            ObjectFile body = stores.bodies().open(key, staged, target);
            // a body written before sealing is the stored bytes themselves
            return body == staged ? staged.moveTo(target) : body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + key + " staged at " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(sealed);
        }
    }

    /**
     * As {@link #fetchToFile}, leaving the stored bytes (matched to {@code vouched}) at {@code target}, not yet
     * opened: {@link #opening} opens them while they are read.
     */
    public ObjectFile fetchStoredToFile(ObjectKey key, Set<Region> listedIn, ManifestEntry vouched, Path target) {
        return accept(key, listedIn, Optional.of(vouched), RegionCopy.toFile(target)).copy().file();
    }

    /**
     * What opens the stored bytes of {@code key} (from {@link #fetchStoredToFile}) while they are read, chunk by
     * chunk as each is authenticated: {@link dev.strata.schemas.crypto.BodySealer#opening}. The data key is had
     * when a stream is opened, before its first byte.
     */
    public UnaryOperator<InputStream> opening(ObjectKey key) {
        return stored -> stores.bodies().opening(key, stored);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the staging directory is the caller's to clean; a leftover sealed copy holds nothing readable
        }
    }

    /** A copy that passed its check (its checksum matched) and the region it came from. */
    private record Accepted<T>(T copy, Region from) {
    }

    private <T> Accepted<T> accept(ObjectKey key, Set<Region> listedIn, Optional<ManifestEntry> vouched, RegionCopy<T> copies) {
        List<String> corrupt = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        StoreFailures unreachable = new StoreFailures();
        for (RegionStore region : stores.regions()) {
            Optional<T> read;
            try {
                read = vouched.isPresent() ? readLatestIfVouched(region, key, vouched.get(), copies) : Optional.empty();
                if (read.isEmpty()) {
                    read = copies.read(region.store(), key);
                }
            } catch (StoreException e) {
                unreachable.add(region, e);
                continue;
            }
            if (read.isEmpty()) {
                missing.add(region.region().label() + " lacks it" + (listedIn.contains(region.region()) ? " (though it listed it)" : ""));
                continue;
            }
            T copy = read.get();
            Optional<String> problem = problem(copies, copy, vouched);
            if (problem.isPresent()) {
                corrupt.add(region.region().label() + " copy " + problem.get());
                copies.discard(copy);
                continue;
            }
            if (region.region() != Region.PRIMARY) {
                List<String> why = new ArrayList<>(missing);
                why.addAll(corrupt);
                why.addAll(unreachable.reasons());
                notes.note("read " + key + " from " + region.describe() + ": " + String.join("; ", why));
            }
            notes.readFrom(region.region());
            return new Accepted<>(copy, region.region());
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
        // a region that did not answer may hold it: retrying may help if none refused the read
        throw unreachable.error("cannot read " + key + ": " + String.join("; ", all));
    }

    /**
     * The latest version, if it is the one the manifest names; else empty, and the first-version
     * read follows. A latest version other than the manifest's is an overwrite: worth a note.
     */
    private <T> Optional<T> readLatestIfVouched(RegionStore region, ObjectKey key, ManifestEntry entry, RegionCopy<T> copies) {
        if (region.latest().isEmpty()) {
            return Optional.empty();
        }
        Optional<T> latest;
        try {
            latest = copies.read(region.latest().get(), key);
        } catch (StoreException e) {
            return Optional.empty(); // the first-version read reports the store's trouble
        }
        if (latest.isPresent() && !matches(entry, copies, latest.get())) {
            copies.discard(latest.get());
            notes.note("the latest version of " + key + " in " + region.describe() + " is not the one its manifest names"
                    + " (overwritten?): read its first version instead; run restore-tool verify");
            return Optional.empty();
        }
        return latest;
    }

    private static <T> boolean matches(ManifestEntry entry, RegionCopy<T> copies, T copy) {
        return copies.size(copy) == entry.size() && copies.sha256(copy).equals(entry.sha256());
    }

    private static <T> Optional<String> problem(RegionCopy<T> copies, T copy, Optional<ManifestEntry> vouched) {
        Sha256 received = copies.sha256(copy);
        if (vouched.isPresent()) {
            ManifestEntry entry = vouched.get();
            if (matches(entry, copies, copy)) {
                return Optional.empty();
            }
            return Optional.of("has SHA-256 " + received + " and " + copies.size(copy) + " bytes, but its manifest says "
                    + entry.sha256() + " and " + entry.size() + " bytes (tampered or corrupt)");
        }
        Optional<Sha256> declared = copies.declaredSha256(copy);
        if (declared.isEmpty()) {
            return Optional.of("has no declared SHA-256 and no manifest vouches for it (not written by Strata?)");
        }
        if (!declared.get().equals(received)) {
            return Optional.of("does not match its declared SHA-256 " + declared.get() + " (tampered or corrupt)");
        }
        return Optional.empty();
    }
}
