package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;
import java.util.Optional;

/** The bytes of one version of an object (or a slice of them) as read from a store. */
public final class StoredObject {

    private final ObjectKey key;
    private final Optional<String> versionId;
    private final byte[] bytes;
    private final long objectSize;
    private final Optional<Sha256> declaredSha256;

    public StoredObject(ObjectKey key, Optional<String> versionId, byte[] bytes, long objectSize, Optional<Sha256> declaredSha256) {
        this.key = Objects.requireNonNull(key, "key");
        this.versionId = Objects.requireNonNull(versionId, "versionId");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.objectSize = objectSize;
        this.declaredSha256 = Objects.requireNonNull(declaredSha256, "declaredSha256");
    }

    public ObjectKey key() {
        return key;
    }

    /** The version read; empty for stores without versions. */
    public Optional<String> versionId() {
        return versionId;
    }

    /** The bytes read (the whole object or the requested slice). Not copied: do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    /** The size of the whole object, even when only a slice was read. */
    public long objectSize() {
        return objectSize;
    }

    /** The SHA-256 the writer declared for the whole object ({@code x-amz-meta-sha256}), if any. */
    public Optional<Sha256> declaredSha256() {
        return declaredSha256;
    }

    /** Whether these are the whole object's bytes and they hash to what the writer declared. */
    public boolean matchesDeclaredSha256() {
        return bytes.length == objectSize && declaredSha256.map(s -> s.matches(bytes)).orElse(false);
    }

    @Override
    public String toString() {
        return "StoredObject[" + key + ", version=" + versionId.orElse("-") + ", " + bytes.length + " of " + objectSize + " bytes]";
    }
}
