package dev.strata.restore.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;

/**
 * An object's bytes, already checked against the SHA-256 that vouches for them.
 *
 * @param sha256 the checksum the bytes matched: the manifest's, or the object's declared one for an unsealed hour
 * @param sealed whether a manifest vouched for it (else only the writer's declared checksum did)
 */
public record FetchedObject(ObjectKey key, byte[] bytes, Sha256 sha256, Region from, boolean sealed) {

    public FetchedObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(from, "from");
    }
}
