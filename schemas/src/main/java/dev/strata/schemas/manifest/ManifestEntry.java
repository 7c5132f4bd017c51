package dev.strata.schemas.manifest;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;

/** One object a manifest vouches for: its key, size and SHA-256. */
public record ManifestEntry(ObjectKey key, long size, Sha256 sha256) {

    public ManifestEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("manifest entry " + key + ": size " + size + " is negative");
        }
    }

    /** Whether {@code bytes} are exactly the object this entry names. */
    public boolean matches(byte[] bytes) {
        return bytes.length == size && sha256.matches(bytes);
    }
}
