package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import java.util.List;

/**
 * Destroys data keys in a regime's key store bucket: the one delete besides expiry's, held only by
 * {@code restore-tool tenants erase} with the key-admin credential. Apart from {@link ObjectStore}
 * on purpose: nothing that writes or reads backups holds a store that can delete.
 */
public interface KeyShredder extends AutoCloseable {

    /** Every key under {@code prefix}. */
    List<ObjectKey> list(ObjectKey prefix);

    /**
     * Deletes the key for good.
     *
     * @throws IllegalStateException when the bucket keeps versions: a deleted key would survive as an older version
     */
    void shred(ObjectKey key);

    String describe();

    @Override
    void close();
}
