package dev.strata.schemas.base;

import dev.strata.schemas.Sha256;
import java.util.Arrays;
import java.util.Objects;

/** A base manifest with the exact bytes it is stored as, and their SHA-256 (what a newer base links to). */
public final class StoredBaseManifest {
    private final BaseManifest manifest;
    private final byte[] bytes;
    private final Sha256 sha256;

    StoredBaseManifest(BaseManifest manifest, byte[] bytes) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.bytes = bytes.clone();
        this.sha256 = Sha256.of(bytes);
    }

    public BaseManifest manifest() {
        return manifest;
    }

    public byte[] bytes() {
        return Arrays.copyOf(bytes, bytes.length);
    }

    public Sha256 sha256() {
        return sha256;
    }

    @Override
    public String toString() {
        return manifest.objectKey() + " (" + sha256 + ")";
    }
}
