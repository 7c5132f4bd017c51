package dev.strata.schemas.keystore;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.crypto.DataKey;
import dev.strata.schemas.crypto.DataKeyId;
import dev.strata.schemas.crypto.DataKeyUnavailableException;
import dev.strata.schemas.crypto.DataKeys;
import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.layout.KeyStoreLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A regime's data keys in its key store: one unlocked, unversioned bucket per region, so that an
 * erasure can destroy them. A key is written to the primary, then to the backup region, before the
 * first body that uses it: it counts as existing only when both regions hold it, and a key found in
 * the primary alone (a creation cut short) is completed in the backup by the next sink that needs it.
 * Unwrapped keys are kept in memory; their wrapped form is all any bucket ever holds. Thread-safe.
 */
public final class StoredDataKeys implements DataKeys, AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ID_RANDOM_BYTES = 4;

    private final String regime;
    private final ObjectStore primary;
    private final ObjectStore backup;
    private final KeyEncryptionKey kek;
    private final KeyRotation rotation;
    private final boolean mayCreate;
    private final ErasureCheck erasure;
    private final Map<String, DataKey> named = new ConcurrentHashMap<>();
    private final Map<String, DataKey> sealing = new ConcurrentHashMap<>();

    /**
     * @param mayCreate whether this holder may create keys (the sink); restore, verify and drills only read
     */
    public StoredDataKeys(String regime, ObjectStore primary, ObjectStore backup, KeyEncryptionKey kek, KeyRotation rotation,
                          boolean mayCreate) {
        this(regime, primary, backup, kek, rotation, mayCreate, ErasureCheck.NONE);
    }

    /**
     * @param mayCreate whether this holder may create keys (the sink)
     * @param erasure asked around every key this holder writes, so that none outlives the tenant's erasure
     */
    public StoredDataKeys(String regime, ObjectStore primary, ObjectStore backup, KeyEncryptionKey kek, KeyRotation rotation,
                          boolean mayCreate, ErasureCheck erasure) {
        this.regime = regime;
        this.primary = primary;
        this.backup = backup;
        this.kek = kek;
        this.rotation = rotation;
        this.mayCreate = mayCreate;
        this.erasure = erasure;
    }

    @Override
    public DataKey sealing(TenantId tenant, Instant contentTime) {
        String period = rotation.period(contentTime);
        DataKey known = sealing.get(tenant.value() + "/" + period);
        return known != null ? known : findOrCreate(tenant, period);
    }

    @Override
    public DataKey named(TenantId tenant, DataKeyId id) {
        DataKey known = named.get(tenant.value() + "/" + id.value());
        if (known != null) {
            return known;
        }
        ObjectKey key = KeyStoreLayout.dataKey(tenant, id.value());
        Optional<byte[]> wrapped;
        try {
            wrapped = read(primary, key).or(() -> read(backup, key));
        } catch (StoreException inPrimary) {
            try {
                wrapped = read(backup, key);
            } catch (StoreException inBackup) {
                inBackup.addSuppressed(inPrimary);
                throw inBackup;
            }
        }
        if (wrapped.isEmpty()) {
            throw new DataKeyUnavailableException("data key " + id + " of tenant " + tenant + " is in neither region's key store of regime "
                    + regime + " (" + primary.describe() + ", " + backup.describe() + "): it was destroyed (tenants erase) or never"
                    + " written, and what it sealed cannot be opened", null);
        }
        return remember(kek.unwrap(tenant, id, wrapped.get()));
    }

    // One creation at a time in this process; another sink may race (see the README's key store): then both keys are
    // kept and each body names its own. A creation costs one listing and a write-once put per region, on the poll thread.
    private synchronized DataKey findOrCreate(TenantId tenant, String period) {
        Optional<DataKey> found = firstInBoth(tenant, period);
        if (found.isEmpty() && !mayCreate) {
            throw new DataKeyUnavailableException("tenant " + tenant + " has no data key for period " + period + " in regime " + regime
                    + "'s key store, and this credential may not create one (only the sink does)", null);
        }
        if (found.isEmpty() && erasure.erased(tenant)) {
            throw erased(tenant, period, "no data key is created for it");
        }
        DataKey chosen = found.orElseGet(() -> create(tenant, period));
        // Asked once the key is in both regions: an erasure whose tombstone comes later lists it and destroys it, and if the
        // tombstone came first, the key seals nothing (a key written after the erasure's listing would outlive it).
        if (erasure.erased(tenant)) {
            throw erased(tenant, period, "data key " + chosen.id() + " seals nothing (if it was written after the erasure, run"
                    + " 'restore-tool tenants erase " + tenant + "' again to destroy it)");
        }
        sealing.put(tenant.value() + "/" + period, chosen);
        return chosen;
    }

    private DataKey create(TenantId tenant, String period) {
        DataKeyId id = new DataKeyId(period + "-" + HexFormat.of().formatHex(randomBytes()));
        byte[] wrapped = kek.wrap(KeyEncryptionKey.newDataKey(tenant, id));
        ObjectKey key = KeyStoreLayout.dataKey(tenant, id.value());
        // primary first, then backup: a key in the primary alone is completed by the next call, never used before
        primary.putIfAbsent(key, wrapped, Sha256.of(wrapped));
        backup.putIfAbsent(key, wrapped, Sha256.of(wrapped));
        return remember(kek.unwrap(tenant, id, wrapped));
    }

    private Optional<DataKey> firstInBoth(TenantId tenant, String period) {
        List<String> ids = primary.listAll(KeyStoreLayout.tenantPrefix(tenant), Optional.empty()).map(ListedObject::key)
                .flatMap(k -> KeyStoreLayout.keyIdOf(tenant, k).stream())
                .filter(id -> new DataKeyId(id).period().equals(period)).sorted().toList();
        for (String id : ids) {
            ObjectKey key = KeyStoreLayout.dataKey(tenant, id);
            Optional<byte[]> inPrimary = read(primary, key);
            if (inPrimary.isEmpty()) {
                continue;
            }
            Optional<byte[]> inBackup = read(backup, key);
            if (inBackup.isEmpty() && mayCreate) {
                backup.putIfAbsent(key, inPrimary.get(), Sha256.of(inPrimary.get()));
                inBackup = inPrimary;
            }
            if (inBackup.isPresent()) {
                return Optional.of(remember(kek.unwrap(tenant, new DataKeyId(id), inPrimary.get())));
            }
        }
        return Optional.empty();
    }

    private DataKeyUnavailableException erased(TenantId tenant, String period, String consequence) {
        return new DataKeyUnavailableException("tenant " + tenant + " of regime " + regime + " was erased (its tombstone is in the"
                + " regime's buckets): " + consequence + "; its changes of period " + period + " are not stored", null);
    }

    private DataKey remember(DataKey key) {
        named.put(key.tenant().value() + "/" + key.id().value(), key);
        return key;
    }

    private static Optional<byte[]> read(ObjectStore store, ObjectKey key) {
        return store.get(key).map(StoredObject::bytes);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[ID_RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        primary.close();
        backup.close();
    }
}
