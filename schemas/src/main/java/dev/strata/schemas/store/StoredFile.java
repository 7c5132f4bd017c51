package dev.strata.schemas.store;

import java.util.Objects;

/**
 * One version of an object, read whole into a local file: what the store said of it ({@code info}:
 * its size, declared SHA-256 and version) and what was written ({@code file}: the size and SHA-256 of
 * the bytes actually received, computed as they were written). Compare {@code file.sha256()} with the
 * checksum that vouches for the object before using a byte of it.
 */
public record StoredFile(ObjectInfo info, ObjectFile file) {

    public StoredFile {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(file, "file");
    }
}
