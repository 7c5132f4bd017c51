package dev.strata.restore.store;

import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;

/**
 * An object's bytes, already checked whole: the stored bytes matched the SHA-256 that vouches for them (the manifest's,
 * or the object's declared one for an unsealed hour), and a body sealed under its tenant's data key was opened, which
 * authenticates it. Read them with {@code SegmentReader.openChecked}: hashing them again could not fail.
 *
 * @param sealed whether a manifest vouched for it (else only the writer's declared checksum did)
 */
public record FetchedObject(ObjectKey key, byte[] bytes, Region from, boolean sealed) {

    public FetchedObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(from, "from");
    }
}
