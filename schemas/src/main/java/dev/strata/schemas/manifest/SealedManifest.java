package dev.strata.schemas.manifest;

import dev.strata.schemas.Sha256;
import java.util.Objects;

/** A manifest with the exact bytes it is stored as and their SHA-256: the value the next manifest links to. */
public final class SealedManifest {

    private final Manifest manifest;
    private final byte[] bytes;
    private final Sha256 sha256;

    SealedManifest(Manifest manifest, byte[] bytes) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.bytes = bytes.clone();
        this.sha256 = Sha256.of(bytes);
    }

    public Manifest manifest() {
        return manifest;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public Sha256 sha256() {
        return sha256;
    }

    @Override
    public String toString() {
        return "SealedManifest[" + manifest.key() + ", sha256=" + sha256 + ", entries=" + manifest.entries().size() + "]";
    }
}
