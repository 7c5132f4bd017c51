package dev.strata.schemas.crypto;

import dev.strata.schemas.TenantId;
import java.time.Instant;

/** Where a sealer finds a tenant's data keys: the regime's key store, or a map in a test. */
public interface DataKeys {

    /**
     * The key that seals a body whose content is from {@code contentTime} (a segment's first commit,
     * a base's cut): the same for every retry of the same object, so its bytes are the same too.
     * Creates the period's key when there is none yet (a store that may create keys).
     */
    DataKey sealing(TenantId tenant, Instant contentTime);

    /**
     * The key a sealed body names.
     *
     * @throws DataKeyUnavailableException if the key store holds no such key
     */
    DataKey named(TenantId tenant, DataKeyId id);
}
