package dev.strata.restore.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One region's copy of an object as {@link ObjectFetcher} reads it, with what its checks need: the
 * size and SHA-256 of the bytes received and the SHA-256 the writer declared. In memory for objects
 * bounded in size (segments, manifests), in a file for those that are not (base tables).
 *
 * @param <T> the copy: a {@link StoredObject} or a {@link StoredFile}
 */
interface RegionCopy<T> {

    /** The copy {@code store} holds, or empty. */
    Optional<T> read(ObjectStore store, ObjectKey key);

    long size(T copy);

    /** Of the bytes received, not the declared one. */
    Sha256 sha256(T copy);

    Optional<Sha256> declaredSha256(T copy);

    /** Drops a copy that did not pass its check before the next region is tried. */
    void discard(T copy);

    /** Copies held in memory. */
    RegionCopy<StoredObject> IN_MEMORY = new RegionCopy<>() {
        @Override
        public Optional<StoredObject> read(ObjectStore store, ObjectKey key) {
            return store.get(key);
        }

        @Override
        public long size(StoredObject copy) {
            return copy.bytes().length;
        }

        @Override
        public Sha256 sha256(StoredObject copy) {
            return Sha256.of(copy.bytes());
        }

        @Override
        public Optional<Sha256> declaredSha256(StoredObject copy) {
            return copy.declaredSha256();
        }

        @Override
        public void discard(StoredObject copy) {
            // the garbage collector's
        }
    };

    /** Copies written to {@code target}, hashed as they arrive; one that fails its check is deleted. */
    static RegionCopy<StoredFile> toFile(Path target) {
        return new RegionCopy<>() {
            @Override
            public Optional<StoredFile> read(ObjectStore store, ObjectKey key) {
                return store.getToFile(key, target);
            }

            @Override
            public long size(StoredFile copy) {
                return copy.file().size();
            }

            @Override
            public Sha256 sha256(StoredFile copy) {
                return copy.file().sha256();
            }

            @Override
            public Optional<Sha256> declaredSha256(StoredFile copy) {
                return copy.info().declaredSha256();
            }

            @Override
            public void discard(StoredFile copy) {
                try {
                    Files.deleteIfExists(copy.file().path());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + copy.file().path() + ", a copy of " + copy.info().key()
                            + " that failed its check: delete it by hand", e);
                }
            }
        };
    }
}
