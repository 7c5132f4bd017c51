package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;
import java.util.Optional;

/**
 * What a HEAD says about an object. {@code declaredSha256} is the {@code x-amz-meta-sha256} the
 * writer stored: a claim to check against the bytes and the manifest, not a proof.
 */
public record ObjectInfo(ObjectKey key, long size, Optional<Sha256> declaredSha256, Optional<String> versionId) {

    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(declaredSha256, "declaredSha256");
        Objects.requireNonNull(versionId, "versionId");
    }
}
