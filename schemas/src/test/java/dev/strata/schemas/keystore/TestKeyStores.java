package dev.strata.schemas.keystore;

import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.security.SecureRandom;

/** A regime's key store in memory, for tests of what seals and opens bodies without a store server. */
public final class TestKeyStores {
    private TestKeyStores() {
    }

    /** Keys that a sink may create, in two in-memory key store buckets under a random key-encryption key. */
    public static StoredDataKeys inMemory() {
        byte[] kek = new byte[KeyEncryptionKey.LENGTH_BYTES];
        new SecureRandom().nextBytes(kek);
        return new StoredDataKeys("eu", new InMemoryBucket().store(VersionPolicy.LATEST_VERSION),
                new InMemoryBucket().store(VersionPolicy.LATEST_VERSION), KeyEncryptionKey.of(kek), KeyRotation.MONTHLY, true);
    }

    /** Seals and opens with {@link #inMemory()} keys: share one instance between the writer and the reader of a test. */
    public static BodySealer sealing() {
        return BodySealer.sealing(inMemory());
    }
}
