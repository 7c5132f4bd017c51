package dev.strata.schemas.keystore;

import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.s3.StoreTimeouts;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Opens a regime's key store from the service's properties: {@code strata.regime.<r>.kek.file} and,
 * per region, {@code keys.bucket} (default: the region's bucket plus {@code -keys}) on the region's
 * endpoint, with the credentials the service already holds for that region (the writer may read and
 * create keys there, the reader and the drill user only read).
 */
public final class KeyStores {
    private KeyStores() {
    }

    /** The regime's key-encryption key file, if configured. */
    public static Optional<Path> kekFile(Properties source, String regime) {
        String value = source.getProperty(RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE), "").trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
    }

    /** Where a region's key store bucket is: its {@code keys.bucket} on the region's endpoint. */
    public static StoreLocation location(Properties source, RegionSettings region) {
        String bucket = source.getProperty(RegimeSettings.key(region.regime(), region.role(), RegimeSettings.KEYS_BUCKET), "").trim();
        if (bucket.isEmpty()) {
            bucket = region.location().bucket() + RegimeSettings.KEYS_BUCKET_DEFAULT_SUFFIX;
        }
        StoreLocation data = region.location();
        return new StoreLocation(data.endpoint(), bucket, data.signingRegion());
    }

    /**
     * The regime's data keys.
     *
     * @param mayCreate true for the sink only
     * @throws IllegalArgumentException naming {@code strata.regime.<r>.kek.file} when it is not set or not a key
     */
    public static StoredDataKeys open(Properties source, RegionSettings primary, RegionSettings backup, KeyRotation rotation,
                                      boolean mayCreate) {
        return open(source, primary, backup, rotation, mayCreate, ErasureCheck.NONE);
    }

    /**
     * The regime's data keys for the sink, which creates them: {@code erasure} is asked around every key it writes or takes up
     * ({@link StoredDataKeys}).
     */
    public static StoredDataKeys open(Properties source, RegionSettings primary, RegionSettings backup, KeyRotation rotation,
                                      ErasureCheck erasure) {
        return open(source, primary, backup, rotation, true, erasure);
    }

    private static StoredDataKeys open(Properties source, RegionSettings primary, RegionSettings backup, KeyRotation rotation,
                                       boolean mayCreate, ErasureCheck erasure) {
        String regime = primary.regime();
        String setting = RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE);
        Path file = kekFile(source, regime).orElseThrow(() -> new IllegalArgumentException(setting + " is missing: set it to the file"
                + " of regime " + regime + "'s key-encryption key (base64 of 32 random bytes: head -c 32 /dev/urandom | base64 > kek),"
                + " the same file for the regime's sink and restore-tool; it wraps every tenant's data key"));
        KeyEncryptionKey kek = KeyEncryptionKey.fromFile(file, setting);
        return new StoredDataKeys(regime, open(source, primary), open(source, backup), kek, rotation, mayCreate, erasure);
    }

    private static ObjectStore open(Properties source, RegionSettings region) {
        StoreCredentials credentials = StoreCredentials.fromFile(region.credentialsFile().orElseThrow());
        return S3ObjectStore.open(location(source, region), credentials, VersionPolicy.LATEST_VERSION, StoreTimeouts.DEFAULT);
    }
}
