package dev.strata.schemas.manifest;

import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;

/** A manifest as read back from the store: its key and its bytes, not yet trusted. */
public record StoredManifest(ObjectKey key, byte[] bytes) {

    public StoredManifest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String toString() {
        return "StoredManifest[" + key + ", " + bytes.length + " bytes]";
    }
}
