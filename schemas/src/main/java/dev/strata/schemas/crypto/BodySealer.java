package dev.strata.schemas.crypto;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectFileOutput;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What the sink seals and every reader opens: segment and base bodies (after compression), under the
 * tenant's data key of the body's content time. The object key and the SHA-256 the manifests keep
 * are those of the stored, sealed bytes; a body written before sealing (Avro's {@code Obj} where the
 * {@code STSB} header would be) is read as it is.
 */
public final class BodySealer {
    private static final int OPENING_BUFFER_BYTES = 1 << 16;
    private final DataKeys keys;
    private final boolean sealing;

    private BodySealer(DataKeys keys, boolean sealing) {
        this.keys = keys;
        this.sealing = sealing;
    }

    /** Seals new bodies with {@code keys} and opens sealed ones with them. */
    public static BodySealer sealing(DataKeys keys) {
        GcmOpening.warmUp(); // while the stores are listed and planned, not during the first bodies' opening
        return new BodySealer(keys, true);
    }

    /**
     * Writes bodies unsealed, as sinks did before sealing (and still opens sealed ones with {@code keys}): for the
     * benchmark's comparison of what sealing costs and for tests of backups written before it. Never a backup's
     * default: erasing a tenant does not reach an unsealed body.
     */
    public static BodySealer unsealed(DataKeys keys) {
        GcmOpening.warmUp();
        return new BodySealer(keys, false);
    }

    /** A reader without a key store: opens bodies written before sealing, and names the fix for a sealed one. */
    public static BodySealer withoutKeys(String why) {
        return new BodySealer(new DataKeys() {
            @Override
            public DataKey sealing(TenantId tenant, Instant contentTime) {
                throw DataKeyUnavailableException.configuration("cannot seal a body of tenant " + tenant + ": " + why, null);
            }

            @Override
            public DataKey named(TenantId tenant, DataKeyId id) {
                throw DataKeyUnavailableException.configuration("tenant " + tenant + "'s bodies are sealed (data key " + id + "): " + why,
                        null);
            }
        }, false);
    }

    /** The bytes to store for a body, and their SHA-256. */
    public record Sealed(byte[] bytes, Sha256 sha256) {
    }

    /** Seals an in-memory body whose content is from {@code contentTime}. */
    public Sealed seal(ObjectKey key, Instant contentTime, byte[] plain, Sha256 plainSha256) {
        if (!sealing) {
            return new Sealed(plain, plainSha256);
        }
        byte[] sealed = SealedBody.seal(keys.sealing(tenantOf(key), contentTime), key.value(), plainSha256, plain);
        return new Sealed(sealed, Sha256.of(sealed));
    }

    /** Seals a staged body into {@code target}; the caller deletes both files when done. */
    public ObjectFile seal(ObjectKey key, Instant contentTime, ObjectFile plain, Path target) {
        if (!sealing) {
            return plain;
        }
        DataKey dataKey = keys.sealing(tenantOf(key), contentTime);
        try (InputStream in = Files.newInputStream(plain.path()); ObjectFileOutput out = ObjectFileOutput.create(target)) {
            SealedBody.seal(dataKey, key.value(), plain.sha256(), in, out);
            out.close();
            return out.objectFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seal " + key + " from " + plain.path() + " into " + target + ": " + e.getMessage(), e);
        }
    }

    /** A body's tenant: the one its object key names, which the seal's AAD binds. */
    private static TenantId tenantOf(ObjectKey key) {
        return BackupLayout.parse(key).tenant();
    }

    /** The body of stored bytes that already matched the checksum vouching for them. */
    public byte[] open(ObjectKey key, byte[] stored) {
        return SealedBody.isSealed(stored) ? SealedBody.open(keys, tenantOf(key), key.value(), stored) : stored;
    }

    /**
     * The body of stored bytes that already matched their checksum, opened while it is read
     * ({@link SealedBody#opening}); the stored bytes themselves when written before sealing. The data key
     * is had before this returns. Closing it closes {@code stored}.
     */
    public InputStream opening(ObjectKey key, InputStream stored) {
        BufferedInputStream in = new BufferedInputStream(stored, OPENING_BUFFER_BYTES);
        try {
            in.mark(SealHeader.MAGIC.length);
            byte[] head = in.readNBytes(SealHeader.MAGIC.length);
            in.reset();
            return SealHeader.begins(head, head.length) ? SealedBody.opening(keys, tenantOf(key), key.value(), in) : in;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * The body of a stored file that already matched its checksum: the file itself when it was written
     * before sealing, else a new file at {@code target} (the caller deletes both).
     */
    public ObjectFile open(ObjectKey key, ObjectFile stored, Path target) {
        try {
            byte[] head;
            try (InputStream in = Files.newInputStream(stored.path())) {
                head = in.readNBytes(SealHeader.MAGIC.length);
            }
            if (!SealHeader.begins(head, head.length)) {
                return stored;
            }
            try (InputStream in = Files.newInputStream(stored.path()); ObjectFileOutput out = ObjectFileOutput.create(target)) {
                SealedBody.open(keys, tenantOf(key), key.value(), in, out);
                out.close();
                return out.objectFile();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target); // never leave a part of a body that failed authentication
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + key + " from " + stored.path() + " into " + target + ": " + e.getMessage(), e);
        }
    }
}
