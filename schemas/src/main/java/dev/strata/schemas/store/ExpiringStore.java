package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one way Strata deletes: {@code restore-tool expire}, with its own credential, removes object
 * versions that no kept restore point needs once their Object Lock retention has passed. Apart from
 * {@link ObjectStore} on purpose: the writer, restore and drills never hold a store that can delete.
 */
public interface ExpiringStore extends AutoCloseable {

    /** Every version of every key under {@code prefix}, in key order (a key's versions newest first). */
    Stream<ObjectVersionInfo> versions(ObjectKey prefix);

    /** The version's Object Lock retain-until, or empty if it has none. */
    Optional<Instant> retainUntil(ObjectVersionInfo version);

    /**
     * Deletes one version for good.
     *
     * @throws StoreAccessDeniedException if the store refuses: its retention has not passed, or the credential may not
     */
    void delete(ObjectVersionInfo version);

    String describe();

    @Override
    void close();
}
