package dev.strata.restore.testing;

import dev.strata.local.LocalObjectStores;
import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.keystore.ErasureCheck;
import dev.strata.schemas.keystore.StoredDataKeys;
import dev.strata.local.LocalRegion;
import dev.strata.local.StoreRole;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Buckets of the local stack for restore tests: writer stores for the test's "sink", and the tool's config (reader keys). */
public final class LocalStores {
    private LocalStores() {
    }

    public static ObjectStore writer(LocalRegion region, String bucket) {
        return S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.WRITER)), VersionPolicy.LATEST_VERSION);
    }

    /**
     * The regime's key store as its sink holds it: the key store buckets beside the two backup buckets, with the writer's
     * keys (which may create data keys) and the regime's key-encryption key file. The caller closes it.
     */
    public static StoredDataKeys writerKeys(LocalObjectStores stores, String regime, String primaryBucket, String backupBucket) {
        return writerKeys(stores, regime, primaryBucket, backupBucket, ErasureCheck.NONE);
    }

    /** As {@link #writerKeys(LocalObjectStores, String, String, String)}, asking {@code erasure} around each key as the sink does. */
    public static StoredDataKeys writerKeys(LocalObjectStores stores, String regime, String primaryBucket, String backupBucket,
                                            ErasureCheck erasure) {
        return new StoredDataKeys(regime, writer(stores.primary(), primaryBucket + LocalRegion.KEYS_BUCKET_SUFFIX),
                writer(stores.backup(), backupBucket + LocalRegion.KEYS_BUCKET_SUFFIX),
                KeyEncryptionKey.fromFile(stores.kekFile(regime), "the key-encryption key of regime " + regime), KeyRotation.DEFAULT, true,
                erasure);
    }

    /** The bucket as restore reads it: the reader key, first versions. */
    public static ObjectStore reader(LocalRegion region, String bucket) {
        return S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.READER)), VersionPolicy.FIRST_VERSION);
    }

    /** A restore.properties naming the two buckets of regime {@code regime} with the READER key files. */
    public static Properties regime(String regime, LocalRegion primary, String primaryBucket, LocalRegion backup, String backupBucket) {
        Properties p = new Properties();
        put(p, regime, "primary", primary, primaryBucket);
        put(p, regime, "backup", backup, backupBucket);
        return p;
    }

    private static void put(Properties p, String regime, String side, LocalRegion region, String bucket) {
        String prefix = "strata.regime." + regime + "." + side + ".";
        p.setProperty(prefix + "endpoint", region.endpoint().toString());
        p.setProperty(prefix + "bucket", bucket);
        p.setProperty(prefix + "region", region.signingRegion());
        p.setProperty(prefix + "credentials.file", region.credentialsFile(StoreRole.READER).toString());
    }

    public static Path write(Properties props, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "restore", ".properties");
        try (var out = Files.newOutputStream(file)) {
            props.store(out, "restore-tool test config");
        }
        return file;
    }
}
