package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys of a regime's key store bucket (never a backup bucket): one object per data key,
 * {@code strata/v1/keys/<tenant>/<keyId>.key}, so a tenant's keys list in period order and an
 * erasure deletes exactly the objects under its prefix.
 */
public final class KeyStoreLayout {
    private static final String DATA_KEYS = BackupLayout.ROOT + "keys/";
    private static final String SUFFIX = ".key";
    private static final Pattern KEY_ID = Pattern.compile("[0-9A-Za-z]{1,16}-[0-9a-f]{1,32}");

    private KeyStoreLayout() {
    }

    /** {@code strata/v1/keys/<tenant>/<keyId>.key}. */
    public static ObjectKey dataKey(TenantId tenant, String keyId) {
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new InvalidObjectKeyException(keyId, "a data key id is <period>-<hex>");
        }
        return new ObjectKey(tenantPrefix(tenant).value() + keyId + SUFFIX);
    }

    /** Every data key of a tenant, oldest period first. */
    public static ObjectKey tenantPrefix(TenantId tenant) {
        return new ObjectKey(DATA_KEYS + tenant.value() + "/");
    }

    /** The key id a listed object is named by, or empty for anything else under the prefix. */
    public static Optional<String> keyIdOf(TenantId tenant, ObjectKey key) {
        String prefix = tenantPrefix(tenant).value();
        String v = key.value();
        if (!v.startsWith(prefix) || !v.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String id = v.substring(prefix.length(), v.length() - SUFFIX.length());
        return KEY_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }
}
