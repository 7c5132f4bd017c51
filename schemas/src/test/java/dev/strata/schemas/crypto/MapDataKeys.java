package dev.strata.schemas.crypto;

import dev.strata.schemas.TenantId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Data keys held in a map: the key store's contract without a store. */
final class MapDataKeys implements DataKeys {
    private final Map<String, DataKey> keys = new HashMap<>();
    private final KeyRotation rotation = KeyRotation.MONTHLY;

    @Override
    public DataKey sealing(TenantId tenant, Instant contentTime) {
        DataKeyId id = new DataKeyId(rotation.period(contentTime) + "-0");
        return keys.computeIfAbsent(tenant + "/" + id, k -> KeyEncryptionKey.newDataKey(tenant, id));
    }

    @Override
    public DataKey named(TenantId tenant, DataKeyId id) {
        DataKey key = keys.get(tenant + "/" + id);
        if (key == null) {
            throw new DataKeyUnavailableException("no data key " + id + " of tenant " + tenant, null);
        }
        return key;
    }

    void replace(DataKey key) {
        keys.put(key.tenant() + "/" + key.id(), key);
    }
}
