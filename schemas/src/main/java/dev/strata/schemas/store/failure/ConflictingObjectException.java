package dev.strata.schemas.store.failure;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreOperation;

/**
 * The alarm: a key that must be written once already holds other bytes. Keys are derived from
 * Kafka offsets and segments are deterministic, so this means two writers disagree or the object
 * was tampered with. Never resolve it by writing again.
 */
public final class ConflictingObjectException extends StoreException {

    private static final long serialVersionUID = 1L;

    public ConflictingObjectException(String store, ObjectKey key, String storedSha256, long storedSize, Sha256 newSha256, long newSize) {
        super(StoreOperation.PUT, store, key, "the key already holds other bytes (stored sha256 " + storedSha256 + ", "
                + storedSize + " bytes; new sha256 " + newSha256 + ", " + newSize + " bytes). A Strata key is written once:"
                + " two writers disagree or the object was tampered with. Stop this writer and run restore-tool verify;"
                + " do not write it again", null);
    }
}
