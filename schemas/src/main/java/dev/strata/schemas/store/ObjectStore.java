package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import dev.strata.schemas.store.failure.ObjectLockRefusedException;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import dev.strata.schemas.store.failure.UnknownOutcomeException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The seam between Strata and an object store: write-once puts (of bytes, or of a staged file for
 * objects too large for memory), reads, listings. There is no
 * delete: Strata never deletes (expiry is the bucket's lifecycle rule after Object Lock retention).
 *
 * <p>Every implementation passes one contract test suite ({@code ObjectStoreContract}).
 *
 * <p>Failures are {@link StoreException}s: {@link ConflictingObjectException} (same key, other
 * bytes), {@link UnknownOutcomeException} (a write sent but unanswered), {@link
 * StoreAccessDeniedException}, {@link StoreUnavailableException}, {@link StoreRequestFailedException}, {@link
 * ObjectLockRefusedException} (a put with a retain-until into a bucket without Object Lock).
 */
public interface ObjectStore extends AutoCloseable {

    int MAX_KEYS_PER_PAGE = 1000;

    /**
     * Writes {@code bytes} under {@code key} unless the key already holds them. The store records
     * {@code sha256} with the object, and the transfer is checked (Content-MD5).
     *
     * @return {@link PutResult#WRITTEN}, or {@link PutResult#ALREADY_PRESENT_IDENTICAL} for a retry
     * @throws ConflictingObjectException if the key holds other bytes
     * @throws UnknownOutcomeException if the request was sent and no answer came
     * @throws IllegalArgumentException if {@code sha256} is not the bytes' SHA-256
     */
    PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256);

    /**
     * Writes the staged file under {@code key} unless the key already holds the same object: the same
     * write-once rule as {@link #putIfAbsent(ObjectKey, byte[], Sha256)}, for an object too large to
     * hold in memory. The file is read as it is sent, possibly more than once (a retry); keep it, unchanged,
     * until the call returns.
     *
     * @return {@link PutResult#WRITTEN}, or {@link PutResult#ALREADY_PRESENT_IDENTICAL} for a retry
     * @throws ConflictingObjectException if the key holds other bytes
     * @throws UnknownOutcomeException if the request was sent and no answer came
     * @throws IllegalArgumentException if the file's size is no longer the one hashed
     * @throws StoreRequestFailedException if the bytes sent are not those hashed (the server's Content-MD5 check)
     */
    PutResult putIfAbsent(ObjectKey key, ObjectFile file);

    /** The whole object, or empty if the key has none. */
    Optional<StoredObject> get(ObjectKey key);

    /**
     * The whole object, written to {@code target} (created, or truncated) as it arrives and hashed on the
     * way, for an object too large to hold in memory: the same version {@link #get(ObjectKey)} reads.
     * On a failure, and when the key has no object, no file is left at {@code target}.
     *
     * @return the object's stored description and the file with the size and SHA-256 of the bytes received,
     *     or empty if the key has none
     * @throws java.io.UncheckedIOException caused by a {@link LocalFileException} when {@code target} cannot be written:
     *     the local disk's failure, not the store's (a retry would GET the object again into the same disk)
     */
    Optional<StoredFile> getToFile(ObjectKey key, Path target);

    /** A slice of the object, or empty if the key has none. */
    Optional<StoredObject> get(ObjectKey key, ByteRange range);

    /** Size, declared SHA-256 and version of the object, without its bytes. */
    Optional<ObjectInfo> head(ObjectKey key);

    /** Every stored version of the key, oldest first; more than one means someone overwrote it. */
    List<ObjectVersionInfo> versions(ObjectKey key);

    /** Up to {@code maxKeys} keys under {@code prefix} after {@code startAfter}, in key order. */
    ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys);

    /** Every key under {@code prefix} after {@code startAfter}, in key order, fetched page by page as consumed. */
    default Stream<ListedObject> listAll(ObjectKey prefix, Optional<ObjectKey> startAfter) {
        Iterator<ListedObject> all = new Iterator<>() {
            private Iterator<ListedObject> page = List.<ListedObject>of().iterator();
            private Optional<ObjectKey> next = startAfter;
            private boolean more = true;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && more) {
                    ListPage fetched = list(prefix, next, MAX_KEYS_PER_PAGE);
                    page = fetched.objects().iterator();
                    next = fetched.nextStartAfter();
                    more = fetched.truncated();
                }
                return page.hasNext();
            }

            @Override
            public ListedObject next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no more keys under " + prefix);
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(all, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** For messages, e.g. "bucket 'b' at http://127.0.0.1:8000". */
    String describe();

    @Override
    void close();
}
